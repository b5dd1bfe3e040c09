// The dashboard's build: web/ → dist/web (served by `flowlens serve` at /). `npm run dev:web` serves it
// with hot reload and sends /api to a running Flowlens (FLOWLENS_API, default http://127.0.0.1:8080).
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  plugins: [react()],
  build: {
    outDir: path.resolve(here, '../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
    chunkSizeWarningLimit: 700,
  },
  server: {
    fs: { allow: [path.resolve(here, '..')] },
    proxy: { '/api': { target: process.env.FLOWLENS_API ?? 'http://127.0.0.1:8080', changeOrigin: true } },
  },
});
