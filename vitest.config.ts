import { defineConfig } from "vitest/config";

const include = [
  "packages/*/test/**/*.test.ts", "examples/test/**/*.test.ts", "examples/playground/test/**/*.test.ts", "bench/test/**/*.test.ts",
];

// The whole suite runs twice, once per kernel backend: "wasm" (the default where WebAssembly SIMD
// runs) and "js" (the readable reference). BACKPROP_BACKEND picks the backend when core loads.
// A third run repeats the kernel tests with Node's relaxed-SIMD flag, where the wasm gemm uses
// its fused multiply-add build. The browser and bundle tests (e2e/) run once, after the others
// (a later group): they build bundles and pages and drive real Chromium, and the playground's
// speed checks need the machine's cores to themselves.
export default defineConfig({
  test: {
    pool: "threads",
    reporters: ["default", "./e2e/lib/skip-reporter.ts"],
    projects: [
      ...["wasm", "js"].map((backend) => ({
        extends: true as const,
        test: { name: backend, include, env: { BACKPROP_BACKEND: backend } },
      })),
      {
        extends: true as const,
        test: {
          name: "wasm-fma",
          include: ["packages/core/test/kernels/**/*.test.ts"],
          env: { BACKPROP_BACKEND: "wasm", BACKPROP_EXPECT_FMA: "1" },
          pool: "forks" as const,
          execArgv: ["--experimental-wasm-relaxed-simd"],
        },
      },
      {
        extends: true as const,
        test: {
          name: "browser",
          include: ["e2e/**/*.test.ts"],
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          pool: "forks" as const,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
