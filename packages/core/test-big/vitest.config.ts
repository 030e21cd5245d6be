/**
 * `pnpm test:big`: the reproducers that need gigabytes (docs/backends.md, "Limits"), kept out of
 * `pnpm test`. One file at a time in its own process, so that each measures its own memory.
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: dirname(fileURLToPath(import.meta.url)),
    include: ["*.test.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 600_000,
    env: { BACKPROP_BACKEND: "wasm" },
  },
});
