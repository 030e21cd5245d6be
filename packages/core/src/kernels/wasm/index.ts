/**
 * The "wasm" backend: the reference backend with its hot loops swapped for WebAssembly SIMD ones.
 *
 * Which kernels run in WebAssembly, and when, is decided by measurement (docs/architecture.md):
 *  - gemm (matmul, linear, and both backward layouts) for float32 from GEMM_MIN_WORK
 *    multiply-adds up; below that the call overhead is more than the JavaScript loop costs;
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
      const [pa, pb, pc] = wasm.place(m * kk, kk * n, m * n);
      const heap = wasm.f32();
      heap.set(a.subarray(aOff, aOff + m * kk), pa >> 2);
      heap.set(b.subarray(bOff, bOff + kk * n), pb >> 2);
      k.gemm(pa, transA ? m : kk, pb, transB ? kk : n, pc, n, m, n, kk, +transA, +transB, wasm.scratch);
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

const loaded = loadWasmKernels();

/** The WebAssembly backend, or null where this runtime cannot run it (see `wasmUnavailableReason`). */
export const wasmBackend: Backend | null = loaded.kernels ? makeWasmBackend(loaded.kernels) : null;
export const wasmUnavailableReason = loaded.reason;

/** For tests and benchmarks: the loaded module itself, to call its kernels directly. */
export const wasmKernels: WasmKernels | null = loaded.kernels;

export type { FloatArray };
