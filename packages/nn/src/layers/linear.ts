import { linear, quote, zeros, type Tensor } from "@backprop/core";
import { Module } from "../module.js";
import { uniform } from "../init.js";
import { pyBool } from "./repr.js";

/**
 * y = x·Wᵀ + b, with PyTorch's layout (weight [out, in], bias [out]) and default init: both
 * uniform in ±1/√in (what kaiming_uniform with a = √5 works out to). One fused graph node.
 */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, opts: { bias?: boolean; dtype?: "float32" | "float64" } = {}) {
    super();
    for (const [name, v] of [["inFeatures", inFeatures], ["outFeatures", outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`Linear: ${name} must be a non-negative integer, got ${quote(v)}`);
    }
    for (const k of Object.keys(opts)) if (k !== "bias" && k !== "dtype") throw new Error(`Linear: unknown option ${quote(k)}; expected one of: bias, dtype`);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const dtype = opts.dtype ?? "float32";
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.weight = uniform(zeros([outFeatures, inFeatures], { dtype, requiresGrad: true }), -bound, bound);
    this.bias = opts.bias ?? true ? uniform(zeros([outFeatures], { dtype, requiresGrad: true }), -bound, bound) : null;
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
