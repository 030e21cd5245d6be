/**
 * Activations. ReLU-type kinks at exactly 0 use the side chosen by `setReluAtZero` or the per-call
 * `atZero` option: "left" gives relu'(0) = 0, "right" gives 1 (see autograd/kinks.ts).
 */
import { record } from "../autograd/node.js";
import { resolveAtZero, rightShare, type KinkSide } from "../autograd/kinks.js";
import { checkNumber, checkOptions } from "../options.js";
import type { Tensor } from "../tensor.js";
import { mul, sub } from "./arithmetic.js";
import { unaryForward } from "./unary.js";
import { gt, where } from "./compare.js";

export interface KinkOptions {
  atZero?: KinkSide;
}

/** The 0/1 derivative of ReLU at each element, with the chosen side at exactly 0. */
function reluSlope(x: Tensor, side: KinkSide): Tensor {
  return unaryForward("relu", "step", x, rightShare(side));
}

export function relu(x: Tensor, opts?: KinkOptions): Tensor {
  const o = checkOptions("relu", opts, ["atZero"]);
  const side = resolveAtZero("relu", o.atZero);
  return record(unaryForward("relu", "relu", x), {
    op: "relu", rule: side === "left" ? "dx = g·[x > 0]" : "dx = g·[x ≥ 0]", inputs: [x], saved: [x],
    backward: (g) => [mul(g, reluSlope(x, side))],
  });
}

/** x for x > 0, slope·x otherwise; at exactly 0 the derivative is slope ("left") or 1 ("right"). */
export function leakyRelu(x: Tensor, slope = 0.01, opts?: KinkOptions): Tensor {
  checkNumber("leakyRelu", "slope", slope);
  const o = checkOptions("leakyRelu", opts, ["atZero"]);
  const side = resolveAtZero("leakyRelu", o.atZero);
  return record(unaryForward("leakyRelu", "leakyRelu", x, slope), {
    op: "leakyRelu", rule: `dx = g·(x ${side === "left" ? ">" : "≥"} 0 ? 1 : ${slope})`, inputs: [x], saved: [x], attrs: { slope },
    backward: (g) => [mul(g, unaryForward("leakyRelu", "leakyStep", x, rightShare(side), slope))],
  });
}

/** σ(x) = 1/(1+e^(−x)), computed without overflow for any x. */
export function sigmoid(x: Tensor): Tensor {
  const out = unaryForward("sigmoid", "sigmoid", x);
  return record(out, {
    op: "sigmoid", rule: "dx = g·σ(x)·(1 − σ(x))", inputs: [x], saved: [out],
    backward: (g) => [mul(g, mul(out, sub(1, out)))],
  });
}

export function tanh(x: Tensor): Tensor {
  const out = unaryForward("tanh", "tanh", x);
  return record(out, {
    op: "tanh", rule: "dx = g·(1 − tanh²(x))", inputs: [x], saved: [out],
    backward: (g) => [mul(g, sub(1, mul(out, out)))],
  });
}

export interface SoftplusOptions {
  beta?: number;
  threshold?: number;
}

/**
 * (1/β)·log(1 + e^(βx)), a smooth ReLU; linear (= x) where βx > threshold, as PyTorch.
 * Its derivative is σ(βx), so it never saturates for x > 0.
 */
export function softplus(x: Tensor, opts?: SoftplusOptions): Tensor {
  const o = checkOptions("softplus", opts, ["beta", "threshold"]);
  const beta = checkNumber("softplus", "beta", o.beta ?? 1);
  const threshold = checkNumber("softplus", "threshold", o.threshold ?? 20);
  if (beta <= 0) throw new Error(`softplus: beta must be positive, got ${beta}`);
  return record(unaryForward("softplus", "softplus", x, beta, threshold), {
    op: "softplus", rule: `dx = g·σ(${beta}·x), or g where ${beta}·x > ${threshold}`, inputs: [x], saved: [x], attrs: { beta, threshold },
    backward: (g) => {
      const bx = mul(x, beta);
      return [mul(g, where(gt(bx, threshold), 1, sigmoid(bx)))];
    },
  });
}
