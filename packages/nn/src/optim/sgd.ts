/**
 * Stochastic gradient descent with momentum, with torch.optim.SGD's update, step by step:
 *
 *   g = ∇p                         (−∇p with maximize)
 *   g = g + weightDecay·p          (if weightDecay ≠ 0)
 *   if momentum ≠ 0:
 *     buf = g                      (first step: a copy of g — the buffer does NOT start at zero)
 *     buf = momentum·buf + (1 − dampening)·g      (later steps)
 *     g = nesterov ? g + momentum·buf : buf
 *   p = p − lr·g
 */
import { incrementVersion, kernels, type Tensor } from "@backprop/core";
import { checkBoolean, checkFinite, checkNonNegative, checkOptionKeys, Optimizer, type ParamsInput } from "./optimizer.js";

export interface SGDOptions {
  /** The learning rate (required, ≥ 0). Also a public field, changeable between steps. */
  lr: number;
  /** Momentum factor (≥ 0); default 0 (plain SGD). */
  momentum?: number;
  /** Dampening of the gradient in the momentum buffer; default 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening = 0); default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient (≥ 0); default 0. */
  weightDecay?: number;
  /** Ascend the objective instead of descending it; default false. */
  maximize?: boolean;
}

export interface SGDState {
  momentumBuffer: Tensor;
}

const KEYS = ["lr", "momentum", "dampening", "nesterov", "weightDecay", "maximize"] as const;

export class SGD extends Optimizer<SGDState> {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly maximize: boolean;

  constructor(params: ParamsInput, opts: SGDOptions) {
    // Every option is checked before anything is built.
    const o = checkOptionKeys("SGD", opts, KEYS);
    if (o.lr === undefined) throw new Error("SGD: lr is required, e.g. new SGD(model.parameters(), { lr: 0.01 })");
    checkNonNegative("SGD", "lr", o.lr);
    const momentum = checkNonNegative("SGD", "momentum", o.momentum ?? 0);
    const dampening = checkFinite("SGD", "dampening", o.dampening ?? 0);
    const weightDecay = checkNonNegative("SGD", "weightDecay", o.weightDecay ?? 0);
    const nesterov = checkBoolean("SGD", "nesterov", o.nesterov ?? false);
    const maximize = checkBoolean("SGD", "maximize", o.maximize ?? false);
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new Error(`SGD: nesterov momentum requires momentum > 0 and dampening = 0 (got momentum ${momentum}, dampening ${dampening})`);
    }
    super("SGD", params, o.lr);
    this.momentum = momentum;
    this.dampening = dampening;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
    this.maximize = maximize;
  }

  protected update(p: Tensor, grad: Tensor): void {
    let buf: Tensor | null = null;
    let first = false;
    if (this.momentum !== 0) {
      const state = this._state.get(p);
      first = state === undefined;
      buf = state?.momentumBuffer ?? this.zerosLike(p); // filled with the gradient on the first step
      if (first) this._state.set(p, { momentumBuffer: buf });
    }
    kernels().sgdUpdate(p.data, grad.data, buf?.data ?? null, first, this);
    if (buf) incrementVersion(buf);
  }
}
