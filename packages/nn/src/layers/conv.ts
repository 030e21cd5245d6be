/**
 * Conv2d, the convolution layer (PyTorch's nn.Conv2d), and the two helpers the pooling layers
 * share with it: sizes given as a number or a pair, and errors of an op run inside a layer.
 */
import { conv2d, quote, Tensor, zeros, type DType, type Pair } from "@backprop/core";
import { Module } from "../module.js";
import { fans, uniform } from "../init.js";
import { pyTuple } from "./repr.js";

/** A size given as a number (both axes) or [h, w], checked: integers ≥ `min`. */
export function pair(layer: string, name: string, v: unknown, min: number): [number, number] {
  const both = typeof v === "number" ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  if (both === null || !both.every((d) => Number.isInteger(d) && d >= min)) {
    throw new Error(`${layer}: ${name} must be an integer ≥ ${min} or a pair [h, w] of them, got ${quote(v)}`);
  }
  return [both[0], both[1]];
}

/** Unknown keys and non-object options are errors, named for the layer. */
export function checkLayerOptions<T extends object>(layer: string, opts: T, allowed: readonly string[]): T {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) throw new Error(`${layer}: options must be an object, got ${quote(opts)}`);
  for (const k of Object.keys(opts)) if (!allowed.includes(k)) throw new Error(`${layer}: unknown option ${quote(k)}; expected one of: ${allowed.join(", ")}`);
  return opts;
}

/**
 * Run the op behind a layer; an error it throws (a shape that does not fit, an input smaller than
 * the kernel) is prefixed with the layer, so inside a Sequential the message says which layer.
 * These layers keep no state, so nothing has changed when it throws.
 */
export function inLayer(label: string, run: () => Tensor): Tensor {
  try {
    return run();
  } catch (e) {
    throw new Error(`${label}: ${(e as Error).message}`);
  }
}

export interface Conv2dLayerOptions {
  /** Step between windows: a number or [h, w]. Default 1. */
  stride?: Pair;
  /** Zeros added on each side: a number, [h, w], "valid" (none) or "same" (output as large as the input; stride 1 only). Default 0. */
  padding?: Pair | "same" | "valid";
  /** Spacing between kernel taps: a number or [h, w]. Default 1. */
  dilation?: Pair;
  /** Split the channels into this many independent convolutions; inChannels and outChannels must be divisible by it. Default 1. */
  groups?: number;
  /** Learn a bias per output channel. Default true. */
  bias?: boolean;
  /** dtype of weight and bias (default "float32"). */
  dtype?: DType;
}

/**
 * 2-D convolution over a batch of images [N, inChannels, H, W] (or one image [inChannels, H, W]):
 * conv2d of @backprop/core with this layer's weight [outChannels, inChannels/groups, kh, kw],
 * bias [outChannels] and options. PyTorch's default init, as Linear's: weight and bias uniform in
 * ±1/√fanIn, fanIn = inChannels/groups·kh·kw (what kaiming_uniform with a = √5 works out to).
 * Its settings are checked when it is built, as PyTorch checks them.
 */
export class Conv2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  /** [h, w], or "same" / "valid" as given (PyTorch keeps the string too, and prints it). */
  readonly padding: readonly [number, number] | "same" | "valid";
  readonly dilation: readonly [number, number];
  readonly groups: number;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, opts: Conv2dLayerOptions = {}) {
    super();
    const layer = "Conv2d";
    for (const [name, v] of [["inChannels", inChannels], ["outChannels", outChannels]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`${layer}: ${name} must be a non-negative integer, got ${quote(v)}`);
    }
    const o = checkLayerOptions(layer, opts, ["stride", "padding", "dilation", "groups", "bias", "dtype"]);
    const kernel = pair(layer, "kernelSize", kernelSize, 1);
    const stride = pair(layer, "stride", o.stride ?? 1, 1);
    const dilation = pair(layer, "dilation", o.dilation ?? 1, 1);
    const groups = o.groups ?? 1;
    // PyTorch's checks, in its order
    if (!Number.isInteger(groups) || groups < 1) throw new Error(`${layer}: groups must be a positive integer, got ${quote(groups)}`);
    if (inChannels % groups !== 0) throw new Error(`${layer}: inChannels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0) throw new Error(`${layer}: outChannels (${outChannels}) must be divisible by groups (${groups})`);
    const padding = o.padding ?? 0;
    if (typeof padding === "string" && padding !== "same" && padding !== "valid") {
      throw new Error(`${layer}: padding must be an integer ≥ 0, a pair [h, w] of them, "same" or "valid", got ${quote(padding)}`);
    }
    if (padding === "same" && (stride[0] !== 1 || stride[1] !== 1)) {
      throw new Error(`${layer}: padding "same" is not supported for strided convolutions (stride ${pyTuple(stride)}), as in PyTorch: give the padding as numbers`);
    }
    const pads = typeof padding === "string" ? padding : Object.freeze(pair(layer, "padding", padding, 0));
    const withBias = o.bias ?? true;
    if (typeof withBias !== "boolean") throw new Error(`${layer}: bias must be a boolean, got ${quote(withBias)}`);
    const dtype = o.dtype ?? "float32";
    if (dtype !== "float32" && dtype !== "float64") throw new Error(`${layer}: dtype must be "float32" or "float64", got ${quote(dtype)}`);

    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = Object.freeze(kernel);
    this.stride = Object.freeze(stride);
    this.padding = pads;
    this.dilation = Object.freeze(dilation);
    this.groups = groups;
    this.weight = zeros([outChannels, inChannels / groups, kernel[0], kernel[1]], { dtype, requiresGrad: true });
    const { fanIn } = fans(layer, this.weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform(this.weight, -bound, bound);
    this.bias = withBias ? uniform(zeros([outChannels], { dtype, requiresGrad: true }), -bound, bound) : null;
  }

  /** PyTorch's extra_repr: padding, dilation, groups and bias only where they are not the defaults. */
  override extraRepr(): string {
    const p = this.padding;
    const parts = [`${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`];
    if (typeof p === "string") parts.push(`padding=${p}`);
    else if (p[0] !== 0 || p[1] !== 0) parts.push(`padding=${pyTuple(p)}`);
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) parts.push(`dilation=${pyTuple(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push("bias=False");
    return parts.join(", ");
  }

  forward(x: Tensor): Tensor {
    const opts = { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
    return inLayer(`Conv2d(${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)})`, () => conv2d(x, this.weight, this.bias, opts));
  }
}
