/**
 * Elementwise loops over flat typed arrays, with NumPy broadcasting by strides.
 *
 * Broadcasting works row by row: the innermost axis is walked by a tight loop whose input steps
 * are 1 (a real axis) or 0 (a broadcast axis); an odometer over the outer axes moves the row
 * starts. The op is chosen once per row, outside the element loop.
 */
import type { FloatArray } from "../../dtype.js";
import type { BinaryKernel, UnaryKernel } from "../codes.js";
import { erf, erfc } from "./special.js";

type Shape = readonly number[];

/** Strides of `shape` seen from an output of rank `ndim`: 0 along broadcast axes. */
function broadcastStrides(shape: Shape, ndim: number): number[] {
  const strides = new Array<number>(ndim).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = ndim - shape.length + i;
    strides[o] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/** Whether `shape` (leading 1s aside) equals the trailing axes of `outShape`, so it tiles it row by row. */
export function isTrailingBlock(shape: Shape, outShape: Shape): boolean {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  const k = shape.length - i;
  if (k === 0 || k > outShape.length) return false;
  for (let j = 0; j < k; j++) if (shape[i + j] !== outShape[outShape.length - k + j]) return false;
  return true;
}

/** One row of `n` elements: out[o..] = a[ai..] (op) b[bi..], stepping through a and b by as/bs. */
function binaryRow(
  op: BinaryKernel, a: FloatArray, ai: number, as: number,
  b: FloatArray, bi: number, bs: number, out: FloatArray, o: number, n: number,
): void {
  const end = o + n;
  switch (op) {
    case "add": for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai] + b[bi]; return;
    case "sub": for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai] - b[bi]; return;
    case "mul": for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai] * b[bi]; return;
    case "div": for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai] / b[bi]; return;
    case "pow": for (; o < end; o++, ai += as, bi += bs) out[o] = Math.pow(a[ai], b[bi]); return;
    // NaN wins, as in PyTorch: a NaN operand must not be silently dropped.
    case "maximum": for (; o < end; o++, ai += as, bi += bs) { const x = a[ai], y = b[bi]; out[o] = x > y || x !== x ? x : y; } return;
    case "minimum": for (; o < end; o++, ai += as, bi += bs) { const x = a[ai], y = b[bi]; out[o] = x < y || x !== x ? x : y; } return;
    case "gt": for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai] > b[bi] ? 1 : 0; return;
    case "ge": for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai] >= b[bi] ? 1 : 0; return;
    case "lt": for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai] < b[bi] ? 1 : 0; return;
    case "le": for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai] <= b[bi] ? 1 : 0; return;
    case "eq": for (; o < end; o++, ai += as, bi += bs) out[o] = a[ai] === b[bi] ? 1 : 0; return;
  }
}

/**
 * Visit the rows of an output of shape `outShape`, calling `row(offsets..., o, n)` with each
 * operand's flat start. `stridesList` holds each operand's broadcast strides.
 */
function forEachRow(outShape: Shape, stridesList: number[][], row: (starts: number[], o: number, n: number) => void): void {
  const ndim = outShape.length;
  if (ndim === 0) { row(stridesList.map(() => 0), 0, 1); return; }
  const n = outShape[ndim - 1];
  const rows = outShape.slice(0, -1).reduce((p, d) => p * d, 1);
  if (n === 0 || rows === 0) return;
  const idx = new Array<number>(ndim - 1).fill(0);
  const starts = stridesList.map(() => 0);
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    row(starts, o, n);
    // Odometer: advance the outer index and move every operand's start by its stride.
    for (let ax = ndim - 2; ax >= 0; ax--) {
      idx[ax]++;
      for (let k = 0; k < starts.length; k++) starts[k] += stridesList[k][ax];
      if (idx[ax] < outShape[ax]) break;
      for (let k = 0; k < starts.length; k++) starts[k] -= stridesList[k][ax] * idx[ax];
      idx[ax] = 0;
    }
  }
}

export function binary(
  op: BinaryKernel, a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape,
  out: FloatArray, outShape: Shape,
): void {
  // Fast paths: same shapes, or one side a single value.
  if (a.length === out.length && b.length === out.length) return binaryRow(op, a, 0, 1, b, 0, 1, out, 0, out.length);
  if (a.length === out.length && b.length === 1) return binaryRow(op, a, 0, 1, b, 0, 0, out, 0, out.length);
  if (a.length === 1 && b.length === out.length) return binaryRow(op, a, 0, 0, b, 0, 1, out, 0, out.length);
  // One side repeats whole rows of the other (a bias [n] added to [rows, n]): one loop per row.
  if (a.length === out.length && isTrailingBlock(bShape, outShape)) {
    for (let o = 0; o < out.length; o += b.length) binaryRow(op, a, o, 1, b, 0, 1, out, o, b.length);
    return;
  }
  if (b.length === out.length && isTrailingBlock(aShape, outShape)) {
    for (let o = 0; o < out.length; o += a.length) binaryRow(op, a, 0, 1, b, o, 1, out, o, a.length);
    return;
  }
  const nd = outShape.length;
  const sa = broadcastStrides(aShape, nd), sb = broadcastStrides(bShape, nd);
  const as = nd ? sa[nd - 1] : 0, bs = nd ? sb[nd - 1] : 0;
  forEachRow(outShape, [sa, sb], ([ai, bi], o, n) => binaryRow(op, a, ai, as, b, bi, bs, out, o, n));
}

