/**
 * What a kernel backend provides: tight loops over typed arrays and numbers (no tensors, no graph).
 * The ops call these through `kernels()` (see index.ts) and never loop over data themselves.
 */
import type { FloatArray } from "../dtype.js";
import type { BinaryKernel, ReduceKernel, UnaryKernel } from "./codes.js";
import type { AdamHyper, SGDHyper } from "./js/optim.js";

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
  /** One torch.optim.SGD step of p in place (buf: the momentum buffer, or null); see kernels/js/optim.ts. */
  sgdUpdate(p: FloatArray, grad: FloatArray, buf: FloatArray | null, first: boolean, h: SGDHyper): void;
  /** One torch.optim.Adam/AdamW step of p in place, updating the moments m, v (and vMax with amsgrad). */
  adamUpdate(p: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray | null, h: AdamHyper): void;
}
