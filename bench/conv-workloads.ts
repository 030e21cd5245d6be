/**
 * The two convolution workloads: their seeded inputs (shared verbatim with every peer) and the
 * layout conversions the peers need. Our side of them is in conv-ours.ts.
 *
 *   lenet  one LeNet-5 training step: batch of 1×28×28 images;
 *          conv 1→6 5×5 pad 2, ReLU, max-pool 2; conv 6→16 5×5, ReLU, max-pool 2; flatten;
 *          dense 400→120→84→10 (ReLU between); softmax cross-entropy (mean); plain SGD
 *   conv   one conv layer, forward and both gradients: x [N, 32, 28, 28], 64 filters 3×3,
 *          padding 1, bias; loss = Σ conv(x)·G for a fixed random G; dL/dx, dL/dW, dL/db
 *
 * Our layout is PyTorch's: images NCHW, conv weights [out, in, kh, kw], dense weights [out, in].
 * Parameters are uniform in ±1/√fan_in, as PyTorch's default init.
 */
import { seededUniform } from "./workloads.js";

// ───────────────────────────── LeNet-5 ─────────────────────────────

export const LENET_BATCH = 64;
export const LENET_LR = 0.05;
export const LENET_CLASSES = 10;

/** One parameter of the network: its values and its shape in our layout. */
export interface Param {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface LenetInputs {
  batch: number;
  /** Images [batch, 1, 28, 28], in [0, 1) like pixel intensities. */
  x: Float32Array;
  /** Class indices in 0..9, one per image. */
  labels: Int32Array;
  /** conv1.w, conv1.b, conv2.w, conv2.b, fc1.w, fc1.b, fc2.w, fc2.b, fc3.w, fc3.b, in our layout. */
  params: Param[];
}

/** The parameter shapes of LeNet-5, in order (the fan-in of each is the product of all but dim 0). */
export const LENET_SHAPES: readonly [string, number[]][] = [
  ["conv1.w", [6, 1, 5, 5]], ["conv1.b", [6]],
  ["conv2.w", [16, 6, 5, 5]], ["conv2.b", [16]],
  ["fc1.w", [120, 400]], ["fc1.b", [120]],
  ["fc2.w", [84, 120]], ["fc2.b", [84]],
  ["fc3.w", [10, 84]], ["fc3.b", [10]],
];

export function lenetInputs(batch = LENET_BATCH, seed = 21): LenetInputs {
  const next = seededUniform(batch, seed + 1, 0, LENET_CLASSES);
  const params = LENET_SHAPES.map(([name, shape], i) => {
    // A bias takes its layer's fan-in (the weight just before it).
    const w = i % 2 === 0 ? shape : LENET_SHAPES[i - 1][1];
    const bound = 1 / Math.sqrt(w.slice(1).reduce((a, b) => a * b, 1));
    return { name, shape, data: seededUniform(shape.reduce((a, b) => a * b, 1), seed + 10 + i, -bound, bound) };
  });
  return {
    batch,
    x: seededUniform(batch * 28 * 28, seed, 0, 1),
    labels: Int32Array.from(next, (v) => Math.min(Math.floor(v), LENET_CLASSES - 1)),
    params,
  };
}

/** The labels as one-hot float rows [batch, 10], made once outside the timed step (the data side). */
export function oneHot(labels: Int32Array, classes = LENET_CLASSES): Float32Array {
  const out = new Float32Array(labels.length * classes);
  labels.forEach((c, i) => { out[i * classes + c] = 1; });
  return out;
}

// ──────────────────────────── conv layer ────────────────────────────

export interface ConvInputs {
  n: number; c: number; h: number; w: number;
  /** Output channels; the kernel is k×k with padding `pad`, stride 1 (so the output is h×w). */
  out: number; k: number; pad: number;
  x: Float32Array;      // [n, c, h, w]
  weight: Float32Array; // [out, c, k, k]
  bias: Float32Array;   // [out]
  g: Float32Array;      // [n, out, h, w]: the fixed weights of the loss Σ conv(x)·G
}

/** The sizes of a conv layer workload. */
export type ConvShape = Omit<ConvInputs, "x" | "weight" | "bias" | "g">;

export const CONV_LAYER: ConvShape = { n: 64, c: 32, h: 28, w: 28, out: 64, k: 3, pad: 1 };

export function convInputs(s: ConvShape = CONV_LAYER, seed = 31): ConvInputs {
  const bound = 1 / Math.sqrt(s.c * s.k * s.k);
  return {
    ...s,
    x: seededUniform(s.n * s.c * s.h * s.w, seed, -1, 1),
    weight: seededUniform(s.out * s.c * s.k * s.k, seed + 1, -bound, bound),
    bias: seededUniform(s.out, seed + 2, -bound, bound),
    g: seededUniform(s.n * s.out * s.h * s.w, seed + 3, -1, 1),
  };
}

/** Multiply-adds ×2 of the forward conv; each of the two gradients costs the same again. */
export function convFlops(s: Pick<ConvInputs, "n" | "c" | "h" | "w" | "out" | "k">): number {
  return 2 * s.n * s.out * s.h * s.w * s.c * s.k * s.k;
}

/** What every side returns for the check: the loss and the three gradients, in OUR layout. */
export interface ConvGrads {
  loss: number;
  dx: Float32Array;
  dw: Float32Array;
  db: Float32Array;
}

// ─────────────────────── layouts (TF.js is channels-last) ───────────────────────

/** Permute a row-major array of `shape` by `perm` (out dim i = in dim perm[i]); plain loops, outside any timing. */
export function permuted(a: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): Float32Array {
  const nd = shape.length, outShape = perm.map((p) => shape[p]);
  const inStride = new Array<number>(nd);
  for (let i = nd - 1, s = 1; i >= 0; i--) { inStride[i] = s; s *= shape[i]; }
  const out = new Float32Array(a.length), idx = new Array<number>(nd).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < nd; i++) src += idx[i] * inStride[perm[i]];
    out[o] = a[src];
    for (let i = nd - 1; i >= 0 && ++idx[i] === outShape[i]; i--) idx[i] = 0;
  }
  return out;
}

/** The inverse of a permutation: permuted(permuted(a, s, p), p-shape, inverse(p)) is a. */
export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => { inv[p] = i; });
  return inv;
}

export const NCHW_TO_NHWC = [0, 2, 3, 1];
/** Conv weights [out, in, kh, kw] → TF's filter layout [kh, kw, in, out]. */
export const OIHW_TO_HWIO = [2, 3, 1, 0];

/**
 * fc1's weight [120, 400] reads the flattened NCHW activation (index c·25 + h·5 + w). TF.js
 * flattens NHWC ([5, 5, 16] → h·80 + w·16 + c) and keeps dense kernels as [in, out], so its fc1
 * kernel is ours with the input axis split into [16, 5, 5], moved to [5, 5, 16], then transposed.
 */
export function fc1ToTf(w: ArrayLike<number>): Float32Array {
  return permuted(w, [120, 16, 5, 5], [2, 3, 1, 0]); // → [h, w, c, out] = [400 (hwc), 120]
}
export function fc1FromTf(k: ArrayLike<number>): Float32Array {
  return permuted(k, [5, 5, 16, 120], inversePerm([2, 3, 1, 0]));
}
