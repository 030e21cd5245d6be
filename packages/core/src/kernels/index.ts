/**
 * The kernel seam. Ops never loop over data themselves: they call the active backend's kernels,
 * which see only typed arrays and numbers (no tensors, no graph). A faster backend (for example
 * WebAssembly SIMD) implements the same `Backend` interface and is switched in with `setBackend`,
 * without touching any op definition. "js" is the readable reference.
 */
import type { FloatArray } from "../dtype.js";
import type { BinaryKernel, ReduceKernel, UnaryKernel } from "./codes.js";
import { binary, broadcastTo, copy, unary, where } from "./js/elementwise.js";
import { gemm } from "./js/gemm.js";
import { copyBlock, gatherAxis, permute } from "./js/layout.js";
import { reduceAxis } from "./js/reduce.js";

export type { BinaryKernel, ReduceKernel, UnaryKernel } from "./codes.js";

type Shape = readonly number[];

export interface Backend {
  readonly name: string;
  binary(op: BinaryKernel, a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, out: FloatArray, outShape: Shape): void;
  unary(op: UnaryKernel, x: FloatArray, out: FloatArray, p?: number, q?: number): void;
  where(cond: FloatArray, cShape: Shape, a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, out: FloatArray, outShape: Shape): void;
  broadcastTo(x: FloatArray, shape: Shape, out: FloatArray, outShape: Shape): void;
  copy(x: FloatArray, out: FloatArray): void;
  reduceAxis(op: ReduceKernel, x: FloatArray, outer: number, n: number, inner: number, out: FloatArray): void;
  /** C (m×n) = op(A)·op(B); see kernels/js/gemm.ts for the layout contract. */
  gemm(a: FloatArray, aOff: number, b: FloatArray, bOff: number, c: FloatArray, cOff: number,
       m: number, n: number, k: number, transA: boolean, transB: boolean): void;
  permute(x: FloatArray, shape: Shape, perm: readonly number[], out: FloatArray): void;
  copyBlock(big: FloatArray, shape: Shape, starts: readonly number[], block: FloatArray, blockShape: Shape, toBlock: boolean, add?: boolean): void;
  gatherAxis(x: FloatArray, outer: number, n: number, inner: number, index: ArrayLike<number>, m: number, out: FloatArray, scatter: boolean): void;
}

const jsBackend: Backend = { name: "js", binary, unary, where, broadcastTo, copy, reduceAxis, gemm, permute, copyBlock, gatherAxis };

const backends = new Map<string, Backend>([["js", jsBackend]]);
let active: Backend = jsBackend;

/** The backend whose kernels the ops call right now. */
export function kernels(): Backend {
  return active;
}

export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) throw new Error(`setBackend: unknown backend ${JSON.stringify(name)}; available: ${[...backends.keys()].join(", ")}`);
  active = b;
}

export function getBackend(): string {
  return active.name;
}

/** Make a backend available to setBackend (used by optional backends when they load). */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}
