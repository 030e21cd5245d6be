/**
 * softmax and logSoftmax along one axis, numerically stable for any finite input
 * (computed from logSumExp, which takes the maximum out before exponentiating).
 */
import { withGradMode } from "../autograd/gradMode.js";
import { record } from "../autograd/node.js";
import { normalizeAxis } from "../shape.js";
import { Tensor } from "../tensor.js";
import { mul, sub } from "./arithmetic.js";
import { clone } from "./broadcast.js";
import { checkTensor } from "./helpers.js";
import { logSumExp, sum } from "./reduce.js";
import { exp } from "./unary.js";

/** softmax(x)ᵢ = e^(xᵢ) / Σⱼ e^(xⱼ) along `axis`. */
export function softmax(x: Tensor, axis = -1): Tensor {
  checkTensor("softmax", x);
  const ax = normalizeAxis("softmax", axis, x.ndim);
  // Over an empty axis there is nothing to normalise: the result is empty too, as PyTorch.
  const out = withGradMode(false, () => (x.size === 0 ? clone(x) : exp(sub(x, logSumExp(x, ax, true)))));
  const y = new Tensor(out.data, x.shape);
  return record(y, {
    op: "softmax", rule: "dx = y·(g − Σ g·y)", inputs: [x], saved: [y], attrs: { axis: ax },
    backward: (g) => [mul(y, sub(g, sum(mul(g, y), ax, true)))],
  });
}

/** log softmax(x) = x − logSumExp(x) along `axis`: exact where softmax would underflow to 0. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkTensor("logSoftmax", x);
  const ax = normalizeAxis("logSoftmax", axis, x.ndim);
  const out = withGradMode(false, () => (x.size === 0 ? clone(x) : sub(x, logSumExp(x, ax, true))));
  const y = new Tensor(out.data, x.shape);
  return record(y, {
    op: "logSoftmax", rule: "dx = g − softmax(x)·Σ g", inputs: [x], saved: [y], attrs: { axis: ax },
    backward: (g) => [sub(g, mul(exp(y), sum(g, ax, true)))],
  });
}
