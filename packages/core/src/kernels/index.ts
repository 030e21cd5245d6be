/**
 * The kernel seam. Ops never loop over data themselves: they call the active backend's kernels,
 * which see only typed arrays and numbers (no tensors, no graph). Two backends implement the same
 * `Backend` interface:
 *  - "js", the readable reference in kernels/js/ (what learners read);
 *  - "wasm", WebAssembly SIMD for the hot loops (kernels/wasm/, compiled from packages/core/assembly/).
 * "wasm" is the default wherever the runtime runs it; the environment variable
 * BACKPROP_BACKEND=js (in Node) or `setBackend("js")` selects the reference.
 */
import type { Backend } from "./backend.js";
import { jsBackend } from "./js/index.js";
import { wasm } from "./wasm/index.js";
import { quote } from "../quote.js";

export type { AdamHyper, Backend, BackendStatus, SGDHyper, ThreadControls } from "./backend.js";
export type { BinaryKernel, ReduceKernel, UnaryKernel } from "./codes.js";

const wasmBackend = wasm.backend;

const backends = new Map<string, Backend>([["js", jsBackend]]);
if (wasmBackend) backends.set("wasm", wasmBackend);

let active: Backend = wasmBackend ?? jsBackend;
const requested = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.BACKPROP_BACKEND;
if (requested) setBackend(requested);

/**
 * The backend whose kernels the ops call right now: raw loops over typed arrays (no tensors, no
 * graph). Public for packages that build on the core, as @backprop/nn's optimizers do.
 */
export function kernels(): Backend {
  return active;
}

/** Switch every op to the named backend's kernels ("js" or "wasm"). */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) {
    const why = name === "wasm" && !wasmBackend ? ` (${wasm.unavailableReason})` : "";
    throw new Error(`setBackend: unknown backend ${quote(name)}${why}; available: ${[...backends.keys()].join(", ")}`);
  }
  active = b;
}

export function getBackend(): string {
  return active.name;
}

/**
 * What runs the kernels right now: the backend, and on "wasm" how many threads large matmuls use,
 * whether the gemm uses fused multiply-add (relaxed SIMD; results differ in the last bits), and
 * in `note` why anything fell back: the WebAssembly kernels could not load here (so "js" runs), or
 * the gemm threads could not start (so one thread runs). Empty when nothing did.
 */
export function backendInfo(): { backend: string; threads: number; fma: boolean; note: string } {
  const status = active.status?.() ?? { fma: false, note: "" };
  const note = active.status || wasmBackend ? status.note : `the "wasm" backend could not load: ${wasm.unavailableReason}`;
  return { backend: active.name, threads: active.threads?.get() ?? 1, fma: status.fma, note };
}

/**
 * Use `n` threads for large matmuls on the wasm backend (1 = the calling thread only). Throws,
 * changing nothing, when n is not a whole number from 1 to 64 or this runtime cannot run threads.
 */
export function setThreads(n: number): void {
  wasm.threads.set(n);
}

/** How many threads large matmuls use on the wasm backend. */
export function getThreads(): number {
  return wasm.threads.get();
}

/** The names setBackend accepts in this runtime. */
export function availableBackends(): string[] {
  return [...backends.keys()];
}

/** Make a backend available to setBackend (used by optional backends when they load). */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}
