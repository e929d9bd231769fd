// Builds the UI into dist/, which the daemons serve as static files
// ("web_root"). Everything is bundled: nothing is fetched at run time.
import { defineConfig } from 'vite';

export default defineConfig({
  root: '.',
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 },
});
