/**
 * Running the commands that quoted blocks name: from the repository root, in bash, once per kernel
 * variant, two at a time (the machine's cores), each output kept for every block that quotes it.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..");

/**
 * The kernel variants a quote must hold on: the "js" reference, and the "wasm" kernels in both of
 * their builds (plain SIMD, and relaxed SIMD with fused multiply-add, which Node 22+ picks by
 * default and Node 20 runs behind a flag).
 */
export const VARIANTS = {
  js: { BACKPROP_BACKEND: "js" },
  wasm: { BACKPROP_BACKEND: "wasm", BACKPROP_WASM_FMA: "0" },
  "wasm-fma": {
    BACKPROP_BACKEND: "wasm", BACKPROP_WASM_FMA: "1",
    // Node 20 has relaxed SIMD behind a flag that NODE_OPTIONS may not carry: a preload sets it.
    ...(Number(process.versions.node.split(".")[0]) < 22 && { NODE_OPTIONS: `--import=${resolve(import.meta.dirname, "relaxed-simd.mjs")}` }),
  },
} as const satisfies Record<string, Record<string, string>>;
export type Variant = keyof typeof VARIANTS;

export interface Run {
  /** What it printed on stdout (the quotes' subject; progress bars and warnings go to stderr). */
  output: string;
  stderr: string;
  code: number | null;
  ms: number;
}

/** The environment a command sees: the user's, without what the test runner set for its own projects. */
function environment(variant: Variant): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("VITEST") || k.startsWith("BACKPROP_") || k === "NODE_OPTIONS" || k === "TEST") continue;
    env[k] = v;
  }
  return { ...env, ...VARIANTS[variant], NO_COLOR: "1", FORCE_COLOR: "0" };
}

export function runCommand(command: string, variant: Variant, timeoutMs: number): Promise<Run> {
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn("bash", ["-c", command], { cwd: ROOT, env: environment(variant), stdio: ["ignore", "pipe", "pipe"] });
    let output = "", stderr = "";
    child.stdout.on("data", (b: Buffer) => (output += b));
    child.stderr.on("data", (b: Buffer) => (stderr += b));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ output, stderr, code, ms: performance.now() - t0 });
    });
  });
}

/** Run every job, `parallel` at a time; results in the jobs' order. */
export async function runAll<T, R>(jobs: readonly T[], parallel: number, run: (job: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await run(jobs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  return results;
}
