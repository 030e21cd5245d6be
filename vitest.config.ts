import { defineConfig } from "vitest/config";

const include = ["packages/*/test/**/*.test.ts", "examples/test/**/*.test.ts", "bench/test/**/*.test.ts"];

// The whole suite runs twice, once per kernel backend: "wasm" (the default where WebAssembly SIMD
// runs) and "js" (the readable reference). BACKPROP_BACKEND picks the backend when core loads.
export default defineConfig({
  test: {
    pool: "threads",
    projects: ["wasm", "js"].map((backend) => ({
      extends: true,
      test: { name: backend, include, env: { BACKPROP_BACKEND: backend } },
    })),
  },
});
