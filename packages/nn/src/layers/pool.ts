/**
 * Pooling layers (PyTorch's nn.MaxPool2d and nn.AvgPool2d): maxPool2d and avgPool2d of
 * @backprop/core with the settings given once, when the layer is built. No parameters.
 *
 * Sizes are kept as given (a number, or a pair [h, w]) because PyTorch prints them so:
 * `MaxPool2d(kernel_size=2, stride=2, …)` but `kernel_size=(2, 3)`.
 */
import { avgPool2d, maxPool2d, quote, type Pair, type Tensor } from "@backprop/core";
import { Module } from "../module.js";
import { checkLayerOptions, inLayer, pair } from "./conv.js";
import { pyBool, pyTuple } from "./repr.js";

/** A size as PyTorch prints it: an int as is, a tuple as `(2, 3)`. */
const pySize = (v: Pair): string => (typeof v === "number" ? String(v) : pyTuple(v));

/** A copy of a size that the caller's array cannot change later. */
const keep = (v: Pair): Pair => (typeof v === "number" ? v : Object.freeze([v[0], v[1]] as [number, number]));

/**
 * The window settings both pools share, checked: kernel and stride ≥ 1 (stride defaults to the
 * kernel: windows side by side), padding ≥ 0 and at most half the kernel (PyTorch's rule, so that
 * every window sees some input), ceilMode a boolean.
 */
function windowSettings(layer: string, kernelSize: Pair, o: { stride?: Pair | null; padding?: Pair; ceilMode?: boolean }) {
  const kernel = pair(layer, "kernelSize", kernelSize, 1);
  const stride = o.stride ?? kernelSize;
  pair(layer, "stride", stride, 1);
  const padding = o.padding ?? 0;
  const pads = pair(layer, "padding", padding, 0);
  if (pads[0] > kernel[0] / 2 || pads[1] > kernel[1] / 2) {
    throw new Error(`${layer}: padding ${pySize(padding)} must be at most half of kernelSize ${pySize(kernelSize)} (as PyTorch: every window must see some input)`);
  }
  const ceilMode = o.ceilMode ?? false;
  if (typeof ceilMode !== "boolean") throw new Error(`${layer}: ceilMode must be a boolean, got ${quote(ceilMode)}`);
  return { kernelSize: keep(kernelSize), stride: keep(stride), padding: keep(padding), ceilMode };
}

export interface MaxPool2dLayerOptions {
  /** Step between windows: a number or [h, w]. Default (or null): kernelSize. */
  stride?: Pair | null;
  /** −∞ added on each side, at most half the kernel. Default 0. */
  padding?: Pair;
  /** Spacing between a window's taps. Default 1. */
  dilation?: Pair;
  /** Round the output size up, so a partial window at the end counts. Default false. */
  ceilMode?: boolean;
}

/**
 * The largest value of each kernelSize window, per channel, over [N, C, H, W] (or [C, H, W]).
 * The gradient goes to each window's largest input; where several inputs tie for the largest, it is
 * split evenly between them (the rule of `max` in @backprop/core; PyTorch gives all of it to one).
 */
export class MaxPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly ceilMode: boolean;

  constructor(kernelSize: Pair, opts: MaxPool2dLayerOptions = {}) {
    super();
    const layer = "MaxPool2d";
    const o = checkLayerOptions(layer, opts, ["stride", "padding", "dilation", "ceilMode"]);
    const s = windowSettings(layer, kernelSize, o);
    const dilation = o.dilation ?? 1;
    pair(layer, "dilation", dilation, 1);
    this.kernelSize = s.kernelSize;
    this.stride = s.stride;
    this.padding = s.padding;
    this.dilation = keep(dilation);
    this.ceilMode = s.ceilMode;
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}, `
      + `dilation=${pySize(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }

  forward(x: Tensor): Tensor {
    const { kernelSize, stride, padding, dilation, ceilMode } = this;
    return inLayer(`MaxPool2d(kernel_size=${pySize(kernelSize)})`, () => maxPool2d(x, { kernelSize, stride, padding, dilation, ceilMode }));
  }
}

export interface AvgPool2dLayerOptions {
  /** Step between windows: a number or [h, w]. Default (or null): kernelSize. */
  stride?: Pair | null;
  /** Zeros added on each side, at most half the kernel. Default 0. */
  padding?: Pair;
  /** Round the output size up, so a partial window at the end counts. Default false. */
  ceilMode?: boolean;
  /** Count the padding zeros in each window's divisor. Default true. */
  countIncludePad?: boolean;
  /** Divide every window's sum by this positive integer instead. Default: none (null). */
  divisorOverride?: number | null;
}

/**
 * The mean of each kernelSize window, per channel, over [N, C, H, W] (or [C, H, W]): the window's
 * sum divided by its size (with countIncludePad, padding zeros count; without, only the inputs),
 * or by divisorOverride. Each input in a window gets 1/divisor of its gradient.
 */
export class AvgPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: Pair, opts: AvgPool2dLayerOptions = {}) {
    super();
    const layer = "AvgPool2d";
    const o = checkLayerOptions(layer, opts, ["stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"]);
    const s = windowSettings(layer, kernelSize, o);
    const countIncludePad = o.countIncludePad ?? true;
    if (typeof countIncludePad !== "boolean") throw new Error(`${layer}: countIncludePad must be a boolean, got ${quote(countIncludePad)}`);
    const divisor = o.divisorOverride ?? null;
    if (divisor !== null && (!Number.isInteger(divisor) || divisor < 1)) {
      throw new Error(`${layer}: divisorOverride must be a positive integer or null, got ${quote(divisor)}`);
    }
    this.kernelSize = s.kernelSize;
    this.stride = s.stride;
    this.padding = s.padding;
    this.ceilMode = s.ceilMode;
    this.countIncludePad = countIncludePad;
    this.divisorOverride = divisor;
  }

  /** PyTorch prints these three only. */
  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}`;
  }

  forward(x: Tensor): Tensor {
    const { kernelSize, stride, padding, ceilMode, countIncludePad } = this;
    const opts = { kernelSize, stride, padding, ceilMode, countIncludePad, ...(this.divisorOverride === null ? {} : { divisorOverride: this.divisorOverride }) };
    return inLayer(`AvgPool2d(kernel_size=${pySize(kernelSize)})`, () => avgPool2d(x, opts));
  }
}
