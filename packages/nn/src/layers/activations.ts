/**
 * Activation modules: thin wrappers over the core ops (see @backprop/core for the kink rules).
 */
import { leakyRelu, quote, relu, sigmoid, softplus, tanh, zeros, type KinkOptions, type SoftplusOptions, type Tensor } from "@backprop/core";
import { Module } from "../module.js";

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
  forward(x: Tensor): Tensor {
    return softplus(x, this.opts);
  }
}
