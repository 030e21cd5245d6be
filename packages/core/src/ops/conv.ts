/**
 * Convolution (NCHW, as torch.nn.functional.conv2d: strictly a cross-correlation, the kernel is
 * not flipped), and the two products its gradients need.
 *
 * A convolution is linear in its input and in its weights, and its two gradients are the classic
 * identities of every backprop course:
 *   y  = conv2d(x, W)            forward
 *   dx = convTranspose2d(g, W)   the upstream gradient convolved with W's taps flipped: each
 *                                output position sends g back through the weights to the inputs
 *                                its window saw
 *   dW = convWeight(x, g)        the input correlated with the upstream gradient: each weight tap
 *                                collects input·g over every window position
 * The three are adjoints of each other, so the gradients of these two are again these three ops
 * (see each backward below): second derivatives come without another formula.
 *
 * The kernels (kernels/js/conv.ts) run each as one matrix product per group over the unfolded
 * windows (im2col): y = W·cols, dx = fold(Wᵀ·g), dW = g·colsᵀ; the wasm backend does the same in
 * WebAssembly memory, on its SIMD gemm and its threads.
 */
import { allocate } from "../dtype.js";
import { kernels } from "../kernels/index.js";
import { record, type OpAttrs } from "../autograd/node.js";
import { quote } from "../quote.js";
import { checkOptions } from "../options.js";
import { fmt } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cast } from "./broadcast.js";
import { checkTensor, resultDType } from "./helpers.js";
import { sum } from "./reduce.js";
import { squeeze, unsqueeze } from "./shape.js";
import type { ConvGeometry } from "../kernels/backend.js";
import { geometry, pair, type Pair } from "./windows.js";

/** y = conv2d(x, W) + b (b: one per output channel, or null). */
function convForward(x: Tensor, w: Tensor, b: Tensor | null, p: ConvGeometry): Tensor {
  const y = allocate(x.dtype, p.n * p.out * p.outH * p.outW);
  kernels().convForward(x.data, w.data, b?.data ?? null, y, p);
  const rule = "dx = convTranspose2d(g, W) (W's taps flipped), dW = x ⋆ g (x correlated with g)";
  return record(new Tensor(y, [p.n, p.out, p.outH, p.outW]), {
    op: "conv2d", rule: b ? `${rule}, db = Σ g over the batch and positions` : rule,
    inputs: b ? [x, w, b] : [x, w], inputNames: b ? ["x", "W", "b"] : ["x", "W"], saved: [x, w], attrs: convAttrs(p),
    backward: (gy, [nx, nw, nb]) => [
      nx ? convTranspose(gy, w, p) : null, nw ? convWeight(x, gy, p) : null, ...(b ? [nb ? sum(gy, [0, 2, 3]) : null] : []),
    ],
  });
}

/**
 * The settings of a conv2d node. The pads are [top, bottom, left, right] as used: the trailing two
 * are the least that give the same output size (rows past the last window are never read).
 */
function convAttrs(p: ConvGeometry): OpAttrs {
  const trailing = (out: number, s: number, d: number, k: number, size: number, lead: number) => Math.max(0, (out - 1) * s + d * (k - 1) + 1 - size - lead);
  return {
    stride: [p.sh, p.sw], dilation: [p.dh, p.dw], groups: p.groups,
    pads: [p.padTop, trailing(p.outH, p.sh, p.dh, p.kh, p.h, p.padTop), p.padLeft, trailing(p.outW, p.sw, p.dw, p.kw, p.w, p.padLeft)],
  };
}

/** dx = convTranspose2d(gy, W): gy sent back through the weights onto the inputs each window saw. */
function convTranspose(gy: Tensor, w: Tensor, p: ConvGeometry): Tensor {
  const dx = allocate(gy.dtype, p.n * p.c * p.h * p.w);
  kernels().convInput(gy.data, w.data, dx, p);
  return record(new Tensor(dx, [p.n, p.c, p.h, p.w]), {
    op: "convTranspose2d", rule: "d(gy) = conv2d(g, W), dW = g ⋆ gy",
    inputs: [gy, w], inputNames: ["gy", "W"], saved: [gy, w],
    backward: (gx, [ngy, nw]) => [ngy ? convForward(gx, w, null, p) : null, nw ? convWeight(gx, gy, p) : null],
  });
}

/** dW = x ⋆ gy: each weight tap collects input · upstream gradient over every window position. */
function convWeight(x: Tensor, gy: Tensor, p: ConvGeometry): Tensor {
  const dw = allocate(x.dtype, p.out * (p.c / p.groups) * p.kh * p.kw);
  kernels().convWeight(x.data, gy.data, dw, p);
  return record(new Tensor(dw, [p.out, p.c / p.groups, p.kh, p.kw]), {
    op: "convWeight", rule: "dx = convTranspose2d(gy, g), d(gy) = conv2d(x, g)",
    inputs: [x, gy], inputNames: ["x", "gy"], saved: [x, gy],
    backward: (gw, [nx, ngy]) => [nx ? convTranspose(gy, gw, p) : null, ngy ? convForward(x, gw, null, p) : null],
  });
}

export interface Conv2dOptions {
  /** Step between windows: a number or [h, w]. Default 1. */
  stride?: Pair;
  /** Zeros added on each side: a number, [h, w], "valid" (none) or "same" (output as large as the input; stride 1 only). Default 0. */
  padding?: Pair | "same" | "valid";
  /** Spacing between kernel taps: a number or [h, w]. Default 1. */
  dilation?: Pair;
  /** Split the channels into this many independent convolutions (in and out channels divisible by it). Default 1. */
  groups?: number;
}

const CONV_OPTIONS = ["stride", "padding", "dilation", "groups"];

