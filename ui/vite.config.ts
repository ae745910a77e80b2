import { defineConfig } from "vitest/config";

// `npm run dev` serves the UI with hot reload and sends API and hub calls to a running Observe.
const observe = process.env.OBSERVE_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: {
    proxy: {
      "/api": observe,
      "/hubs": { target: observe, ws: true },
    },
  },
  test: { environment: "node", include: ["test/**/*.test.ts"] },
});
