/**
 * Binary cross-entropy on probabilities, composed from core ops (so its graph and its gradient are
 * those of the textbook formula; compare bceWithLogits, which fuses the sigmoid in):
 *
 *   loss = −w·[t·max(log p, −100) + (1 − t)·max(log(1 − p), −100)]
 *
 * The logs are clamped at −100, as PyTorch, so p = 0 or 1 gives a finite loss. Where a log is
 * clamped its gradient is 0 (the exact derivative of the clamped formula; PyTorch's hand-written
 * backward instead returns (p − t)/max(p(1 − p), 1e-12) there). After a sigmoid this is where the
 * unfused pair saturates: once σ(z) rounds to 1 (z ≳ 17 in float32) or log σ(z) < −100 (z < −100),
 * a confidently wrong answer gets no gradient at all, where bceWithLogits keeps ±1.
 */
import { add, argmin, ge, gt, le, log, mul, neg, noGrad, reshape, sub, sum, where, type Tensor } from "@backprop/core";
import {
  checkLossOptions, checkReduction, checkSameShape, checkTensorArg, checkWeightArg, fmt, reduce, type ReductionOptions,
} from "./reduction.js";

export interface BCEOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcasts to the input's shape. Gradients flow to it (composed ops). */
  weight?: Tensor | number;
}

export const BCE_OPTIONS = ["weight", "reduction"] as const;

/** max(log x, −100), with gradient 1/x where log x > −100 and 0 where clamped (never 0·∞ = NaN at x = 0). */
function clampedLog(x: Tensor): Tensor {
  const inside = noGrad(() => gt(log(x), -100)); // a 0/1 mask, constant
  return where(inside, log(where(inside, x, 1)), -100);
}

/** Every probability in [0, 1] (NaN counts as outside), checked with core ops. */
function checkProbabilities(loss: string, p: Tensor): void {
  noGrad(() => {
    const ok = mul(ge(p, 0), le(p, 1));
    if (sum(ok).item() === p.size) return;
    const i = argmin(reshape(ok, [p.size])).item();
    throw new Error(
      `${loss}: input must hold probabilities in [0, 1], got ${p.data[i]} at flat index ${i} (shape ${fmt(p.shape)}); ` +
        "for logits use bceWithLogits",
    );
  });
}

export function bce(probs: Tensor, targets: Tensor, opts?: BCEOptions): Tensor {
  const NAME = "bce";
  const o = checkLossOptions(NAME, opts, BCE_OPTIONS);
  const reduction = checkReduction(NAME, o.reduction);
  const p = checkTensorArg(NAME, probs, "probs");
  const t = checkTensorArg(NAME, targets, "targets");
  checkSameShape(NAME, p, t, "probs", "targets");
  const w = checkWeightArg(NAME, "weight", o.weight, p.shape);
  checkProbabilities(NAME, p);
  const ll = add(mul(t, clampedLog(p)), mul(sub(1, t), clampedLog(sub(1, p))));
  const perElement = w === undefined ? neg(ll) : mul(neg(ll), w);
  return reduce(perElement, reduction);
}
