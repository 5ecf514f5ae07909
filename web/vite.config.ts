import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { compression } from 'vite-plugin-compression2';

/**
 * The web app: built into web/dist, which the Bulwark server serves on every tenant's host (`npm start`);
 * `npm run dev` serves it hot-reloading and passes the API through to a Bulwark server on BULWARK_URL
 * (http://127.0.0.1:8080 by default, where `npm start` listens), keeping the tenant's Host so the server finds the tenant.
 * Three pages: index.html (sign-in and account), admin.html (the admin console, served for /admin/*) and
 * helpcenter.html (the Help Center, served on the cells' support hosts).
 */
const target = process.env['BULWARK_URL'] ?? 'http://127.0.0.1:8080';

/** The server serves an asset only when its name is one path segment of `[A-Za-z0-9_-]` and an extension. */
const safe = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '_');

/** In development, /admin and every path under it is the admin console's page, as the server makes it. */
const adminPages: Plugin = {
  name: 'admin-pages',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      if (req.url !== undefined && /^\/admin(\/|\?|$)/.test(req.url)) req.url = '/admin.html';
      next();
    });
  },
};

export default defineConfig({
  root: import.meta.dirname,
  // Scripts and styles also as .br and .gz beside each file, which the server sends to browsers that accept them.
  plugins: [react(), adminPages, compression({ include: /\.(js|css)$/, threshold: 1024, algorithms: ['brotliCompress', 'gzip'] })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rolldownOptions: {
      input: { index: 'index.html', admin: 'admin.html', helpcenter: 'helpcenter.html' },
      output: {
        // React is the bulk of both pages' first load: one chunk, cached across them.
        codeSplitting: { groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }] },
        entryFileNames: (chunk) => `assets/${safe(chunk.name)}-[hash].js`,
        chunkFileNames: (chunk) => `assets/${safe(chunk.name)}-[hash].js`,
        assetFileNames: (asset) => `assets/${safe((asset.names[0] ?? 'asset').replace(/\.[^.]*$/, ''))}-[hash][extname]`,
      },
    },
  },
  server: { proxy: { '/api': { target, changeOrigin: false }, '/idp': { target, changeOrigin: false }, '/login': { target, changeOrigin: false } } },
});
