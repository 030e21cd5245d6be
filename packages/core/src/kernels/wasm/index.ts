/**
 * The "wasm" backend: the reference backend with its hot loops swapped for WebAssembly SIMD ones.
 *
 * Which kernels run in WebAssembly, and when, is decided by measurement (docs/architecture.md):
 *  - gemm (matmul, linear, and both backward layouts) for float32 from GEMM_MIN_WORK
 *    multiply-adds up; below that the call overhead is more than the JavaScript loop costs. From
 *    THREADS_MIN_WORK up it is split across `getThreads()` threads (threads.ts);
 *  - exp, sigmoid and relu over float32 arrays of UNARY_MIN_LENGTH elements and more.
 * Everything else (float64, broadcasting, reductions, layout moves, small work) runs the reference
 * code: those loops are memory-bound, so copying their operands in and out would cost about what
 * the loop itself costs.
 */
import type { FloatArray } from "../../dtype.js";
import type { Backend } from "../backend.js";
import type { UnaryKernel } from "../codes.js";
import { jsBackend } from "../js/index.js";
import { loadWasmKernels, type WasmKernels } from "./module.js";
import { availableCores, startGemmThreads, THREADS_MIN_WORK, threadsUnavailableReason, type GemmThreads } from "./threads.js";

/** m·n·k from which the WebAssembly gemm beats the reference, copies included. */
export const GEMM_MIN_WORK = 512;
/** Array length from which a WebAssembly elementwise loop beats the reference, copies included. */
export const UNARY_MIN_LENGTH = 512;

type WasmUnary = "expArray" | "sigmoidArray" | "reluArray";
const UNARY: Partial<Record<UnaryKernel, WasmUnary>> = { exp: "expArray", sigmoid: "sigmoidArray", relu: "reluArray" };

function makeWasmBackend(wasm: WasmKernels): Backend {
  const k = wasm.exports;
  return {
    ...jsBackend,
    name: "wasm",

    gemm(a, aOff, b, bOff, c, cOff, m, n, kk, transA, transB) {
      if (m * n * kk < GEMM_MIN_WORK || !(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
        jsBackend.gemm(a, aOff, b, bOff, c, cOff, m, n, kk, transA, transB);
        return;
      }
      if (threadCount > 1 && m * n * kk >= THREADS_MIN_WORK) {
        gemmThreads().gemm(a, aOff, b, bOff, c, cOff, m, n, kk, transA, transB);
        return;
      }
      const [pa, pb, pc] = wasm.place(m * kk, kk * n, m * n);
      const heap = wasm.f32();
      heap.set(a.subarray(aOff, aOff + m * kk), pa >> 2);
      heap.set(b.subarray(bOff, bOff + kk * n), pb >> 2);
      k.gemm(pa, transA ? m : kk, pb, transB ? kk : n, pc, n, m, n, kk, +transA, +transB, wasm.scratch[0]);
      c.set(heap.subarray(pc >> 2, (pc >> 2) + m * n), cOff);
    },

    unary(op, x, out, p, q) {
      const fn = UNARY[op];
      if (fn === undefined || x.length < UNARY_MIN_LENGTH || !(x instanceof Float32Array && out instanceof Float32Array)) {
        jsBackend.unary(op, x, out, p, q);
        return;
      }
      const [px] = wasm.place(x.length);
      const heap = wasm.f32();
      heap.set(x, px >> 2);
      k[fn](px, px, x.length);
      out.set(heap.subarray(px >> 2, (px >> 2) + x.length));
    },
  };
}

// ───────────────────────────── threads ─────────────────────────────

let threadCount = 1;
let pool: GemmThreads | null = null;

/** The thread pool for the current thread count, started on first use. */
function gemmThreads(): GemmThreads {
  if (pool?.threads !== threadCount) {
    pool?.close();
    pool = startGemmThreads(threadCount);
  }
  return pool;
}

/**
 * Use `n` threads for large matmuls on the wasm backend (1 = the calling thread only). Throws,
 * changing nothing, when n is not a whole number from 1 to 64 or this runtime cannot run threads.
 */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`setThreads: expected a whole number of threads from 1 to 64, got ${n}`);
  const why = n > 1 ? threadsUnavailableReason() : "";
  if (why) throw new Error(`setThreads(${n}): ${why}`);
  threadCount = n;
  if (n === 1) { pool?.close(); pool = null; }
}

/** How many threads large matmuls use on the wasm backend. */
export function getThreads(): number {
  return threadCount;
}

// Default: both cores of a two-core machine (at most 2), where threads can run.
if (!threadsUnavailableReason()) threadCount = Math.min(2, availableCores());

const loaded = loadWasmKernels();

/** The WebAssembly backend, or null where this runtime cannot run it (see `wasmUnavailableReason`). */
export const wasmBackend: Backend | null = loaded.kernels ? makeWasmBackend(loaded.kernels) : null;
export const wasmUnavailableReason = loaded.reason;

/** Whether the gemm uses fused multiply-add (the relaxed-SIMD build; see module.ts). */
export const wasmUsesFma = loaded.fma;

/** For tests and benchmarks: the loaded module itself, to call its kernels directly. */
export const wasmKernels: WasmKernels | null = loaded.kernels;

export type { FloatArray };
