/**
 * The physical limit: what an optimised native BLAS does with the same work on this machine.
 * Spawns `python3 limit-numpy.py` (not timed by benchmark.js: python times itself with
 * time.perf_counter, best and median of several calls) with the BLAS pinned to 1 thread, then to
 * 2 threads. Missing python3 or numpy is not an error: the limit is then skipped.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface LimitTiming {
  /** Seconds per call: best and median of `repeats`. */
  best: number;
  median: number;
  repeats: number;
}

export interface NumpyLimit {
  numpy: string;
  python: string;
  blas: string;
  /** float32 A·B, n×n, per BLAS thread count. */
  matmul: { n: number; threads1: LimitTiming; threads2: LimitTiming | null } | null;
  /** 1/(1+exp(−max(x,0))) on `size` float32 values (numpy's elementwise ufuncs are single-threaded). */
  relusig: ({ size: number } & LimitTiming) | null;
}

interface PyOut {
  error?: string;
  numpy: string;
  python: string;
  blas: string;
  matmul?: { n: number } & LimitTiming;
  relusig?: { size: number } & LimitTiming;
}

const SCRIPT = fileURLToPath(new URL("./limit-numpy.py", import.meta.url));

/** Run the script once with the BLAS pinned to `threads`; a string is the reason it could not run. */
function runPython(python: string, threads: number, n: number, size: number, repeats: number): PyOut | string {
  const t = String(threads);
  const r = spawnSync(python, [SCRIPT, String(n), String(size), String(repeats)], {
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t },
  });
  if (r.error) return (r.error as NodeJS.ErrnoException).code === "ENOENT" ? `${python} not found` : r.error.message;
  const last = r.stdout.trim().split("\n").pop() ?? "";
  let out: PyOut | null = null;
  try { out = JSON.parse(last) as PyOut; } catch { /* reported below */ }
  if (out?.error) return out.error;
  if (r.status !== 0 || !out) return `limit-numpy.py failed (exit ${r.status}): ${r.stderr.trim().split("\n").pop() ?? ""}`;
  return out;
}

/**
 * Measure the limit for an n×n matmul (n = 0: skip) and a relu→sigmoid on `size` values
 * (0: skip). Returns the reason instead when python3 or numpy is unavailable.
 */
export function measureNumpyLimit(n: number, size: number, quick: boolean, python = "python3"): NumpyLimit | string {
  const repeats = quick ? 5 : 15;
  const one = runPython(python, 1, n, size, repeats);
  if (typeof one === "string") return one;
  const two = n > 0 ? runPython(python, 2, n, 0, repeats) : null;
  if (typeof two === "string") return two;
  const timing = (m: LimitTiming): LimitTiming => ({ best: m.best, median: m.median, repeats: m.repeats });
  return {
    numpy: one.numpy, python: one.python, blas: one.blas,
    matmul: one.matmul ? { n: one.matmul.n, threads1: timing(one.matmul), threads2: two?.matmul ? timing(two.matmul) : null } : null,
    relusig: one.relusig ? { size: one.relusig.size, ...timing(one.relusig) } : null,
  };
}
