/**
 * Activation modules: thin wrappers over the core ops (see @backprop/core for the kink rules).
 */
import {
  elu, gelu, hardtanh, leakyRelu, quote, relu, relu6, sigmoid, silu, softplus, tanh, zeros,
  type BoundsOptions, type GeluOptions, type KinkOptions, type SoftplusOptions, type Tensor,
} from "@backprop/core";
import { Module } from "../module.js";
import { pyFloat, pyStr, settings } from "./repr.js";

/** `atZero='right'` when the module sets its own side (none: it follows the global setReluAtZero). */
const atZeroRepr = (opts: KinkOptions) => opts.atZero !== undefined && `atZero=${pyStr(opts.atZero)}`;
/** `atBounds='left'` when the module sets it (none: the default, "open"). */
const atBoundsRepr = (opts: BoundsOptions) => opts.atBounds !== undefined && `atBounds=${pyStr(String(opts.atBounds))}`;

/** Check kink options when the module is built, not at its first forward. */
function checkKinkOptions(op: string, opts: KinkOptions): KinkOptions {
  if (opts === null || typeof opts !== "object") throw new Error(`${op}: options must be an object`);
  for (const k of Object.keys(opts)) if (k !== "atZero") throw new Error(`${op}: unknown option ${quote(k)}; expected one of: atZero`);
  if (opts.atZero !== undefined && opts.atZero !== "left" && opts.atZero !== "right") {
    throw new Error(`${op}: atZero must be "left" (derivative 0 at x = 0) or "right" (derivative 1), got ${quote(opts.atZero)}`);
  }
  return opts;
}

/** max(x, 0). `atZero` picks relu′(0): "left" = 0, "right" = 1; default: the global setReluAtZero. */
export class ReLU extends Module {
  readonly opts: KinkOptions;
  constructor(opts: KinkOptions = {}) {
    super();
    this.opts = checkKinkOptions("ReLU", opts);
  }
  override extraRepr(): string {
    return settings([atZeroRepr(this.opts)]);
  }
  forward(x: Tensor): Tensor {
    return relu(x, this.opts);
  }
}

/** x for x > 0, slope·x otherwise; `atZero` as ReLU ("left" gives slope at 0, "right" gives 1). */
export class LeakyReLU extends Module {
  readonly opts: KinkOptions;
  constructor(readonly slope = 0.01, opts: KinkOptions = {}) {
    super();
    if (typeof slope !== "number" || !Number.isFinite(slope)) throw new Error(`LeakyReLU: slope must be a finite number, got ${quote(slope)}`);
    this.opts = checkKinkOptions("LeakyReLU", opts);
  }
  override extraRepr(): string {
    return settings([`negative_slope=${pyFloat(this.slope)}`, atZeroRepr(this.opts)]);
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.slope, this.opts);
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** (1/β)·log(1 + e^(βx)), linear where βx > threshold (defaults β = 1, threshold = 20). */
export class Softplus extends Module {
  constructor(readonly opts: SoftplusOptions = {}) {
    super();
    softplus(zeros([0]), opts); // validates the options now, on an empty tensor
  }
  override extraRepr(): string {
    return `beta=${pyFloat(this.opts.beta ?? 1)}, threshold=${pyFloat(this.opts.threshold ?? 20)}`;
  }
  forward(x: Tensor): Tensor {
    return softplus(x, this.opts);
  }
}

/**
 * Run the op once on an empty tensor, so that bad arguments fail when the module is built rather
 * than at its first forward; the core's message, with the module's name in front instead of the op's.
 */
function validate(module: string, run: () => unknown): void {
  try {
    run();
  } catch (e) {
    throw new Error(`${module}: ${(e as Error).message.replace(/^[A-Za-z0-9]+: /, "")}`);
  }
}

/**
 * x for x > 0, α·(eˣ − 1) otherwise (default α = 1). `atZero` as ReLU: "left" gives α at 0 (as
 * PyTorch), "right" gives 1; default: the global setReluAtZero.
 */
export class ELU extends Module {
  readonly opts: KinkOptions;
  constructor(readonly alpha = 1, opts: KinkOptions = {}) {
    super();
    validate("ELU", () => elu(zeros([0]), alpha, opts));
    this.opts = { ...opts };
  }
  override extraRepr(): string {
    return settings([`alpha=${pyFloat(this.alpha)}`, atZeroRepr(this.opts)]);
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha, this.opts);
  }
}

/** x·Φ(x) (`approximate: "none"`, the default) or PyTorch's tanh approximation (`"tanh"`). */
export class GELU extends Module {
  readonly approximate: "none" | "tanh";
  constructor(opts: GeluOptions = {}) {
    super();
    validate("GELU", () => gelu(zeros([0]), opts));
    this.approximate = opts?.approximate ?? "none";
  }
  override extraRepr(): string {
    return `approximate=${pyStr(this.approximate)}`;
  }
  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
}

/** x·σ(x) (also called swish). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/**
 * x clamped to [min, max] (default [−1, 1]); the gradient at the bounds by `atBounds` (default
 * "open": 0 at both, as PyTorch; "left"/"right": that one-sided derivative). As PyTorch's
 * nn.Hardtanh, max must be greater than min (the function hardtanh also allows min = max).
 */
export class Hardtanh extends Module {
  readonly opts: BoundsOptions;
  constructor(readonly min = -1, readonly max = 1, opts: BoundsOptions = {}) {
    super();
    validate("Hardtanh", () => hardtanh(zeros([0]), min, max, opts));
    if (!(max > min)) throw new Error(`Hardtanh: max (${max}) must be greater than min (${min})`);
    this.opts = { ...opts };
  }
  override extraRepr(): string {
    return settings([`min_val=${pyFloat(this.min)}`, `max_val=${pyFloat(this.max)}`, atBoundsRepr(this.opts)]);
  }
  forward(x: Tensor): Tensor {
    return hardtanh(x, this.min, this.max, this.opts);
  }
}

/** min(max(x, 0), 6); the gradient at 0 and 6 by `atBounds`, as Hardtanh (default 0 at both, as PyTorch). */
export class ReLU6 extends Module {
  readonly opts: BoundsOptions;
  constructor(opts: BoundsOptions = {}) {
    super();
    validate("ReLU6", () => relu6(zeros([0]), opts));
    this.opts = { ...opts };
  }
  override extraRepr(): string {
    return settings([atBoundsRepr(this.opts)]);
  }
  forward(x: Tensor): Tensor {
    return relu6(x, this.opts);
  }
}