/** [top, bottom, left, right] from a padding option; "same" splits d·(k−1) with the extra one after, as PyTorch. */
function convPads(op: string, padding: unknown, kernel: [number, number], dilation: [number, number], stride: [number, number]): [number, number, number, number] {
  if (padding === "valid") return [0, 0, 0, 0];
  if (padding === "same") {
    if (stride[0] !== 1 || stride[1] !== 1) throw new Error(`${op}: padding "same" needs stride 1 (as PyTorch), got stride ${quote(stride)}`);
    const [th, tw] = [dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)];
    return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  }
  if (typeof padding === "string") throw new Error(`${op}: padding must be a number, a pair, "same" or "valid", got ${quote(padding)}`);
  const [ph, pw] = pair(op, "padding", padding, 0);
  return [ph, ph, pw, pw];
}

/** Check the operands and options of a convolution and plan it (x is 4-D here). */
function plan(op: string, x: Tensor, w: Tensor, opts: Conv2dOptions): ConvGeometry {
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = checkOptions(op, opts, CONV_OPTIONS);
  if (w.ndim !== 4) throw new Error(`${op}: weight must be [out, in/groups, kh, kw] (4 dimensions), got shape ${fmt(w.shape)}`);
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be an integer ≥ 1, got ${quote(groups)}`);
  const [out, perGroup, kh, kw] = w.shape;
  if (out % groups !== 0) throw new Error(`${op}: weight ${fmt(w.shape)} has ${out} output channels, which groups = ${groups} does not divide`);
  if (x.shape[1] !== perGroup * groups) {
    throw new Error(`${op}: input ${fmt(x.shape)} has ${x.shape[1]} channels, but weight ${fmt(w.shape)} with groups = ${groups} expects ${perGroup * groups} (${perGroup} per group)`);
  }
  if (kh === 0 || kw === 0) throw new Error(`${op}: weight ${fmt(w.shape)} has an empty kernel`);
  const s = pair(op, "stride", stride, 1), d = pair(op, "dilation", dilation, 1);
  const pads = convPads(op, padding, [kh, kw], d, s);
  return { ...geometry(op, x.shape, { kernel: [kh, kw], stride: s, dilation: d, pads }), groups, out };
}

/**
 * 2-D convolution of x [N, C, H, W] (or [C, H, W]) with weight [out, C/groups, kh, kw], plus
 * bias [out] if given: y[n, o, i, j] = b[o] + Σ x[n, c, i·s + p·d − pad, j·s + q·d − pad]·W[o, c, p, q].
 * The options may also come third, in place of the bias.
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null | Conv2dOptions, opts?: Conv2dOptions): Tensor {
  if (bias !== undefined && bias !== null && !(bias instanceof Tensor)) return conv2d(x, weight, null, bias);
  checkTensor("conv2d", x);
  checkTensor("conv2d", weight, "weight");
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`conv2d: input must be [N, C, H, W] or [C, H, W], got shape ${fmt(x.shape)}`);
  return convolve("conv2d", x, weight, bias ?? null, opts ?? {});
}

/** conv2d (or conv1d, on a height of 1) once the input's rank is checked: errors name `op`. */
function convolve(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, opts: Conv2dOptions): Tensor {
  if (bias !== null) checkTensor(op, bias, "bias");
  const batched = x.ndim === 4 ? x : unsqueeze(x, 0);
  const p = plan(op, batched, weight, opts);
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== p.out)) {
    throw new Error(`${op}: bias must have shape [${p.out}] (one per output channel), got ${fmt(bias.shape)}`);
  }
  const dtype = resultDType(x, weight, ...(bias !== null ? [bias] : []));
  const y = convForward(cast(batched, dtype), cast(weight, dtype), bias && cast(bias, dtype), p);
  return x.ndim === 4 ? y : squeeze(y, 0);
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | "same" | "valid";
  dilation?: number;
  groups?: number;
}

/** 1-D convolution of x [N, C, L] (or [C, L]) with weight [out, C/groups, k]: conv2d on a height of 1. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null | Conv1dOptions, opts?: Conv1dOptions): Tensor {
  if (bias !== undefined && bias !== null && !(bias instanceof Tensor)) return conv1d(x, weight, null, bias);
  checkTensor("conv1d", x);
  checkTensor("conv1d", weight, "weight");
  if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`conv1d: input must be [N, C, L] or [C, L], got shape ${fmt(x.shape)}`);
  if (weight.ndim !== 3) throw new Error(`conv1d: weight must be [out, in/groups, k] (3 dimensions), got shape ${fmt(weight.shape)}`);
  const o = checkOptions("conv1d", opts, CONV_OPTIONS);
  const one = (name: string, v: unknown, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min)) throw new Error(`conv1d: ${name} must be an integer ≥ ${min}, got ${quote(v)}`);
    return v as number | undefined;
  };
  const stride = one("stride", o.stride, 1) ?? 1, dilation = one("dilation", o.dilation, 1) ?? 1;
  const padding = typeof o.padding === "string" ? o.padding : one("padding", o.padding, 0) ?? 0;
  const groups = o.groups ?? 1;
  if (Number.isInteger(groups) && groups >= 1 && x.shape[x.ndim - 2] !== weight.shape[1] * groups) {
    throw new Error(`conv1d: input ${fmt(x.shape)} has ${x.shape[x.ndim - 2]} channels, but weight ${fmt(weight.shape)} with groups = ${groups} expects ${weight.shape[1] * groups}`);
  }
  const y = convolve("conv1d", unsqueeze(x, -2), unsqueeze(weight, -2), bias ?? null, {
    stride: [1, stride], dilation: [1, dilation], groups: o.groups,
    padding: typeof padding === "string" ? padding : [0, padding],
  });
  return squeeze(y, -2);
}
