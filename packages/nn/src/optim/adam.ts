/**
 * Adam and AdamW with torch.optim.Adam / AdamW's update. For each parameter with a gradient, with
 * t its own step count (1 on its first step):
 *
 *   g = ∇p                                   (−∇p with maximize)
 *   Adam:  g = g + weightDecay·p             (L2 penalty through the gradient)
 *   AdamW: p = p·(1 − lr·weightDecay)        (decoupled weight decay, before the moments)
 *   m = β1·m + (1 − β1)·g                    (computed as m + (1 − β1)·(g − m), torch's lerp)
 *   v = β2·v + (1 − β2)·g²
 *   vmax = max(vmax, v)                      (amsgrad only; the max of the uncorrected v)
 *   p = p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)      (√vmax with amsgrad)
 *
 * i.e. p − lr·m̂/(√v̂ + eps) with m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ), grouped as PyTorch groups it.
 * m and v start at zero.
 *
 * Parameter groups, state dicts: see optimizer.ts. The state dict holds, per parameter, `step`,
 * `exp_avg`, `exp_avg_sq` and with amsgrad `max_exp_avg_sq` (PyTorch's names; `step` a number).
 */
import { incrementVersion, kernels, quote, type Tensor } from "@backprop/core";
import {
  checkBoolean, checkNonNegative, Optimizer, type OptimizerSpec, type ParamGroup, type ParamGroupInput, type ParamsInput,
} from "./optimizer.js";

export interface AdamOptions {
  /** The learning rate (≥ 0); default 1e-3. */
  lr?: number;
  /** Decay rates of the first and second moment estimates, each in [0, 1); default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to the denominator for numerical stability (≥ 0); default 1e-8. */
  eps?: number;
  /** Weight decay (≥ 0): Adam adds weightDecay·p to the gradient, AdamW decays p directly.
   *  Default 0 for Adam, 1e-2 for AdamW. */
  weightDecay?: number;
  /** The AMSGrad variant (uses the running maximum of v); default false. */
  amsgrad?: boolean;
  /** Ascend the objective instead of descending it; default false. */
  maximize?: boolean;
}

export type AdamWOptions = AdamOptions;

/** A parameter group of Adam or AdamW as given: `{ params, lr?, betas?, … }`. */
export type AdamParamGroup = ParamGroupInput<AdamOptions>;

export interface AdamState {
  /** How many updates this parameter has received. */
  step: number;
  /** m, the first moment (exp_avg). */
  expAvg: Tensor;
  /** v, the second moment (exp_avg_sq). */
  expAvgSq: Tensor;
  /** With amsgrad: the running maximum of v. */
  maxExpAvgSq?: Tensor;
}

function checkBetas(where: string, field: string, betas: unknown): readonly [number, number] {
  if (!Array.isArray(betas) || betas.length !== 2) throw new Error(`${where}: ${field} must be a pair [beta1, beta2], got ${quote(betas)}`);
  betas.forEach((b: unknown, i) => {
    if (typeof b !== "number" || !(b >= 0 && b < 1)) throw new Error(`${where}: ${field}[${i}] must be in [0, 1), got ${quote(b)}`);
  });
  return Object.freeze([betas[0], betas[1]] as [number, number]);
}

function spec(defaultWeightDecay: number): OptimizerSpec {
  return {
    options: [
      { key: "lr", torch: "lr", check: checkNonNegative, fallback: 1e-3 },
      { key: "betas", torch: "betas", check: checkBetas, fallback: Object.freeze([0.9, 0.999]), encode: (b) => (b as number[]).slice() },
      { key: "eps", torch: "eps", check: checkNonNegative, fallback: 1e-8 },
      { key: "weightDecay", torch: "weight_decay", check: checkNonNegative, fallback: defaultWeightDecay },
      { key: "amsgrad", torch: "amsgrad", check: checkBoolean, fallback: false },
      { key: "maximize", torch: "maximize", check: checkBoolean, fallback: false },
    ],
    state: [
      { key: "step", torch: "step", kind: "count", required: () => true },
      { key: "expAvg", torch: "exp_avg", kind: "tensor", required: () => true },
      { key: "expAvgSq", torch: "exp_avg_sq", kind: "tensor", required: () => true },
      { key: "maxExpAvgSq", torch: "max_exp_avg_sq", kind: "tensor", required: (g) => g.amsgrad === true },
    ],
  };
}
const ADAM_SPEC = spec(0);
const ADAMW_SPEC = spec(1e-2);

/** The shared implementation; Adam and AdamW differ only in how weight decay is applied. */
abstract class AdamBase extends Optimizer<AdamState, AdamOptions> {
  /** true for AdamW: p·(1 − lr·wd) instead of adding wd·p to the gradient. */
  protected abstract readonly decoupledWeightDecay: boolean;

  protected update(p: Tensor, grad: Tensor, group: ParamGroup<AdamOptions>): void {
    let s = this._state.get(p);
    if (s === undefined) {
      s = { step: 0, expAvg: this.zerosLike(p), expAvgSq: this.zerosLike(p) };
      this._state.set(p, s);
    }
    // amsgrad switched on for a group that has state without it: the maximum starts at zero (PyTorch would fail).
    if (group.amsgrad && s.maxExpAvgSq === undefined) s.maxExpAvgSq = this.zerosLike(p);
    s.step++;
    const [beta1, beta2] = group.betas;
    const vMax = group.amsgrad ? s.maxExpAvgSq! : null;
    kernels().adamUpdate(p.data, grad.data, s.expAvg.data, s.expAvgSq.data, vMax?.data ?? null, {
      lr: group.lr, beta1, beta2, eps: group.eps, weightDecay: group.weightDecay, maximize: group.maximize,
      decoupled: this.decoupledWeightDecay, step: s.step,
    });
    incrementVersion(s.expAvg, s.expAvgSq, ...(vMax ? [vMax] : []));
  }
}

/** Adam (Kingma & Ba) with torch.optim.Adam's update (see the file comment). */
export class Adam extends AdamBase {
  protected readonly decoupledWeightDecay = false;

  /**
   * `params`: the parameters (an array of tensors or a Module), or an array of groups
   * `{ params, ...options }` whose options override `defaults` for that group.
   */
  constructor(params: ParamsInput | readonly AdamParamGroup[], defaults: AdamOptions = {}) {
    super("Adam", params, defaults, ADAM_SPEC);
  }
}

/** Adam with decoupled weight decay (Loshchilov & Hutter): p ← p·(1 − lr·wd) before the Adam step. */
export class AdamW extends AdamBase {
  protected readonly decoupledWeightDecay = true;

  /** As Adam's; weightDecay defaults to 1e-2. */
  constructor(params: ParamsInput | readonly AdamParamGroup[], defaults: AdamWOptions = {}) {
    super("AdamW", params, defaults, ADAMW_SPEC);
  }
}
