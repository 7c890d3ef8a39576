import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

// `npm run dev -w ui` hot-reloads the dashboard against a running gateway (npm start).
const gateway = `http://127.0.0.1:${process.env.VIGIL_GATEWAY_PORT ?? 8080}`;

export default defineConfig({
  plugins: [tailwindcss(), sveltekit()],
  build: {
    rolldownOptions: {
      // core's modules have no side effects the dashboard needs (its validators compile on first use, and
      // the dashboard never validates): the parts it does not import are dropped from the bundle.
      treeshake: {
        moduleSideEffects: [{ test: /[\\/]core[\\/]src[\\/]/, sideEffects: false }],
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
