/**
 * What a kernel backend provides: tight loops over typed arrays and numbers (no tensors, no graph).
 * The ops call these through `kernels()` (see index.ts) and never loop over data themselves.
 */
import type { FloatArray } from "../dtype.js";
import type { BinaryKernel, ReduceKernel, UnaryKernel } from "./codes.js";

type Shape = readonly number[];

/** torch.optim.SGD's settings for one step (see kernels/js/optim.ts for the equations). */
export interface SGDHyper {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
}

/** torch.optim.Adam/AdamW's settings for one step of one parameter. */
export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: p·(1 − lr·wd) before the moments, instead of adding wd·p to the gradient. */
  decoupled: boolean;
  maximize: boolean;
  /** This parameter's step count t, counting the current step (1 on its first). */
  step: number;
}

/** A backend that runs some kernels on several threads lets setThreads/getThreads reach them here. */
export interface ThreadControls {
  /** Use n threads (1: the calling thread only); throws, changing nothing, when n cannot be used. */
  set(n: number): void;
  get(): number;
}

/** What backendInfo() reports of a backend beyond its name. */
export interface BackendStatus {
  /** Whether products use fused multiply-add (results differ from the plain build in the last bits). */
  fma: boolean;
  /** Why anything fell back (threads that could not start, a call run on the reference), or "". */
  note: string;
}

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
  /** Thread controls, for a backend with threads (its thread count shows in backendInfo()). */
  readonly threads?: ThreadControls;
  /** Its fused multiply-add use and fallbacks, for backendInfo() (absent: no FMA, nothing to note). */
  status?(): BackendStatus;
}
