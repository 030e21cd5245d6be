/**
 * The playground's build: a static site. `base: "./"` makes every URL relative, so dist/ works from
 * any static file server and under any sub-path. The worker is an ES module (it imports the
 * framework like the page does).
 */
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  worker: { format: "es" },
  // Graphviz (@viz-js/viz, loaded on first use) is one 1.4 MB chunk: expected, not a warning.
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 1600 },
  server: { host: "127.0.0.1" },
});
