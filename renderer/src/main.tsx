import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './App';
import { getStation } from './station/get-station';
import { uiI18n } from './station/i18n';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

getStation().then(
  (station) =>
    root.render(
      <StrictMode>
        <I18nextProvider i18n={uiI18n}>
          <App station={station} />
        </I18nextProvider>
      </StrictMode>,
    ),
  (error: unknown) =>
    root.render(
      <main className="fatal" role="alert">
        <h1>{uiI18n.t('app.unreachable')}</h1>
        <p>{error instanceof Error ? error.message : String(error)}</p>
      </main>,
    ),
);
