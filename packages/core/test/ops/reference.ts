/**
 * Reference formulas for the op table: plain JS math on plain numbers (row-major flat arrays and
 * shapes), written the obvious way with no kernel, no tensor op and no cleverness, so a generated
 * test compares each op with something independent of it.
 */
import { Tensor } from "../../src/index.js";

export interface Plain {
  shape: number[];
  data: number[];
}

export const plain = (t: Tensor): Plain => ({ shape: t.shape.slice(), data: Array.from(t.data) });
const prod = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);

/** The multi-index of flat position i in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    idx[a] = i % shape[a];
    i = Math.floor(i / shape[a]);
  }
  return idx;
}

/** The flat position of a multi-index in `shape`. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let i = 0;
  for (let a = 0; a < shape.length; a++) i = i * shape[a] + idx[a];
  return i;
}

/** NumPy broadcasting of shapes (assumes they are compatible). */
export function broadcast(...shapes: (readonly number[])[]): number[] {
  const n = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let a = 0; a < n; a++) {
    const ds = shapes.map((s) => s[s.length - n + a] ?? 1);
    out.push(ds.find((d) => d !== 1) ?? 1);
  }
  return out;
}

/** The value of `x` at output multi-index `idx` of a broadcast: right-aligned, size-1 axes repeat. */
function at(x: Plain, idx: readonly number[]): number {
  const lead = idx.length - x.shape.length;
  return x.data[ravel(x.shape.map((d, a) => (d === 1 ? 0 : idx[lead + a])), x.shape)];
}

/** A tensor or a plain array as Plain; a number as a 0-d Plain. */
const asPlain = (v: unknown): Plain => (v instanceof Tensor ? plain(v) : typeof v === "number" ? { shape: [], data: [v] } : (v as Plain));

/** An elementwise reference over broadcast operands (tensors or numbers). */
export function elementwise(fn: (...v: number[]) => number) {
  return (...args: unknown[]): Plain => {
    const xs = args.map(asPlain);
    const shape = broadcast(...xs.map((x) => x.shape));
    const data = Array.from({ length: prod(shape) }, (_, i) => {
      const idx = unravel(i, shape);
      return fn(...xs.map((x) => at(x, idx)));
    });
    return { shape, data };
  };
}

/** Axes as a sorted list of non-negative axes (all of them when omitted). */
function axesOf(axis: number | number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return [...Array(ndim).keys()];
  return (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + ndim : a)).sort((a, b) => a - b);
}

/** Reduce the values of `x` over `axis` with `fn` (which receives each group as an array). */
export function reduce(x: Plain, axis: number | number[] | undefined, keepDims: boolean | undefined, fn: (group: number[]) => number): Plain {
  const axes = axesOf(axis, x.shape.length);
  const keep = x.shape.map((d, a) => (axes.includes(a) ? 1 : d));
  const groups: number[][] = Array.from({ length: prod(keep) }, () => []);
  x.data.forEach((v, i) => {
    const idx = unravel(i, x.shape).map((j, a) => (axes.includes(a) ? 0 : j));
    groups[ravel(idx, keep)].push(v);
  });
  return { shape: keepDims ? keep : x.shape.filter((_, a) => !axes.includes(a)), data: groups.map(fn) };
}

export const sumOf = (g: number[]) => g.reduce((p, v) => p + v, 0);
export const logSumExpOf = (g: number[]) => {
  if (g.length === 0) return -Infinity;
  const m = Math.max(...g);
  return m + Math.log(sumOf(g.map((v) => Math.exp(v - m))));
};

/** Apply `fn` to every 1-D lane of `x` along `axis` (fn maps a lane to a lane of the same length). */
export function alongAxis(x: Plain, axis: number, fn: (lane: number[]) => number[]): Plain {
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const out = x.data.slice();
  const lanes = new Map<number, number[]>();
  x.data.forEach((_, i) => {
    const idx = unravel(i, x.shape);
    idx[ax] = 0;
    const key = ravel(idx, x.shape);
    if (!lanes.has(key)) lanes.set(key, []);
    lanes.get(key)!.push(i);
  });
  for (const positions of lanes.values()) {
    const r = fn(positions.map((p) => x.data[p]));
    positions.forEach((p, j) => (out[p] = r[j]));
  }
  return { shape: x.shape, data: out };
}

