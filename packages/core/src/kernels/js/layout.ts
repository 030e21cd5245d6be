/**
 * Data movement: transposes, slices, gathers and concatenation. No arithmetic, no graph.
 */
import type { FloatArray } from "../../dtype.js";

type Shape = readonly number[];

function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
  return s;
}

/** out = x with its axes permuted: out axis i is x axis perm[i]. */
export function permute(x: FloatArray, shape: Shape, perm: readonly number[], out: FloatArray): void {
  const nd = shape.length;
  const xs = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const step = perm.map((p) => xs[p]); // stride in x for one step along each out axis
  const total = out.length;
  if (total === 0) return;
  const idx = new Array<number>(nd).fill(0);
  const last = nd - 1;
  const n = outShape[last], s = step[last];
  let xi = 0;
  for (let o = 0; o < total; o += n) {
    for (let k = 0, p = xi; k < n; k++, p += s) out[o + k] = x[p];
    for (let ax = last - 1; ax >= 0; ax--) {
      idx[ax]++;
      xi += step[ax];
      if (idx[ax] < outShape[ax]) break;
      xi -= step[ax] * idx[ax];
      idx[ax] = 0;
    }
  }
}

/**
 * Copy the block starting at `starts` with shape `blockShape` between a big array (shape `shape`)
 * and a compact one. toBlock = true reads big → block (slice); false writes block → big (its adjoint).
 * With `add`, the write into the big array accumulates instead of overwriting.
 */
export function copyBlock(
  big: FloatArray, shape: Shape, starts: readonly number[], block: FloatArray, blockShape: Shape,
  toBlock: boolean, add = false,
): void {
  const nd = shape.length;
  const total = block.length;
  if (total === 0) return;
  if (nd === 0) { if (toBlock) block[0] = big[0]; else big[0] = add ? big[0] + block[0] : block[0]; return; }
  const bs = stridesOf(shape);
  const idx = new Array<number>(nd).fill(0);
  const n = blockShape[nd - 1];
  let bi = starts.reduce((p, s, i) => p + s * bs[i], 0);
  for (let o = 0; o < total; o += n) {
    if (toBlock) for (let k = 0; k < n; k++) block[o + k] = big[bi + k];
    else if (add) for (let k = 0; k < n; k++) big[bi + k] += block[o + k];
    else for (let k = 0; k < n; k++) big[bi + k] = block[o + k];
    for (let ax = nd - 2; ax >= 0; ax--) {
      idx[ax]++;
      bi += bs[ax];
      if (idx[ax] < blockShape[ax]) break;
      bi -= bs[ax] * idx[ax];
      idx[ax] = 0;
    }
  }
}

/**
 * torch.gather along `axis` (as [outer, n, inner] views): out[o, i, j] = x[o, index[o, i, j], j].
 * With scatter = true it is the adjoint: x[o, index[o, i, j], j] += out[o, i, j].
 * The caller has checked that every index is an integer in [0, n).
 */
export function gatherAxis(
  x: FloatArray, outer: number, n: number, inner: number,
  index: ArrayLike<number>, m: number, out: FloatArray, scatter: boolean,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < m; i++) {
      const orow = (o * m + i) * inner;
      for (let j = 0; j < inner; j++) {
        const xi = (o * n + index[orow + j]) * inner + j;
        if (scatter) x[xi] += out[orow + j];
        else out[orow + j] = x[xi];
      }
    }
  }
}

/**
 * Rows of `x` along one axis (as [outer, n, inner] views) picked by `map`: out[o, i, j] =
 * x[o, map[i], j], or `fill` where map[i] is −1 (pad's forward). With `adjoint` it runs backwards,
 * adding each out[o, i, j] into x[o, map[i], j] (pad's gradient; fill rows give nothing back).
 */
export function remapAxis(
  x: FloatArray, outer: number, n: number, inner: number,
  map: ArrayLike<number>, out: FloatArray, fill: number, adjoint: boolean,
): void {
  const m = map.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < m; i++) {
      const src = map[i], orow = (o * m + i) * inner;
      if (src < 0) {
        if (!adjoint) out.fill(fill, orow, orow + inner);
        continue;
      }
      const xrow = (o * n + src) * inner;
      if (adjoint) for (let j = 0; j < inner; j++) x[xrow + j] += out[orow + j];
      else for (let j = 0; j < inner; j++) out[orow + j] = x[xrow + j];
    }
  }
}
