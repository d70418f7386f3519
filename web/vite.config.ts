// The dashboard's pages, bundled at build time into dist/web (served by `xhs serve` at /): no CDN, works offline.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "/",
  // Preact's JSX through Vite's own transform (Oxc): no plugin needed.
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // The first page's JavaScript stays under 200 KB gzipped (test/dashboard checks it); no source maps shipped.
    sourcemap: false,
    chunkSizeWarningLimit: 300,
  },
  logLevel: "warn",
});
