/**
 * How many threads the wasm gemm uses, and the pool that runs them: the thread controls the
 * "wasm" backend offers (`Backend.threads`; kernels/index.ts's setThreads/getThreads call them).
 * The pool itself is threads.ts in Node, threads-browser.ts (none) elsewhere.
 */
import type { ThreadControls } from "../backend.js";
// "#wasm-threads" is threads.ts in Node and threads-browser.ts elsewhere (package.json "imports").
import { availableCores, startGemmThreads, threadsUnavailableReason } from "#wasm-threads";

let threadCount = 1;
let pool: ReturnType<typeof startGemmThreads> | null = null;
/** Why the last attempt to start gemm threads failed, or "" (see backendInfo). */
let failure = "";

/** The thread pool for the current thread count, started on first use; null if it cannot start. */
export function gemmThreads(): ReturnType<typeof startGemmThreads> | null {
  if (pool?.threads !== threadCount) {
    pool?.close(); // the shared memory stays for the new pool (threads.ts)
    pool = null;
    try {
      pool = startGemmThreads(threadCount);
    } catch (e) {
      // E.g. no room for a shared memory: run on the calling thread, as setThreads(1) would.
      threadCount = 1;
      failure = `threads could not start (${(e as Error).message}); running on one thread`;
    }
  }
  return pool;
}

/** The reason gemm threads fell back to one thread, or "" when they did not. */
export function threadsFailure(): string {
  return failure;
}

export const wasmThreads: ThreadControls = {
  /**
   * Use `n` threads for large matmuls on the wasm backend (1 = the calling thread only). Throws,
   * changing nothing, when n is not a whole number from 1 to 64 or this runtime cannot run threads.
   */
  set(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`setThreads: expected a whole number of threads from 1 to 64, got ${n}`);
    const why = n > 1 ? threadsUnavailableReason() : "";
    if (why) throw new Error(`setThreads(${n}): ${why}`);
    threadCount = n;
    failure = ""; // a new attempt
    if (n === 1) { pool?.close(true); pool = null; } // no pool follows: a large shared memory is handed back
  },

  /** How many threads large matmuls use on the wasm backend. */
  get(): number {
    return threadCount;
  },
};

// Default: both cores of a two-core machine (at most 2), where threads can run.
if (!threadsUnavailableReason()) threadCount = Math.min(2, availableCores());
