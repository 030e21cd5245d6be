/**
 * Mean squared error, composed from core ops: loss = (pred − target)², then reduced.
 * Gradients flow to both arguments: d/dpred = 2·g·(pred − target) (divided by N for "mean").
 */
import { square, sub, type Tensor } from "@backprop/core";
import { checkLossOptions, checkReduction, checkSameShape, checkTensorArg, reduce, type ReductionOptions } from "./reduction.js";

export type MSEOptions = ReductionOptions;

export const MSE_OPTIONS = ["reduction"] as const;

export function mse(pred: Tensor, target: Tensor, opts?: MSEOptions): Tensor {
  const NAME = "mse";
  const o = checkLossOptions(NAME, opts, MSE_OPTIONS);
  const reduction = checkReduction(NAME, o.reduction);
  const x = checkTensorArg(NAME, pred, "pred");
  const y = checkTensorArg(NAME, target, "target");
  checkSameShape(NAME, x, y, "pred", "target");
  return reduce(square(sub(x, y)), reduction);
}