/** Matrix product with torch.matmul's 1-D and batch rules, and optional transposes (≥ 2-D then). */
export function matmulRef(a: Plain, b: Plain, transA = false, transB = false): Plain {
  const t = (x: Plain): Plain => {
    const s = x.shape, n = s.length;
    const shape = [...s.slice(0, -2), s[n - 1], s[n - 2]];
    return { shape, data: Array.from({ length: x.data.length }, (_, i) => {
      const idx = unravel(i, shape);
      [idx[n - 2], idx[n - 1]] = [idx[n - 1], idx[n - 2]];
      return x.data[ravel(idx, s)];
    }) };
  };
  let A = transA ? t(a) : a, B = transB ? t(b) : b;
  const vecA = A.shape.length === 1, vecB = B.shape.length === 1;
  if (vecA) A = { shape: [1, A.shape[0]], data: A.data };
  if (vecB) B = { shape: [B.shape[0], 1], data: B.data };
  const [m, k] = A.shape.slice(-2), n = B.shape[B.shape.length - 1];
  const batch = broadcast(A.shape.slice(0, -2), B.shape.slice(0, -2));
  const shape = [...batch, m, n];
  const data = Array.from({ length: prod(shape) }, (_, i) => {
    const idx = unravel(i, shape);
    const bi = idx.slice(0, -2), r = idx[idx.length - 2], c = idx[idx.length - 1];
    let s = 0;
    for (let j = 0; j < k; j++) s += at(A, [...bi, r, j]) * at(B, [...bi, j, c]);
    return s;
  });
  const outShape = shape.slice();
  if (vecB) outShape.splice(outShape.length - 1, 1);
  if (vecA) outShape.splice(outShape.length - (vecB ? 1 : 2), 1);
  return { shape: outShape, data };
}

/** Permute-free transpose of two axes. */
export function transposeRef(x: Plain, d0: number, d1: number): Plain {
  const n = x.shape.length, a = d0 < 0 ? d0 + n : d0, b = d1 < 0 ? d1 + n : d1;
  const shape = x.shape.slice();
  [shape[a], shape[b]] = [shape[b], shape[a]];
  return { shape, data: Array.from({ length: x.data.length }, (_, i) => {
    const idx = unravel(i, shape);
    [idx[a], idx[b]] = [idx[b], idx[a]];
    return x.data[ravel(idx, x.shape)];
  }) };
}

/** Axes reordered: axis i of the result is axis dims[i] of x (negatives count from the end). */
export function permuteRef(x: Plain, dims: number[]): Plain {
  const n = x.shape.length, perm = dims.map((d) => (d < 0 ? d + n : d));
  const shape = perm.map((p) => x.shape[p]);
  return { shape, data: Array.from({ length: x.data.length }, (_, i) => {
    const idx = unravel(i, shape), src = new Array<number>(n);
    perm.forEach((p, j) => { src[p] = idx[j]; });
    return x.data[ravel(src, x.shape)];
  }) };
}

/** The same data in another shape. */
export const reshaped = (x: Plain, shape: number[]): Plain => ({ shape, data: x.data });

/** Python-style slice bounds per axis. */
export function sliceRef(x: Plain, starts: number[], ends: number[]): Plain {
  const lo: number[] = [], shape: number[] = [];
  x.shape.forEach((d, a) => {
    const c = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
    const s = c(starts[a] ?? 0), e = c(ends[a] ?? d);
    lo.push(s);
    shape.push(Math.max(e - s, 0));
  });
  return { shape, data: Array.from({ length: prod(shape) }, (_, i) => x.data[ravel(unravel(i, shape).map((j, a) => j + lo[a]), x.shape)]) };
}

export function gatherRef(x: Plain, axis: number, idx: Plain): Plain {
  const ax = axis < 0 ? axis + x.shape.length : axis;
  return { shape: idx.shape, data: idx.data.map((v, i) => {
    const pos = unravel(i, idx.shape);
    pos[ax] = v;
    return x.data[ravel(pos, x.shape)];
  }) };
}

export function concatRef(xs: Plain[], axis: number): Plain {
  const ax = axis < 0 ? axis + xs[0].shape.length : axis;
  const shape = xs[0].shape.slice();
  shape[ax] = sumOf(xs.map((x) => x.shape[ax]));
  return { shape, data: Array.from({ length: prod(shape) }, (_, i) => {
    const idx = unravel(i, shape);
    let j = idx[ax], p = 0;
    while (j >= xs[p].shape[ax]) j -= xs[p++].shape[ax];
    idx[ax] = j;
    return xs[p].data[ravel(idx, xs[p].shape)];
  }) };
}

/**
 * erf by its Taylor series, (2/√π)·Σₙ (−1)ⁿ·x^(2n+1)/(n!·(2n+1)), summed until the terms stop
 * mattering: a different road from the kernel's (an all-positive series times e^(−x²), and a
 * continued fraction). The alternating terms grow before they shrink, and their rounding errors
 * stay below 6·10⁻¹⁴ for |x| ≤ 3 (checked against mpmath on a 0.001 grid); past 3 they do not.
 */
export function erfRef(x: number): number {
  if (!(Math.abs(x) <= 3)) throw new Error(`erfRef: the series is accurate for |x| ≤ 3 only, got ${x}`);
  let sum = 0;
  let power = x; // (−1)ⁿ·x^(2n+1)/n!
  for (let n = 0; n < 200; n++) {
    const term = power / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
    power *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
