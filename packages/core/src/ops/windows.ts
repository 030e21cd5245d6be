/**
 * Sliding windows over the last two axes of an NCHW tensor: the geometry shared by convolution
 * and pooling (kernel, stride, padding, dilation → output size), with every option checked.
 *
 * A window position (i, j) of the output reads the input at rows i·stride − padTop + p·dilation,
 * p = 0 … kh−1 (columns likewise). Positions outside the input read the pad value: 0 for a
 * convolution and average pooling, −∞ for max pooling.
 */
import type { WindowGeometry } from "../kernels/backend.js";
import { quote } from "../quote.js";
import { fmt } from "../shape.js";

export type { WindowGeometry };

/** A number for both spatial axes, or [height, width]. */
export type Pair = number | readonly [number, number];

/** An option given as a number or a pair, as [h, w] integers ≥ `min`. */
export function pair(op: string, name: string, v: unknown, min: number): [number, number] {
  const both = typeof v === "number" ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  if (both === null || !both.every((d) => Number.isInteger(d) && d >= min)) {
    throw new Error(`${op}: ${name} must be an integer ≥ ${min} or a pair [h, w] of them, got ${quote(v)}`);
  }
  return [both[0], both[1]];
}

/** Output length along one axis: windows of `k` taps `d` apart, every `s`, over n + padding. */
function outLength(n: number, k: number, s: number, d: number, padBefore: number, padAfter: number, ceil = false): number {
  const span = n + padBefore + padAfter - d * (k - 1) - 1;
  if (span < 0) return 0;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // ceilMode (as PyTorch): the last window must start inside the input or its leading padding.
  if (ceil && (out - 1) * s >= n + padBefore) out--;
  return out;
}

export interface WindowSpec {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** [top, bottom, left, right]. */
  pads: [number, number, number, number];
  ceilMode?: boolean;
}

/**
 * The geometry of windows `spec` over x of shape [n, c, h, w], or an error naming the op when the
 * (padded) input is smaller than one window.
 */
export function geometry(op: string, shape: readonly number[], spec: WindowSpec): WindowGeometry {
  const [n, c, h, w] = shape;
  const [kh, kw] = spec.kernel, [sh, sw] = spec.stride, [dh, dw] = spec.dilation;
  const [padTop, padBottom, padLeft, padRight] = spec.pads;
  const reachH = dh * (kh - 1) + 1, reachW = dw * (kw - 1) + 1;
  const paddedH = h + padTop + padBottom, paddedW = w + padLeft + padRight;
  if (reachH > paddedH || reachW > paddedW) {
    const dil = dh === 1 && dw === 1 ? "" : ` with dilation (${dh}, ${dw}) spans ${reachH}×${reachW}, which`;
    throw new Error(`${op}: the kernel ${kh}×${kw}${dil} is larger than the padded input ${paddedH}×${paddedW} (input ${fmt(shape)})`);
  }
  return {
    n, c, h, w, kh, kw, sh, sw, dh, dw, padTop, padLeft,
    outH: outLength(h, kh, sh, dh, padTop, padBottom, spec.ceilMode),
    outW: outLength(w, kw, sw, dw, padLeft, padRight, spec.ceilMode),
  };
}
