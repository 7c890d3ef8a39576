import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

// `npm run dev -w ui` hot-reloads the dashboard against a running gateway (npm start).
const gateway = `http://127.0.0.1:${process.env.VIGIL_GATEWAY_PORT ?? 8080}`;

export default defineConfig({
  plugins: [tailwindcss(), sveltekit()],
  build: {
    rolldownOptions: {
      // core compiles its TypeBox validators when a module loads (new Function), which the dashboard's
      // Content-Security-Policy (no 'unsafe-eval') refuses. The dashboard calls none of them: core's
      // modules have no side effects the dashboard needs, so unused ones (and their compiles) are dropped.
      treeshake: {
        moduleSideEffects: [{ test: /[\\/]core[\\/]src[\\/]/, sideEffects: false }],
        manualPureFunctions: ['TypeCompiler.Compile'],
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: gateway, changeOrigin: true },
      '/metrics': { target: gateway, changeOrigin: true },
      '/ws': { target: gateway, ws: true, changeOrigin: true },
    },
  },
});
