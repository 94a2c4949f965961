import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { getStation } from './station/get-station';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

getStation().then(
  (station) =>
    root.render(
      <StrictMode>
        <App station={station} />
      </StrictMode>,
    ),
  (error: unknown) =>
    root.render(
      <main className="fatal" role="alert">
        <h1>Packbench cannot reach its station</h1>
        <p>{error instanceof Error ? error.message : String(error)}</p>
      </main>,
    ),
);
