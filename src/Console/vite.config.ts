import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Dev server: `npm run dev` proxies the API to a running internal host (scripts/run), so the
// console and /api/internal share one origin as in production (the host sends no CORS headers).
const internalHost = process.env.HALOBESTIE_INTERNAL_URL ?? "http://127.0.0.1:3001";

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: { "/api": { target: internalHost, changeOrigin: false } },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // No inline script or style in index.html: the host's Content-Security-Policy forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
