/**
 * Unary elementwise math. Rules at points without a derivative are listed in autograd/kinks.ts.
 */
import type { UnaryKernel } from "../kernels/index.js";
import { kernels } from "../kernels/index.js";
import { record } from "../autograd/node.js";
import { checkNumber } from "../options.js";
import type { Tensor } from "../tensor.js";
import { checkTensor, output } from "./helpers.js";
import { div, mul } from "./arithmetic.js";

/** Run a unary kernel; the result is not recorded (the caller records it). */
export function unaryForward(op: string, kernel: UnaryKernel, x: Tensor, p?: number, q?: number): Tensor {
  checkTensor(op, x);
  return output(x.dtype, x.shape, x.size, (d) => kernels().unary(kernel, x.data, d, p, q));
}

export function neg(x: Tensor): Tensor {
  return record(unaryForward("neg", "neg", x), { op: "neg", rule: "dx = −g", inputs: [x], backward: (g) => [neg(g)] });
}

export function exp(x: Tensor): Tensor {
  const out = unaryForward("exp", "exp", x);
  return record(out, { op: "exp", rule: "dx = g·eˣ", inputs: [x], saved: [out], backward: (g) => [mul(g, out)] });
}

export function log(x: Tensor): Tensor {
  return record(unaryForward("log", "log", x), { op: "log", rule: "dx = g/x", inputs: [x], saved: [x], backward: (g) => [div(g, x)] });
}

/** √x; its derivative 1/(2√x) is +∞ at 0 (kept as is: it is the true one-sided slope). */
export function sqrt(x: Tensor): Tensor {
  const out = unaryForward("sqrt", "sqrt", x);
  return record(out, { op: "sqrt", rule: "dx = g/(2√x)", inputs: [x], saved: [out], backward: (g) => [div(g, mul(out, 2))] });
}

/** |x|; at 0 the gradient is 0, the midpoint of the one-sided slopes −1 and 1 (as PyTorch). */
export function abs(x: Tensor): Tensor {
  return record(unaryForward("abs", "abs", x), { op: "abs", rule: "dx = g·sign(x)", inputs: [x], saved: [x], backward: (g) => [mul(g, sign(x))] });
}

export function square(x: Tensor): Tensor {
  // (g·x)·2, doubling last: the same value as g·(2x) (doubling is exact), but a zero g stays 0 where
  // 2x alone would overflow (float32 past 1.7·10³⁸), instead of 0·∞ = NaN in a second derivative.
  return record(unaryForward("square", "square", x), { op: "square", rule: "dx = 2·g·x", inputs: [x], saved: [x], backward: (g) => [mul(mul(g, x), 2)] });
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The error function erf(x) = (2/√π)·∫₀ˣ e^(−t²) dt, the heart of the normal CDF
 * Φ(x) = ½(1 + erf(x/√2)) (and so of the exact GELU). Smooth everywhere; its slope is a Gaussian bump.
 */
export function erf(x: Tensor): Tensor {
  return record(unaryForward("erf", "erf", x), {
    op: "erf", rule: "dx = g·(2/√π)·e^(−x²)", inputs: [x], saved: [x],
    backward: (g) => [mul(g, mul(exp(neg(square(x))), TWO_OVER_SQRT_PI))],
  });
}

/** sin x (radians); its slope is cos x. */
export function sin(x: Tensor): Tensor {
  return record(unaryForward("sin", "sin", x), { op: "sin", rule: "dx = g·cos(x)", inputs: [x], saved: [x], backward: (g) => [mul(g, cos(x))] });
}

/** cos x (radians); its slope is −sin x. */
export function cos(x: Tensor): Tensor {
  return record(unaryForward("cos", "cos", x), { op: "cos", rule: "dx = −g·sin(x)", inputs: [x], saved: [x], backward: (g) => [mul(g, neg(sin(x)))] });
}

/** −1, 0 or 1 by the sign of x. Piecewise constant, so it carries no gradient. */
export function sign(x: Tensor): Tensor {
  return unaryForward("sign", "sign", x);
}

/**
 * Limit x to [min, max] (either may be omitted). The gradient passes where min ≤ x ≤ max:
 * the bounds themselves count as inside, as PyTorch.
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  checkTensor("clamp", x);
  const lo = min ?? -Infinity, hi = max ?? Infinity;
  checkNumber("clamp", "min", lo, { finite: false });
  checkNumber("clamp", "max", hi, { finite: false });
  if (lo > hi) throw new Error(`clamp: min (${lo}) must not exceed max (${hi})`);
  return record(unaryForward("clamp", "clamp", x, lo, hi), {
    op: "clamp", rule: `dx = g·[${lo} ≤ x ≤ ${hi}]`, inputs: [x], saved: [x], attrs: { min: lo, max: hi },
    backward: (g) => [mul(g, unaryForward("clamp", "inRange", x, lo, hi))],
  });
}
