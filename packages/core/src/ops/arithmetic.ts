/**
 * Binary arithmetic with NumPy broadcasting. Each op: forward through one kernel, then its backward
 * rule right below, written with tensor ops (so gradients are themselves differentiable).
 */
import type { BinaryKernel } from "../kernels/index.js";
import { kernels } from "../kernels/index.js";
import { record } from "../autograd/node.js";
import { TIE_SHARE } from "../autograd/kinks.js";
import { broadcastShapes, sameShape, sizeOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { cast, gradFor } from "./broadcast.js";
import { operands, output, resultDType, type Operand } from "./helpers.js";
import { eq, gt, lt, where } from "./compare.js";
import { log, neg } from "./unary.js";

/** Run a broadcasting binary kernel; the result is not recorded (the caller records it). */
export function binaryForward(op: string, kernel: BinaryKernel, a: Tensor, b: Tensor): Tensor {
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(op, a.shape, b.shape);
  return output(resultDType(a, b), shape, sizeOf(shape), (d) => kernels().binary(kernel, a.data, a.shape, b.data, b.shape, d, shape));
}

export function add(a: Operand, b: Operand): Tensor {
  const [x, y] = operands("add", a, b);
  return record(binaryForward("add", "add", x, y), {
    op: "add", rule: "da = g, db = g", inputs: [x, y],
    backward: (g, [nx, ny]) => [nx ? gradFor(g, x) : null, ny ? gradFor(g, y) : null],
  });
}

export function sub(a: Operand, b: Operand): Tensor {
  const [x, y] = operands("sub", a, b);
  return record(binaryForward("sub", "sub", x, y), {
    op: "sub", rule: "da = g, db = −g", inputs: [x, y],
    backward: (g, [nx, ny]) => [nx ? gradFor(g, x) : null, ny ? gradFor(neg(g), y) : null],
  });
}

export function mul(a: Operand, b: Operand): Tensor {
  const [x, y] = operands("mul", a, b);
  return record(binaryForward("mul", "mul", x, y), {
    op: "mul", rule: "da = g·b, db = g·a", inputs: [x, y], saved: [x, y],
    backward: (g, [nx, ny]) => [nx ? gradFor(mul(g, y), x) : null, ny ? gradFor(mul(g, x), y) : null],
  });
}

export function div(a: Operand, b: Operand): Tensor {
  const [x, y] = operands("div", a, b);
  return record(binaryForward("div", "div", x, y), {
    op: "div", rule: "da = g/b, db = −g·a/b²", inputs: [x, y], saved: [x, y],
    backward: (g, [nx, ny]) => [
      nx ? gradFor(div(g, y), x) : null,
      // −g·(a/b)/b rather than −g·a/b², as PyTorch: b² neither overflows early nor meets a
      // 0·∞ in the second derivative at b = 0 (square's 2b·∞ is NaN; this chain stays ±∞).
      ny ? gradFor(neg(div(mul(g, div(x, y)), y)), y) : null,
    ],
  });
}

/**
 * a^b. d/da = b·a^(b−1) (at a = 0 this is the formula's value: 0 for b > 1, ∞ for 0 < b < 1),
 * and exactly 0 where b = 0 (a^0 is constant; avoids 0·0^(−1) = NaN, as PyTorch).
 * d/db = a^b·log a, taken as 0 where a = 0 (the limit for b > 0, as PyTorch); log a is taken in
 * the result's dtype (a float32 base with a float64 exponent keeps float64 precision, as PyTorch).
 */
export function pow(a: Operand, b: Operand): Tensor {
  const [x, y] = operands("pow", a, b);
  const out = binaryForward("pow", "pow", x, y);
  return record(out, {
    op: "pow", rule: "da = g·b·a^(b−1), db = g·a^b·log a", inputs: [x, y], saved: [x, y, out],
    backward: (g, [nx, ny]) => [
      nx ? gradFor(mul(g, powSlope(x, y)), x) : null,
      ny ? gradFor(mul(g, mul(out, logOrZeroAtZero(cast(x, out.dtype)))), y) : null,
    ],
  });
}

/**
 * b·a^(b−1), exactly 0 where b = 0. The "double where": where b = 0 the discarded branch is
 * computed with b replaced by 1 (a^0, finite), not b = 0 (0^(−1) = ∞). The outer where hands that
 * branch a zero gradient, and 0·∞ would make the second derivative NaN; 0·finite stays 0.
 */
function powSlope(x: Tensor, y: Tensor): Tensor {
  const isZero = eq(y, 0);
  const safe = where(isZero, 1, y);
  return where(isZero, 0, mul(safe, pow(x, sub(safe, 1))));
}

/** log a, with 0 where a = 0 (so that 0^b·log 0 counts as 0, not NaN). */
function logOrZeroAtZero(a: Tensor): Tensor {
  const isZero = eq(a, 0);
  return mul(log(add(a, isZero)), sub(1, isZero));
}

/**
 * Elementwise maximum. At ties the gradient is split evenly (½ each), as PyTorch: that is what
 * central differences measure there, and it keeps the sum of the two gradients equal to g.
 */
export function maximum(a: Operand, b: Operand): Tensor {
  const [x, y] = operands("maximum", a, b);
  return record(binaryForward("maximum", "maximum", x, y), {
    op: "maximum", rule: "da = g·([a > b] + ½[a = b]), db = g·([b > a] + ½[a = b])", inputs: [x, y], saved: [x, y],
    backward: (g, [nx, ny]) => [
      nx ? gradFor(mul(g, winnerMask(x, y, gt)), x) : null,
      ny ? gradFor(mul(g, winnerMask(y, x, gt)), y) : null,
    ],
  });
}

/** Elementwise minimum; ties split the gradient evenly, as maximum. */
export function minimum(a: Operand, b: Operand): Tensor {
  const [x, y] = operands("minimum", a, b);
  return record(binaryForward("minimum", "minimum", x, y), {
    op: "minimum", rule: "da = g·([a < b] + ½[a = b]), db = g·([b < a] + ½[a = b])", inputs: [x, y], saved: [x, y],
    backward: (g, [nx, ny]) => [
      nx ? gradFor(mul(g, winnerMask(x, y, lt)), x) : null,
      ny ? gradFor(mul(g, winnerMask(y, x, lt)), y) : null,
    ],
  });
}

/** 1 where `a` wins the comparison, its share at a tie (½, autograd/kinks.ts), else 0. */
function winnerMask(a: Tensor, b: Tensor, wins: (a: Tensor, b: Tensor) => Tensor): Tensor {
  return add(wins(a, b), mul(eq(a, b), TIE_SHARE));
}
