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
 */
import { incrementVersion, kernels, quote, type Tensor } from "@backprop/core";
import { checkBoolean, checkNonNegative, checkOptionKeys, Optimizer, type ParamsInput } from "./optimizer.js";

export interface AdamOptions {
  /** The learning rate (≥ 0); default 1e-3. Also a public field, changeable between steps. */
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

const KEYS = ["lr", "betas", "eps", "weightDecay", "amsgrad", "maximize"] as const;

interface Checked {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

function checkAdamOptions(name: string, opts: AdamOptions | undefined, defaultWeightDecay: number): Checked {
  const o = checkOptionKeys(name, opts, KEYS);
  const lr = checkNonNegative(name, "lr", o.lr ?? 1e-3);
  const eps = checkNonNegative(name, "eps", o.eps ?? 1e-8);
  const betas = o.betas ?? [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2) throw new Error(`${name}: betas must be a pair [beta1, beta2], got ${quote(betas)}`);
  betas.forEach((b, i) => {
    if (typeof b !== "number" || !(b >= 0 && b < 1)) throw new Error(`${name}: betas[${i}] must be in [0, 1), got ${quote(b)}`);
  });
  const weightDecay = checkNonNegative(name, "weightDecay", o.weightDecay ?? defaultWeightDecay);
  const amsgrad = checkBoolean(name, "amsgrad", o.amsgrad ?? false);
  const maximize = checkBoolean(name, "maximize", o.maximize ?? false);
  return { lr, betas: [betas[0], betas[1]], eps, weightDecay, amsgrad, maximize };
}

/** The shared implementation; Adam and AdamW differ only in how weight decay is applied. */
abstract class AdamBase extends Optimizer<AdamState> {
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  readonly maximize: boolean;
  /** true for AdamW: p·(1 − lr·wd) instead of adding wd·p to the gradient. */
  protected abstract readonly decoupledWeightDecay: boolean;

  protected constructor(name: string, params: ParamsInput, o: Checked) {
    super(name, params, o.lr);
    this.betas = Object.freeze(o.betas);
    this.eps = o.eps;
    this.weightDecay = o.weightDecay;
    this.amsgrad = o.amsgrad;
    this.maximize = o.maximize;
  }

  protected update(p: Tensor, grad: Tensor): void {
    let s = this._state.get(p);
    if (s === undefined) {
      s = { step: 0, expAvg: this.zerosLike(p), expAvgSq: this.zerosLike(p), ...(this.amsgrad ? { maxExpAvgSq: this.zerosLike(p) } : {}) };
      this._state.set(p, s);
    }
    s.step++;
    const [beta1, beta2] = this.betas;
    const { lr, eps, weightDecay, maximize } = this;
    kernels().adamUpdate(p.data, grad.data, s.expAvg.data, s.expAvgSq.data, s.maxExpAvgSq?.data ?? null, {
      lr, beta1, beta2, eps, weightDecay, maximize, decoupled: this.decoupledWeightDecay, step: s.step,
    });
    incrementVersion(s.expAvg, s.expAvgSq, ...(s.maxExpAvgSq ? [s.maxExpAvgSq] : []));
  }
}

export class Adam extends AdamBase {
  protected readonly decoupledWeightDecay = false;

  constructor(params: ParamsInput, opts: AdamOptions = {}) {
    super("Adam", params, checkAdamOptions("Adam", opts, 0));
  }
}

/** Adam with decoupled weight decay (Loshchilov & Hutter): p ← p·(1 − lr·wd) before the Adam step. */
export class AdamW extends AdamBase {
  protected readonly decoupledWeightDecay = true;

  constructor(params: ParamsInput, opts: AdamWOptions = {}) {
    super("AdamW", params, checkAdamOptions("AdamW", opts, 1e-2));
  }
}
