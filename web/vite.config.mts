/** The web client's build: Preact through Vite, served by the API at /app (see api/app.ts). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webDir = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: webDir,
  base: '/app/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: path.resolve(webDir, '../dist/web'), emptyOutDir: true, target: 'es2022' },
  logLevel: 'warn',
});
