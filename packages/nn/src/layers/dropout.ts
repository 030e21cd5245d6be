import { mul, quote, rand, type Tensor } from "@backprop/core";
import { Module } from "../module.js";
import { pyFloat } from "./repr.js";

/**
 * Inverted dropout: in training mode each element is zeroed with probability p and the survivors
 * are scaled by 1/(1−p), so the expected value is unchanged; in eval mode it is the identity.
 * The mask comes from the global seeded generator (manualSeed).
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new Error(`Dropout: p must be a probability in [0, 1], got ${quote(p)}`);
  }

  /** `p=0.5` (PyTorch also prints `inplace=False`; there is no in-place dropout here). */
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}`;
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    if (this.p === 1) return mul(x, 0);
    const keep = 1 - this.p;
    // mask[i] = 1/keep with probability keep, else 0: one constant tensor, multiplied in.
    const mask = rand(x.shape.slice(), { dtype: x.dtype }).lt(keep).mul(1 / keep);
    return mul(x, mask);
  }
}
