/**
 * Pooling, built from two ops that already have gradients of every order: the windows of the
 * input (ops/windows.ts, unfold) and a reduction down each window (max or sum).
 *
 *   maxPool2d(x) = max over each window   → the gradient goes to the window's largest input; at a
 *                                           tie it is split evenly between the tied inputs, the
 *                                           policy of `max` (PyTorch gives all of it to the first)
 *   avgPool2d(x) = sum over each window / its divisor
 *
 * An input seen by several windows (stride < kernel) receives the sum of what each sends back.
 */
import { quote } from "../quote.js";
import { checkOptions } from "../options.js";
import { fmt } from "../shape.js";
import { Tensor } from "../tensor.js";
import { div } from "./arithmetic.js";
import { checkTensor } from "./helpers.js";
import { max, sum } from "./reduce.js";
import { permute, squeeze, unsqueeze } from "./shape.js";
import { geometry, pair, windows, type Pair, type WindowGeometry } from "./windows.js";

export interface MaxPool2dOptions {
  /** The window: a number or [h, w]. */
  kernelSize: Pair;
  /** Step between windows. Default: kernelSize (windows side by side). */
  stride?: Pair;
  /** −∞ added on each side (at most half the kernel). Default 0. */
  padding?: Pair;
  /** Spacing between a window's taps. Default 1. */
  dilation?: Pair;
  /** Round the output size up, so a partial window at the end counts. Default false. */
  ceilMode?: boolean;
}

export interface AvgPool2dOptions {
  kernelSize: Pair;
  stride?: Pair;
  /** Zeros added on each side (at most half the kernel). Default 0. */
  padding?: Pair;
  ceilMode?: boolean;
  /** Count the padding zeros in each window's divisor. Default true. */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead. */
  divisorOverride?: number;
}

/** Check a pool's options and input; the windows' geometry over x (4-D here). */
function poolGeometry(op: string, x: Tensor, o: MaxPool2dOptions | AvgPool2dOptions): WindowGeometry {
  if (o.kernelSize === undefined) throw new Error(`${op}: kernelSize is required (a number or [h, w])`);
  const kernel = pair(op, "kernelSize", o.kernelSize, 1);
  const stride = o.stride === undefined || o.stride === null ? kernel : pair(op, "stride", o.stride, 1);
  const padding = pair(op, "padding", o.padding ?? 0, 0);
  const dilation = "dilation" in o && o.dilation !== undefined ? pair(op, "dilation", o.dilation, 1) : [1, 1] as [number, number];
  if (o.ceilMode !== undefined && typeof o.ceilMode !== "boolean") throw new Error(`${op}: ceilMode must be true or false, got ${quote(o.ceilMode)}`);
  if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2) {
    throw new Error(`${op}: padding ${quote(o.padding)} must be at most half the kernel size ${quote(o.kernelSize)} (as PyTorch: a window must see some input)`);
  }
  return geometry(op, x.shape, {
    kernel, stride, dilation, ceilMode: o.ceilMode ?? false,
    pads: [padding[0], padding[0], padding[1], padding[1]],
  });
}

/** Run `pool` on x [N, C, H, W] or [C, H, W] (an unbatched input gets a batch of one). */
function batchedPool(op: string, x: Tensor, pool: (x4: Tensor) => Tensor): Tensor {
  checkTensor(op, x);
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${op}: input must be [N, C, H, W] or [C, H, W], got shape ${fmt(x.shape)}`);
  return x.ndim === 4 ? pool(x) : squeeze(pool(unsqueeze(x, 0)), 0);
}

/** [C, N, outH, outW] (a reduction of the windows) → NCHW. */
const toNCHW = (y: Tensor) => permute(y, [1, 0, 2, 3]);

/** The largest value in each window (padding counts as −∞). */
export function maxPool2d(x: Tensor, opts: MaxPool2dOptions): Tensor {
  const o = checkOptions("maxPool2d", opts, ["kernelSize", "stride", "padding", "dilation", "ceilMode"]);
  return batchedPool("maxPool2d", x, (x4) => toNCHW(max(windows(x4, poolGeometry("maxPool2d", x4, o), -Infinity), 1)));
}

/** The mean of each window (see the options for what the divisor counts). */
export function avgPool2d(x: Tensor, opts: AvgPool2dOptions): Tensor {
  const o = checkOptions("avgPool2d", opts, ["kernelSize", "stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"]);
  if (o.countIncludePad !== undefined && typeof o.countIncludePad !== "boolean") {
    throw new Error(`avgPool2d: countIncludePad must be true or false, got ${quote(o.countIncludePad)}`);
  }
  if (o.divisorOverride !== undefined && (!Number.isInteger(o.divisorOverride) || o.divisorOverride <= 0)) {
    throw new Error(`avgPool2d: divisorOverride must be a positive integer, got ${quote(o.divisorOverride)}`);
  }
  return batchedPool("avgPool2d", x, (x4) => {
    const g = poolGeometry("avgPool2d", x4, o);
    const padding = pair("avgPool2d", "padding", o.padding ?? 0, 0);
    const divisor = divisors(g, padding, o.countIncludePad ?? true, o.divisorOverride, x4);
    return toNCHW(div(sum(windows(x4, g, 0), 1), divisor));
  });
}

/**
 * Each window's divisor, as PyTorch counts it: the override; or the window's taps that fall on
 * the input or its padding (a ceilMode window may hang past both); or, without countIncludePad,
 * only the taps on the input.
 */
function divisors(g: WindowGeometry, [ph, pw]: [number, number], includePad: boolean, override: number | undefined, like: Tensor): Tensor {
  const d = new (like.dtype === "float64" ? Float64Array : Float32Array)(g.outH * g.outW);
  const span = (start: number, k: number, n: number, pad: number) => {
    const end = Math.min(start + k, n + pad);
    return includePad ? end - start : Math.min(end, n) - Math.max(start, 0);
  };
  for (let i = 0; i < g.outH; i++) {
    for (let j = 0; j < g.outW; j++) {
      d[i * g.outW + j] = override ?? span(i * g.sh - ph, g.kh, g.h, ph) * span(j * g.sw - pw, g.kw, g.w, pw);
    }
  }
  return new Tensor(d, [g.outH, g.outW]);
}
