/**
 * Normalization layers: LayerNorm (over the last dimensions of each example), BatchNorm1d and
 * BatchNorm2d (over the batch, per channel, with running statistics; both built on BatchNorm), with
 * PyTorch's semantics and state-dict keys.
 *
 * All are written with tensor ops (mean, subtract, square, mean, sqrt, divide), so autograd gives
 * their gradients through the batch statistics, and second derivatives too.
 */
import {
  add, div, mean, mul, noGrad, ones, quote, reshape, sqrt, square, sub, tensor, Tensor, zeros, type DType,
} from "@backprop/core";
import { countBuffer, Module } from "../module.js";
import { pyBool, pyFloat, pyOptionalFloat, pyTuple } from "./repr.js";

const fmt = (shape: readonly number[]) => `[${shape.join(", ")}]`;

/** Unknown keys and non-object options are errors, named for the layer. */
function checkOptions<T extends object>(layer: string, opts: T, allowed: readonly string[]): T {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) throw new Error(`${layer}: options must be an object, got ${quote(opts)}`);
  for (const k of Object.keys(opts)) if (!allowed.includes(k)) throw new Error(`${layer}: unknown option ${quote(k)}; expected one of: ${allowed.join(", ")}`);
  return opts;
}

function checkBool(layer: string, name: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new Error(`${layer}: ${name} must be a boolean, got ${quote(v)}`);
  return v;
}

function checkEps(layer: string, eps: unknown): number {
  if (typeof eps !== "number" || !Number.isFinite(eps) || eps < 0) throw new Error(`${layer}: eps must be a finite number ≥ 0, got ${quote(eps)}`);
  return eps;
}

function checkDTypeOption(layer: string, dtype: unknown): DType {
  if (dtype !== "float32" && dtype !== "float64") throw new Error(`${layer}: dtype must be "float32" or "float64", got ${quote(dtype)}`);
  return dtype;
}

export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn a per-element scale `weight` (initialised to 1) and shift `bias` (0); default true. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also learn `bias` (default true; PyTorch's `bias`). */
  bias?: boolean;
  /** dtype of weight and bias (default "float32"). */
  dtype?: DType;
}

/**
 * Layer normalization (PyTorch's nn.LayerNorm): each example is normalized over its last
 * k = normalizedShape.length dimensions, which must equal normalizedShape:
 *
 *   y = (x − mean) / √(var + eps) · weight + bias
 *
 * with mean and the biased variance (divided by the count, not count − 1) taken over those
 * dimensions, and weight, bias of shape normalizedShape. The same in training and eval mode.
 */
