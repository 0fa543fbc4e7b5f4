import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

/**
 * The console build. `npm start` serves web/dist from the local API's port; `npm run dev:web`
 * runs this dev server and forwards every non-navigation request (the API calls) to the API.
 */
const apiTarget = process.env.JJB_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [
    react(),
    {
      // The dev server is always local mode: the same runtime settings the local server writes.
      name: 'jjb-dev-config',
      apply: 'serve',
      transformIndexHtml: (html) => html.replace('content="{}"', `content='${JSON.stringify({ localMode: true, apiBase: '' })}'`),
    },
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    // No inline module-preload polyfill: every script is a file, so the CSP needs no 'unsafe-inline'.
    modulePreload: { polyfill: false },
  },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: {
      '^/(?!src/|@|node_modules/).*': {
        target: apiTarget,
        changeOrigin: true,
        // Page navigations (Accept: text/html) stay with Vite so client routes load the app.
        bypass: (req) => ((req.headers.accept ?? '').includes('text/html') ? '/index.html' : undefined),
      },
    },
  },
});
