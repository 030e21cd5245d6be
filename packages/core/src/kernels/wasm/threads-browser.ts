/**
 * The gemm threads outside Node: none. In a browser the kernels run on the calling thread (the
 * playground runs the whole framework in a Web Worker, so the page still never waits on it).
 * The package maps "#wasm-threads" here for every runtime but Node, so that browser bundles
 * carry neither Node's worker code nor the shared-memory kernels.
 */
import type { GemmThreads } from "./threads.js"; // a type only: erased, so threads.ts is not bundled

export function threadsUnavailableReason(): string {
  return "gemm threads run in Node only; here the kernels run on one thread";
}

export function availableCores(): number {
  return 1;
}

export function startGemmThreads(): GemmThreads {
  throw new Error(threadsUnavailableReason());
}