export class LayerNorm extends Module {
  /** The scale, shape normalizedShape, initialised to ones; null without elementwiseAffine. */
  weight: Tensor | null;
  /** The shift, shape normalizedShape, initialised to zeros; null without elementwiseAffine or bias. */
  bias: Tensor | null;
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    const layer = "LayerNorm";
    const shape = typeof normalizedShape === "number" ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new Error(`${layer}: normalizedShape must be a positive integer or a non-empty array of them, got ${quote(normalizedShape)}`);
    }
    const o = checkOptions(layer, opts, ["eps", "elementwiseAffine", "bias", "dtype"]);
    this.normalizedShape = Object.freeze(shape.slice());
    this.eps = checkEps(layer, o.eps ?? 1e-5);
    this.elementwiseAffine = checkBool(layer, "elementwiseAffine", o.elementwiseAffine ?? true);
    const withBias = checkBool(layer, "bias", o.bias ?? true);
    const dtype = checkDTypeOption(layer, o.dtype ?? "float32");
    this.weight = this.elementwiseAffine ? ones(shape.slice(), { dtype, requiresGrad: true }) : null;
    this.bias = this.elementwiseAffine && withBias ? zeros(shape.slice(), { dtype, requiresGrad: true }) : null;
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}, bias=${pyBool(this.bias !== null)}`;
  }

  forward(x: Tensor): Tensor {
    const shape = this.normalizedShape;
    const k = shape.length;
    if (!(x instanceof Tensor)) throw new Error(`LayerNorm(${pyTuple(shape)}): expected a Tensor, got ${quote(x)}`);
    if (x.ndim < k || shape.some((d, i) => x.shape[x.ndim - k + i] !== d)) {
      throw new Error(`LayerNorm(${pyTuple(shape)}): expected an input of shape [*, ${shape.join(", ")}] (its last ${k} dimension${k > 1 ? "s" : ""} normalized), got ${fmt(x.shape)}`);
    }
    const axes = shape.map((_, i) => i - k);
    const centered = sub(x, mean(x, axes, true));
    const variance = mean(square(centered), axes, true);
    let y = div(centered, sqrt(add(variance, this.eps)));
    if (this.weight) y = mul(y, this.weight);
    if (this.bias) y = add(y, this.bias);
    return y;
  }
}

export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /**
   * The weight of the new batch in the running statistics (default 0.1): running = (1 − momentum)·running
   * + momentum·batch. null: the cumulative average over all batches so far (momentum 1/numBatchesTracked).
   */
  momentum?: number | null;
  /** Learn a per-feature scale `weight` (initialised to 1) and shift `bias` (0); default true. */
  affine?: boolean;
  /** With affine, also learn `bias` (default true; PyTorch's keyword `bias`). */
  bias?: boolean;
  /** Keep running statistics for eval mode (default true); without, batch statistics are used in eval too. */
  trackRunningStats?: boolean;
  /** dtype of weight, bias and the running statistics (default "float32"). */
  dtype?: DType;
}

/**
 * What BatchNorm1d and BatchNorm2d share (PyTorch's _BatchNorm): the parameters and buffers, the
 * options, the normalisation and the running-statistics update. A subclass says only which inputs
 * it takes. For each channel c, over the N·L values of the batch (L the product of the dimensions
 * after the channel: a sequence's length, an image's H·W):
 *
 *   y = (x − mean) / √(var + eps) · weight[c] + bias[c]
 *
 * In training mode mean and var are the batch's own (var biased: divided by the count), gradients
 * flow through them, and the running statistics are updated after the forward, under noGrad:
 *
 *   runningMean = (1 − momentum)·runningMean + momentum·mean
 *   runningVar  = (1 − momentum)·runningVar  + momentum·var·n/(n − 1)   (unbiased, n = N·L)
 *   numBatchesTracked += 1
 *
 * (momentum null: momentum = 1/numBatchesTracked, the plain average of every batch so far). The
 * update is computed in float64 and rounded once to the buffers' dtype (PyTorch's float32 CPU kernel
 * sums in float32, so float32 statistics may differ from its in the last bit or two). A
 * training batch needs more than one value per channel (n > 1), as in PyTorch; an empty batch only
 * counts (numBatchesTracked + 1, as PyTorch). In eval mode the running statistics are used instead
 * (y is then an affine function of x), unless trackRunningStats is false: then batch statistics in
 * both modes, and no buffers at all.
 *
 * State-dict keys are PyTorch's: weight, bias, running_mean, running_var, num_batches_tracked, so a
 * PyTorch state dict (converted to our JSON form) loads here and ours loads there. The buffers live
 * in fields of those names; runningMean, runningVar and numBatchesTracked are the same tensors
 * under camelCase names. num_batches_tracked (an int64 in PyTorch) is a 0-d float64 tensor holding
 * a whole number — exact up to 2^53 batches — and `Module.to(dtype)` leaves it float64.
 */
export abstract class BatchNorm extends Module {
  /** The scale [C], initialised to ones; null without affine. */
  weight: Tensor | null;
  /** The shift [C], initialised to zeros; null without affine or bias. */
  bias: Tensor | null;
  /** The running mean [C] (state-dict key running_mean), initialised to zeros; also `runningMean`. */
  running_mean: Tensor | null;
  /** The running (unbiased) variance [C] (key running_var), initialised to ones; also `runningVar`. */
  running_var: Tensor | null;
  /** How many training batches were seen: a 0-d float64 tensor (key num_batches_tracked); also `numBatchesTracked`. */
  num_batches_tracked: Tensor | null;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  /** `layer` names the class in error messages ("BatchNorm1d"). */
  constructor(layer: string, numFeatures: number, opts: BatchNormOptions) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new Error(`${layer}: numFeatures must be a positive integer, got ${quote(numFeatures)}`);
    const o = checkOptions(layer, opts, ["eps", "momentum", "affine", "bias", "trackRunningStats", "dtype"]);
    this.numFeatures = numFeatures;
    this.eps = checkEps(layer, o.eps ?? 1e-5);
    const momentum = o.momentum === undefined ? 0.1 : o.momentum;
    if (momentum !== null && (typeof momentum !== "number" || !(momentum >= 0 && momentum <= 1))) {
      throw new Error(`${layer}: momentum must be a number in [0, 1] or null (a cumulative average), got ${quote(momentum)}`);
    }
    this.momentum = momentum;
    this.affine = checkBool(layer, "affine", o.affine ?? true);
    const withBias = checkBool(layer, "bias", o.bias ?? true);
    this.trackRunningStats = checkBool(layer, "trackRunningStats", o.trackRunningStats ?? true);
    const dtype = checkDTypeOption(layer, o.dtype ?? "float32");
    this.weight = this.affine ? ones([numFeatures], { dtype, requiresGrad: true }) : null;
    this.bias = this.affine && withBias ? zeros([numFeatures], { dtype, requiresGrad: true }) : null;
    this.running_mean = this.trackRunningStats ? zeros([numFeatures], { dtype }) : null;
    this.running_var = this.trackRunningStats ? ones([numFeatures], { dtype }) : null;
    this.num_batches_tracked = this.trackRunningStats ? countBuffer(zeros([], { dtype: "float64" })) : null;
  }

  get runningMean(): Tensor | null {
    return this.running_mean;
  }

  get runningVar(): Tensor | null {
    return this.running_var;
  }

  get numBatchesTracked(): Tensor | null {
    return this.num_batches_tracked;
  }

  /**
   * The input shapes this layer takes, for C channels, as its error messages write them
   * ("[N, 3] or [N, 3, L]"), whether x is one of them, and what its error messages call a channel.
   */
  protected abstract expectedInput(C: number): { shapes: string; accepts: (x: Tensor) => boolean; unit: string };

  forward(x: Tensor): Tensor {
    const C = this.numFeatures;
    const layer = `${this.constructor.name}(${C})`;
    if (!(x instanceof Tensor)) throw new Error(`${layer}: expected a Tensor, got ${quote(x)}`);
    const expected = this.expectedInput(C);
    if (!expected.accepts(x) || x.shape[1] !== C) throw new Error(`${layer}: expected an input of shape ${expected.shapes}, got ${fmt(x.shape)}`);
    const count = x.size / C; // values per channel: N·L
    const stats = this.running_mean && this.running_var ? { mean: this.running_mean, var: this.running_var } : null;
    const batchStats = this.training || stats === null;
    if (batchStats && count === 1) {
      throw new Error(`${layer}: expected more than 1 value per ${expected.unit} to take batch statistics (training mode${stats ? "" : ", or no running statistics"}), got an input of shape ${fmt(x.shape)}`);
    }
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1); // all but the channel axis
    const perChannel = [C, ...x.shape.slice(2).map(() => 1)]; // broadcasts along N and the rest
    let y: Tensor;
    if (batchStats) {
      const centered = sub(x, mean(x, axes, true));
      y = div(centered, sqrt(add(mean(square(centered), axes, true), this.eps)));
    } else {
      y = div(sub(x, reshape(stats!.mean, perChannel)), sqrt(add(reshape(stats!.var, perChannel), this.eps)));
    }
    if (this.weight) y = mul(y, reshape(this.weight, perChannel));
    if (this.bias) y = add(y, reshape(this.bias, perChannel));
    if (this.training && stats && this.num_batches_tracked) this.track(x, stats.mean, stats.var, this.num_batches_tracked);
    return y;
  }

  /** The running-statistics update of one training batch, in float64 (see the class comment). */
  private track(x: Tensor, runningMean: Tensor, runningVar: Tensor, tracked: Tensor): void {
    noGrad(() => {
      tracked.fill_(tracked.data[0] + 1);
      const C = this.numFeatures;
      const N = x.shape[0], L = x.shape.slice(2).reduce((p, d) => p * d, 1);
      const n = N * L;
      if (n === 0) return;
      const f = this.momentum ?? 1 / tracked.data[0];
      const d = x.data;
      const newMean = new Float64Array(C), newVar = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let i = 0; i < N; i++) for (let l = 0; l < L; l++) s += d[(i * C + c) * L + l];
        const m = s / n;
        let ss = 0;
        for (let i = 0; i < N; i++) for (let l = 0; l < L; l++) ss += (d[(i * C + c) * L + l] - m) ** 2;
        newMean[c] = f * m + (1 - f) * runningMean.data[c];
        newVar[c] = f * (ss / (n - 1)) + (1 - f) * runningVar.data[c];
      }
      runningMean.copy_(tensor(newMean, { dtype: runningMean.dtype }));
      runningVar.copy_(tensor(newVar, { dtype: runningVar.dtype }));
    });
  }
}

/** A batch-norm layer's settings as PyTorch prints them (each class's own extraRepr returns it). */
function batchNormRepr(bn: BatchNorm): string {
  return `${bn.numFeatures}, eps=${pyFloat(bn.eps)}, momentum=${pyOptionalFloat(bn.momentum)}, affine=${pyBool(bn.affine)}, `
    + `bias=${pyBool(bn.bias !== null)}, track_running_stats=${pyBool(bn.trackRunningStats)}`;
}

/**
 * Batch normalization over a batch of feature vectors [N, C] or sequences [N, C, L] (PyTorch's
 * nn.BatchNorm1d): each feature c normalised over the N (·L) values of the batch, as described
 * at BatchNorm, with running statistics for eval mode.
 */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super("BatchNorm1d", numFeatures, opts);
  }

  override extraRepr(): string {
    return batchNormRepr(this);
  }

  protected expectedInput(C: number) {
    return { shapes: `[N, ${C}] or [N, ${C}, L]`, accepts: (x: Tensor) => x.ndim === 2 || x.ndim === 3, unit: "feature" };
  }
}

/**
 * Batch normalization over a batch of images [N, C, H, W] (PyTorch's nn.BatchNorm2d): each channel
 * c normalised over the N·H·W values of the batch, as described at BatchNorm — one mean and
 * variance per channel, shared by every pixel, so a convolution's feature map is normalised alike
 * wherever it looks. The running variance is unbiased over those N·H·W values.
 */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super("BatchNorm2d", numFeatures, opts);
  }

  override extraRepr(): string {
    return batchNormRepr(this);
  }

  protected expectedInput(C: number) {
    return { shapes: `[N, ${C}, H, W]`, accepts: (x: Tensor) => x.ndim === 4, unit: "channel" };
  }
}
