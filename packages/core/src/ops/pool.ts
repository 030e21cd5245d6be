/**
 * Pooling. Each output is a window of the input reduced to one number, and its gradient goes back
 * along a route: one weight per tap of each window (kernels/js/pool.ts).
 *
 *   maxPool2d   y = the window's largest value; route: 1 on its maximum, 0 elsewhere — split
 *               evenly at a tie (1/ties each), the policy of `max` (PyTorch gives all to one)
 *   avgPool2d   y = Σ route·x with route 1/divisor on the taps inside the input
 *
 * The backward is dx = Σ route·g scattered onto the input (an input seen by several windows
 * receives the sum), and that is linear in g with the route fixed at the forward pass; its own
 * gradient gathers through the same route. So second derivatives come from the same two ops
 * (a max pool's route does not move when x moves a little: its second derivative in x is 0).
 */
import { quote } from "../quote.js";
import { checkOptions } from "../options.js";
import { fmt } from "../shape.js";
import { Tensor } from "../tensor.js";
import { allocate, type FloatArray } from "../dtype.js";
import { kernels } from "../kernels/index.js";
import { record, type OpAttrs } from "../autograd/node.js";
import { checkTensor } from "./helpers.js";
import { squeeze, unsqueeze } from "./shape.js";
import { geometry, pair, type Pair, type WindowGeometry } from "./windows.js";

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

/** The gradient of a pool: g sent back along the route onto the input [n, c, h, w]. */
function scatterWindows(gy: Tensor, g: WindowGeometry, route: FloatArray): Tensor {
  const dx = allocate(gy.dtype, g.n * g.c * g.h * g.w);
  kernels().scatterWindows(gy.data, g, route, dx);
  return record(new Tensor(dx, [g.n, g.c, g.h, g.w]), {
    op: "scatterWindows", rule: "d(gy) = Σ route·g over each window", inputs: [gy],
    backward: (gx) => [gatherWindows(gx, g, route, "gatherWindows", "dx = g sent back along the route")],
  });
}

/** Σ route·x over each window: average pooling, and the gradient of scatterWindows. */
function gatherWindows(x: Tensor, g: WindowGeometry, route: FloatArray, op: string, rule: string, attrs?: OpAttrs): Tensor {
  const y = allocate(x.dtype, g.n * g.c * g.outH * g.outW);
  kernels().gatherWindows(x.data, g, route, y);
  return record(new Tensor(y, [g.n, g.c, g.outH, g.outW]), { op, rule, inputs: [x], attrs, backward: (gy) => [scatterWindows(gy, g, route)] });
}

/** A pool node's settings: the window as planned, and the options that decide its output size. */
function poolAttrs(g: WindowGeometry, o: { ceilMode?: boolean }): OpAttrs {
  return { kernel: [g.kh, g.kw], stride: [g.sh, g.sw], dilation: [g.dh, g.dw], padding: [g.padTop, g.padLeft], ceilMode: o.ceilMode ?? false };
}

/** The largest value in each window (padding counts as −∞). */
export function maxPool2d(x: Tensor, opts: MaxPool2dOptions): Tensor {
  const o = checkOptions("maxPool2d", opts, ["kernelSize", "stride", "padding", "dilation", "ceilMode"]);
  return batchedPool("maxPool2d", x, (x4) => {
    const g = poolGeometry("maxPool2d", x4, o);
    const y = allocate(x4.dtype, g.n * g.c * g.outH * g.outW);
    const route = allocate(x4.dtype, y.length * g.kh * g.kw);
    kernels().maxWindows(x4.data, g, y, route);
    return record(new Tensor(y, [g.n, g.c, g.outH, g.outW]), {
      op: "maxPool2d", rule: "dx = g at each window's maximum (split evenly at a tie)", inputs: [x4], attrs: poolAttrs(g, o),
      backward: (gy) => [scatterWindows(gy, g, route)],
    });
  });
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
    const route = averageRoute(g, padding, o.countIncludePad ?? true, o.divisorOverride, x4.dtype);
    const attrs = { ...poolAttrs(g, o), countIncludePad: o.countIncludePad ?? true, divisorOverride: o.divisorOverride ?? null };
    return gatherWindows(x4, g, route, "avgPool2d", "dx = g/divisor spread over each window", attrs);
  });
}

/**
 * 1/divisor on every tap of every window, as PyTorch counts the divisor: the override; or the
 * window's taps that fall on the input or its padding (a ceilMode window may hang past both); or,
 * without countIncludePad, only the taps on the input. (Taps outside the input are never read.)
 */
function averageRoute(g: WindowGeometry, [ph, pw]: [number, number], includePad: boolean, override: number | undefined, dtype: Tensor["dtype"]): FloatArray {
  const T = g.kh * g.kw, per = g.outH * g.outW;
  const route = allocate(dtype, g.n * g.c * per * T);
  const span = (start: number, k: number, n: number, pad: number) => {
    const end = Math.min(start + k, n + pad);
    return includePad ? end - start : Math.min(end, n) - Math.max(start, 0);
  };
  for (let i = 0; i < g.outH; i++) {
    for (let j = 0; j < g.outW; j++) {
      const d = override ?? span(i * g.sh - ph, g.kh, g.h, ph) * span(j * g.sw - pw, g.kw, g.w, pw);
      route.fill(1 / d, (i * g.outW + j) * T, (i * g.outW + j + 1) * T);
    }
  }
  for (let nc = 1; nc < g.n * g.c; nc++) route.copyWithin(nc * per * T, 0, per * T); // the same for every plane
  return route;
}