/** out = cond ≠ 0 ? a : b, broadcasting all three. */
export function where(
  cond: FloatArray, cShape: Shape, a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape,
  out: FloatArray, outShape: Shape,
): void {
  const nd = outShape.length;
  const sc = broadcastStrides(cShape, nd), sa = broadcastStrides(aShape, nd), sb = broadcastStrides(bShape, nd);
  const cs = nd ? sc[nd - 1] : 0, as = nd ? sa[nd - 1] : 0, bs = nd ? sb[nd - 1] : 0;
  forEachRow(outShape, [sc, sa, sb], ([ci, ai, bi], o, n) => {
    for (const end = o + n; o < end; o++, ci += cs, ai += as, bi += bs) out[o] = cond[ci] !== 0 ? a[ai] : b[bi];
  });
}

/** Copy `x` (of shape `shape`) broadcast into `out` (of shape `outShape`). */
export function broadcastTo(x: FloatArray, shape: Shape, out: FloatArray, outShape: Shape): void {
  const nd = outShape.length;
  const sx = broadcastStrides(shape, nd);
  const xs = nd ? sx[nd - 1] : 0;
  forEachRow(outShape, [sx], ([xi], o, n) => {
    for (const end = o + n; o < end; o++, xi += xs) out[o] = x[xi];
  });
}

/** Numerically stable σ(x): never evaluates exp of a large positive number. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + eˣ) without overflow: max(x, 0) + log1p(e^(−|x|)) (softplus with β = 1). */
function log1pExp(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** √(2/π) and the cubic coefficient of GELU's tanh form, as PyTorch writes them. */
const GELU_K = Math.sqrt(2 / Math.PI), GELU_C = 0.044715;

/**
 * GELU, x·Φ(x) with Φ the standard normal CDF. Φ(x) = ½·erfc(−x/√2) rather than ½·(1 + erf(x/√2)):
 * the two are equal, but for x < 0 the second subtracts nearly equal numbers, so far out on the left
 * (gelu(−10) ≈ −7.6·10⁻²³) only erfc keeps the digits.
 */
function gelu(x: number): number {
  return 0.5 * x * erfc(-x * Math.SQRT1_2);
}

/** The derivative at x = ±0 of a kink whose slopes are `left` and 1: p·1 + (1 − p)·left (see codes.ts). */
function atZero(p: number, left: number): number {
  return p * 1 + (1 - p) * left; // exact at p = 0 (left) and p = 1 (1) for any finite left
}

export function unary(op: UnaryKernel, x: FloatArray, out: FloatArray, p = 0, q = 0): void {
  const n = x.length;
  switch (op) {
    case "neg": for (let i = 0; i < n; i++) out[i] = -x[i]; return;
    case "exp": for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]); return;
    case "log": for (let i = 0; i < n; i++) out[i] = Math.log(x[i]); return;
    case "sqrt": for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]); return;
    case "abs": for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]); return;
    case "square": for (let i = 0; i < n; i++) out[i] = x[i] * x[i]; return;
    case "sign": for (let i = 0; i < n; i++) out[i] = Math.sign(x[i]); return;
    case "sigmoid": for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]); return;
    case "tanh": for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]); return;
    case "relu": for (let i = 0; i < n; i++) out[i] = x[i] > 0 || x[i] !== x[i] ? x[i] : 0; return; // NaN stays NaN, as PyTorch
    case "leakyRelu": for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : p * x[i]; return;
    case "softplus": // p = β, q = threshold: linear where β·x > threshold, as PyTorch
      for (let i = 0; i < n; i++) { const bx = p * x[i]; out[i] = bx > q ? x[i] : log1pExp(bx) / p; } return;
    case "clamp": for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v < p ? p : v > q ? q : v; } return;
    case "erf": for (let i = 0; i < n; i++) out[i] = erf(x[i]); return;
    // p = α. expm1 keeps the digits of eˣ − 1 near 0, where e^x alone rounds them away.
    case "elu": for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v > 0 ? v : p * Math.expm1(v); } return;
    case "gelu": for (let i = 0; i < n; i++) out[i] = gelu(x[i]); return;
    case "geluTanh": // ½x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), PyTorch's approximate="tanh"
      for (let i = 0; i < n; i++) { const v = x[i]; out[i] = 0.5 * v * (1 + Math.tanh(GELU_K * (v + GELU_C * v * v * v))); } return;
    case "silu": for (let i = 0; i < n; i++) out[i] = x[i] * sigmoid(x[i]); return;
    case "sin": for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]); return;
    case "cos": for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]); return;
    case "step": { const z = atZero(p, 0); for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? 1 : x[i] === 0 ? z : 0; return; }
    case "leakyStep": { const z = atZero(p, q); for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? 1 : x[i] === 0 ? z : q; return; }
    case "inRange": for (let i = 0; i < n; i++) out[i] = x[i] >= p && x[i] <= q ? 1 : 0; return;
    case "scale": for (let i = 0; i < n; i++) out[i] = x[i] * p; return;
  }
}

/** Convert between dtypes (or copy): the typed array's assignment rounds to its own precision. */
export function copy(x: FloatArray, out: FloatArray): void {
  out.set(x);
}
