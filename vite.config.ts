import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is plain browser code; it is built once and served by Electron (file) or the host (HTTP).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});
