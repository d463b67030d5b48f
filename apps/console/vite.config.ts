import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The API server that `pnpm --filter @tickets/console dev` forwards /trpc and /api to. */
const api = process.env.TICKETS_API ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    port: 5173,
    proxy: {
      '/trpc': api,
      '/api': api,
    },
  },
  preview: {
    proxy: {
      '/trpc': api,
      '/api': api,
    },
  },
});
