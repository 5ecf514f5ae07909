import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app: built into web/dist, which the Bulwark server serves on every tenant's host (`npm start`);
 * `npm run dev` serves it hot-reloading and passes the API through to a Bulwark server on BULWARK_URL
 * (http://127.0.0.1:8080 by default, where `npm start` listens), keeping the tenant's Host so the server finds the tenant.
 */
const target = process.env['BULWARK_URL'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': { target, changeOrigin: false }, '/login': { target, changeOrigin: false } } },
});
