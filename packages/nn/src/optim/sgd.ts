/**
 * Stochastic gradient descent with momentum, with torch.optim.SGD's update, step by step, for each
 * parameter with the options of its group:
 *
 *   g = ∇p                         (−∇p with maximize)
 *   g = g + weightDecay·p          (if weightDecay ≠ 0)
 *   if momentum ≠ 0:
 *     buf = g                      (first step: a copy of g — the buffer does NOT start at zero)
 *     buf = momentum·buf + (1 − dampening)·g      (later steps)
 *     g = nesterov ? g + momentum·buf : buf
 *   p = p − lr·g
 *
 * Parameter groups, state dicts: see optimizer.ts. The state dict holds `momentum_buffer` for each
 * parameter that has one (PyTorch's name).
 */
import { incrementVersion, kernels, type Tensor } from "@backprop/core";
import {
  checkBoolean, checkFinite, checkNonNegative, Optimizer, type OptimizerSpec, type ParamGroup, type ParamGroupInput, type ParamsInput,
} from "./optimizer.js";

export interface SGDOptions {
  /** The learning rate (required, ≥ 0: in the defaults or in every group). */
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

/** A parameter group of SGD as given: `{ params, lr?, momentum?, … }`. */
export type SGDParamGroup = ParamGroupInput<SGDOptions>;

const SPEC: OptimizerSpec = {
  options: [
    { key: "lr", torch: "lr", check: checkNonNegative },
    { key: "momentum", torch: "momentum", check: checkNonNegative, fallback: 0 },
    { key: "dampening", torch: "dampening", check: checkFinite, fallback: 0 },
    { key: "weightDecay", torch: "weight_decay", check: checkNonNegative, fallback: 0 },
    { key: "nesterov", torch: "nesterov", check: checkBoolean, fallback: false },
    { key: "maximize", torch: "maximize", check: checkBoolean, fallback: false },
  ],
  state: [{ key: "momentumBuffer", torch: "momentum_buffer", kind: "tensor", required: () => true }],
  checkGroup(where, v) {
    if (v.nesterov === true && (!((v.momentum as number) > 0) || v.dampening !== 0)) {
      throw new Error(`${where}: nesterov momentum requires momentum > 0 and dampening = 0 (got momentum ${v.momentum}, dampening ${v.dampening})`);
    }
  },
  requiredHint: "new SGD(model.parameters(), { lr: 0.01 })",
};

export class SGD extends Optimizer<SGDState, SGDOptions> {
  /**
   * `params`: the parameters (an array of tensors or a Module), or an array of groups
   * `{ params, ...options }` whose options override `defaults` for that group.
   */
  constructor(params: ParamsInput, defaults: SGDOptions);
  constructor(groups: readonly SGDParamGroup[], defaults?: Partial<SGDOptions>);
  constructor(params: ParamsInput | readonly SGDParamGroup[], defaults?: Partial<SGDOptions>) {
    super("SGD", params, defaults, SPEC);
  }

  protected update(p: Tensor, grad: Tensor, group: ParamGroup<SGDOptions>): void {
    let buf: Tensor | null = null;
    let first = false;
    if (group.momentum !== 0) {
      const state = this._state.get(p);
      first = state === undefined;
      buf = state?.momentumBuffer ?? this.zerosLike(p); // filled with the gradient on the first step
      if (first) this._state.set(p, { momentumBuffer: buf });
    }
    kernels().sgdUpdate(p.data, grad.data, buf?.data ?? null, first, group);
    if (buf) incrementVersion(buf);
  }
}
