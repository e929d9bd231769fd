// Builds the UI into dist/, which the daemons serve as static files
// ("web_root"). Everything is bundled: nothing is fetched at run time.
// `npm run dev` serves the pages from src/ and passes /api to a running
// daemon: XY_API (default http://127.0.0.1:8700, the coordinator).
import { defineConfig } from 'vite';

export default defineConfig({
  root: '.',
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': { target: process.env.XY_API || 'http://127.0.0.1:8700', changeOrigin: true } },
  },
});
