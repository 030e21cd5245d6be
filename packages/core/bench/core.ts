/**
 * The @backprop/core the bench measures. By default the built package (dist/, plain JavaScript:
 * what users install); `pnpm bench` builds it first. With BENCH_SOURCE=1, or when dist/ is absent
 * (as in unit tests), the TypeScript source is used instead — through tsx, whose module wrappers add
 * a per-call cost, so source numbers read slower than what users get.
 */
import { existsSync } from "node:fs";
import type * as Core from "../src/index.js";

const dist = new URL("../dist/index.js", import.meta.url);
export const coreSource: "dist" | "src" = process.env.BENCH_SOURCE !== "1" && existsSync(dist) ? "dist" : "src";
const path = coreSource === "dist" ? dist.href : new URL("../src/index.ts", import.meta.url).href;
export const core: typeof Core = await import(path);
