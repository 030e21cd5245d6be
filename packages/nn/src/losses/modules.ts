/**
 * The losses as Modules: `new BCEWithLogitsLoss({ posWeight, reduction }).forward(logits, targets)`
 * calls the function with the options given to the constructor (checked there, so a typo fails at
 * construction). Weight tensors are fields, so they are in the state dict (PyTorch's buffers) but not
 * in parameters() (they do not require grad).
 */
import type { Tensor } from "@backprop/core";
import { Module } from "../module.js";
import { bce, BCE_OPTIONS, type BCEOptions } from "./bce.js";
import { bceWithLogits, BCE_WITH_LOGITS_OPTIONS, type BCEWithLogitsOptions } from "./bce-with-logits.js";
import { crossEntropy, CROSS_ENTROPY_OPTIONS, type ClassIndices, type CrossEntropyOptions } from "./cross-entropy.js";
import { mse, MSE_OPTIONS, type MSEOptions } from "./mse.js";
import { checkLossOptions, checkReduction, checkTensorArg, checkWeightArg, type Reduction } from "./reduction.js";

/** max(z,0) − z·t + log(1+e^(−|z|)) per element (with weight and posWeight as PyTorch); ONE fused node. */
export class BCEWithLogitsLoss extends Module {
  readonly reduction: Reduction;
  weight: Tensor | number | undefined;
  posWeight: Tensor | number | undefined;

  constructor(opts: BCEWithLogitsOptions = {}) {
    super();
    const o = checkLossOptions("BCEWithLogitsLoss", opts, BCE_WITH_LOGITS_OPTIONS);
    this.reduction = checkReduction("BCEWithLogitsLoss", o.reduction);
    this.weight = checkWeightArg("BCEWithLogitsLoss", "weight", o.weight);
    this.posWeight = checkWeightArg("BCEWithLogitsLoss", "posWeight", o.posWeight);
  }

  forward(logits: Tensor, targets: Tensor): Tensor {
    return bceWithLogits(logits, targets, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}

/** −w·(t·log p + (1 − t)·log(1 − p)) on probabilities, logs clamped at −100; composed from core ops. */
export class BCELoss extends Module {
  readonly reduction: Reduction;
  weight: Tensor | number | undefined;

  constructor(opts: BCEOptions = {}) {
    super();
    const o = checkLossOptions("BCELoss", opts, BCE_OPTIONS);
    this.reduction = checkReduction("BCELoss", o.reduction);
    this.weight = checkWeightArg("BCELoss", "weight", o.weight);
  }

  forward(probs: Tensor, targets: Tensor): Tensor {
    return bce(probs, targets, { weight: this.weight, reduction: this.reduction });
  }
}

/** (pred − target)², reduced. */
export class MSELoss extends Module {
  readonly reduction: Reduction;

  constructor(opts: MSEOptions = {}) {
    super();
    const o = checkLossOptions("MSELoss", opts, MSE_OPTIONS);
    this.reduction = checkReduction("MSELoss", o.reduction);
  }

  forward(pred: Tensor, target: Tensor): Tensor {
    return mse(pred, target, { reduction: this.reduction });
  }
}

/** logSumExp(zᵢ) − zᵢ[cᵢ] per row (with class weights as PyTorch); ONE fused node. */
export class CrossEntropyLoss extends Module {
  readonly reduction: Reduction;
  weight: Tensor | undefined;

  constructor(opts: CrossEntropyOptions = {}) {
    super();
    const o = checkLossOptions("CrossEntropyLoss", opts, CROSS_ENTROPY_OPTIONS);
    this.reduction = checkReduction("CrossEntropyLoss", o.reduction);
    this.weight = o.weight === undefined || o.weight === null ? undefined : checkTensorArg("CrossEntropyLoss", o.weight, "weight");
  }

  forward(logits: Tensor, classIndices: ClassIndices): Tensor {
    return crossEntropy(logits, classIndices, { weight: this.weight, reduction: this.reduction });
  }
}
