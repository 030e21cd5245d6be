import { defineConfig } from "vitest/config";

const include = [
  "packages/*/test/**/*.test.ts", "examples/test/**/*.test.ts", "examples/playground/test/**/*.test.ts", "bench/test/**/*.test.ts",
];

// The whole suite runs twice, once per kernel backend: "wasm" (the default where WebAssembly SIMD
// runs) and "js" (the readable reference). BACKPROP_BACKEND picks the backend when core loads.
// A third run, "wasm-fma", repeats the kernel tests on the relaxed-SIMD build, where the wasm gemm
// uses fused multiply-add. The two wasm projects mean the same on every Node version:
//   "wasm"      the plain SIMD build. On Node 20 that is the default; from Node 22 on, relaxed SIMD
//               is on by default and the FMA build would be chosen, so this project sets
//               BACKPROP_WASM_FMA=0 (the plain build stays tested wherever the suite runs).
//   "wasm-fma"  the FMA build (what users get on Node 22+ and current browsers). Node 20 validates
//               it only with --experimental-wasm-relaxed-simd, so there the project passes that
//               flag; Node 22+ needs no flag (Node 24 rejects it as a bad option).
// BACKPROP_EXPECT_FMA tells the test "the test suite runs on the backend CI asked for" which build
// each project must be running. The "docs" project checks the Markdown's quoted output
// (docs-check/; it runs the quoted commands on every kernel variant itself). The browser and bundle tests (e2e/) run once, after the others
// (a later group): they build bundles and pages and drive real Chromium, and the playground's
// speed checks need the machine's cores to themselves.
const nodeMajor = Number(process.versions.node.split(".")[0]);
const fmaByDefault = nodeMajor >= 22;

export default defineConfig({
  test: {
    pool: "threads",
    // Tests that run a command (a lesson, the demo) wait for a process that shares two cores with
    // the rest of the suite and with the documents' commands (docs-check/): give them room.
    testTimeout: 60_000,
    reporters: ["default", "./e2e/lib/skip-reporter.ts"],
    projects: [
      {
        extends: true as const,
        test: {
          name: "wasm", include,
          env: { BACKPROP_BACKEND: "wasm", BACKPROP_EXPECT_FMA: "0", ...(fmaByDefault && { BACKPROP_WASM_FMA: "0" }) },
        },
      },
      { extends: true as const, test: { name: "js", include, env: { BACKPROP_BACKEND: "js" } } },
      {
        extends: true as const,
        test: {
          name: "wasm-fma",
          include: ["packages/core/test/kernels/**/*.test.ts"],
          env: { BACKPROP_BACKEND: "wasm", BACKPROP_WASM_FMA: "1", BACKPROP_EXPECT_FMA: "1" },
          pool: "forks" as const,
          execArgv: fmaByDefault ? [] : ["--experimental-wasm-relaxed-simd"],
        },
      },
      {
        // The documents' quoted output (docs-check/): runs once, the quoted commands on every
        // kernel variant themselves (docs-check/run.ts).
        extends: true as const,
        test: { name: "docs", include: ["docs-check/**/*.test.ts"], pool: "forks" as const, hookTimeout: 30 * 60_000 },
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
