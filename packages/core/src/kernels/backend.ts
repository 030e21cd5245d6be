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

/**
 * Windows sliding over the last two axes of an [n, c, h, w] array (a convolution's or a pool's):
 * kernel kh×kw, strides sh, sw, dilations dh, dw, leading pads padTop, padLeft, and the number of
 * window positions outH×outW (the trailing pads only decide those counts).
 */
export interface WindowGeometry {
  n: number; c: number; h: number; w: number;
  kh: number; kw: number; sh: number; sw: number; dh: number; dw: number;
  padTop: number; padLeft: number;
  outH: number; outW: number;
}

/** A convolution's sizes: its windows over the input, the channel groups, the output channels. */
export interface ConvGeometry extends WindowGeometry {
  groups: number;
  out: number;
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
  /** out[o, i, j] = x[o, map[i], j] or fill where map[i] = −1; adjoint: x[o, map[i], j] += out[o, i, j] (see kernels/js/layout.ts). */
  remapAxis(x: FloatArray, outer: number, n: number, inner: number, map: ArrayLike<number>, out: FloatArray, fill: number, adjoint: boolean): void;
  /** im2col: cols [c·kh·kw, n·outH·outW] ← the input value each window tap sees (padValue outside); see kernels/js/unfold.ts. */
  unfold(x: FloatArray, g: WindowGeometry, cols: FloatArray, padValue: number): void;
  /** Each window's largest value into y [n, c, outH, outW], and its gradient's route (1/ties on the maxima); see kernels/js/pool.ts. */
  maxWindows(x: FloatArray, g: WindowGeometry, y: FloatArray, route: FloatArray): void;
  /** out [n, c, outH, outW] = Σ over each window's taps of route · x. */
  gatherWindows(x: FloatArray, g: WindowGeometry, route: FloatArray, out: FloatArray): void;
  /** dx [n, c, h, w] += route · gy at each tap's input element (the adjoint of gatherWindows; dx is not cleared). */
  scatterWindows(gy: FloatArray, g: WindowGeometry, route: FloatArray, dx: FloatArray): void;
  /** y [n, out, outH, outW] = conv2d(x, w) + bias (one per output channel, or null), overwritten; see kernels/js/conv.ts. */
  convForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, y: FloatArray, g: ConvGeometry): void;
  /** dx [n, c, h, w] = convTranspose2d(gy, w): the input gradient, overwritten. */
  convInput(gy: FloatArray, w: FloatArray, dx: FloatArray, g: ConvGeometry): void;
  /** dw [out, c/groups, kh, kw] = x ⋆ gy: the weight gradient, overwritten. */
  convWeight(x: FloatArray, gy: FloatArray, dw: FloatArray, g: ConvGeometry): void;
  /** col2im, the adjoint of unfold: x [n, c, h, w] += each entry of cols at the input element it came from. */
  fold(cols: FloatArray, g: WindowGeometry, x: FloatArray): void;
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
