/**
 * The activation zoo: the activations modern networks use beside ReLU, sigmoid and tanh, with
 * PyTorch's definitions. Two kinds:
 *
 *  - smooth ones, no kink anywhere: gelu (x·Φ(x), or its tanh approximation) and silu (x·σ(x));
 *    elu is smooth too except at 0 when α ≠ 1;
 *  - clamps with slope 1 inside: hardtanh(x, min, max) and relu6 (= hardtanh(x, 0, 6)), whose
 *    gradient at the two bounds is chosen by `atBounds` (default "open": 0 at both, as PyTorch).
 *
 * Every backward rule below is written with tensor ops, so second derivatives work. Where a rule
 * picks between two formulas, the one it discards is computed on a sanitized input (x clamped), so
 * that it never becomes infinite: its gradient is multiplied by 0, and 0·∞ would be NaN
 * (docs/architecture.md, "Safe to differentiate again"). Kink rules: autograd/kinks.ts.
 */
import { record } from "../autograd/node.js";
import { boundsPass, resolveAtBounds, resolveAtZero, rightShare, type BoundsSide } from "../autograd/kinks.js";
import { checkNumber, checkOptions } from "../options.js";
import { quote } from "../quote.js";
import type { Tensor } from "../tensor.js";
import { sigmoid, tanh, type KinkOptions } from "./activations.js";
import { add, mul, sub } from "./arithmetic.js";
import { ge, gt, le, lt } from "./compare.js";
import { checkTensor } from "./helpers.js";
import { clamp, erf, exp, square, unaryForward } from "./unary.js";

/**
 * ELU: x for x > 0, α·(eˣ − 1) otherwise (default α = 1). Its slope is 1 on the right and α·eˣ on
 * the left, so negative inputs still learn, and outputs saturate smoothly at −α. At exactly 0 the
 * two slopes are α and 1: the ReLU setting picks one (`setReluAtZero`, or `{ atZero }` per call),
 * "left" (the default) giving α, as PyTorch.
 */
export function elu(x: Tensor, alpha = 1, opts?: KinkOptions): Tensor {
  checkTensor("elu", x);
  checkNumber("elu", "alpha", alpha);
  const o = checkOptions("elu", opts, ["atZero"]);
  const side = resolveAtZero("elu", o.atZero);
  return record(unaryForward("elu", "elu", x, alpha), {
    op: "elu", rule: `dx = g·(x ${side === "left" ? ">" : "≥"} 0 ? 1 : ${alpha}·eˣ)`, inputs: [x], saved: [x], attrs: { alpha },
    backward: (g) => {
      // s: 1 where x > 0, 0 where x < 0, and at 0 the share of the right-hand slope that kinks.ts
      // chose (0 or 1); the slope is s·1 + (1 − s)·α·eˣ. eˣ is taken at min(x, 0), so the branch
      // that s discards never overflows (at 0 itself clamp passes its gradient: the bound is inside).
      const s = unaryForward("elu", "step", x, rightShare(side));
      const leftSlope = mul(exp(clamp(x, null, 0)), alpha);
      return [mul(g, add(s, mul(sub(1, s), leftSlope)))];
    },
  });
}

export interface GeluOptions {
  /** "none" (default): the exact x·Φ(x); "tanh": PyTorch's tanh approximation. */
  approximate?: "none" | "tanh";
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
/** The constants of GELU's tanh form, as PyTorch writes them: √(2/π) and 0.044715. */
const K = Math.sqrt(2 / Math.PI), C = 0.044715;

/**
 * GELU, x·Φ(x) with Φ the standard normal CDF: a smooth ReLU that lets a little of the negative side
 * through (its minimum is −0.17 at x ≈ −0.75). `{ approximate: "tanh" }` uses
 * ½x·(1 + tanh(√(2/π)·(x + 0.044715x³))), as PyTorch (the two differ by less than 5·10⁻⁴).
 */
export function gelu(x: Tensor, opts?: GeluOptions): Tensor {
  checkTensor("gelu", x);
  const o = checkOptions("gelu", opts, ["approximate"]);
  const approximate = o.approximate === undefined ? "none" : o.approximate;
  if (approximate !== "none" && approximate !== "tanh") {
    throw new Error(`gelu: approximate must be "none" (the exact x·Φ(x)) or "tanh" (PyTorch's tanh approximation), got ${quote(approximate)}`);
  }
  if (approximate === "tanh") {
    return record(unaryForward("gelu", "geluTanh", x), {
      op: "gelu", rule: "dx = g·(½(1 + t) + ½x·(1 − t²)·k·(1 + 3c·x²)) with t = tanh(k·(x + c·x³)), k = √(2/π), c = 0.044715",
      inputs: [x], saved: [x], attrs: { approximate },
      backward: (g) => {
        // t is ±1 to the last bit once |x| > 7.3, so clamping x to ±10 changes no value; it keeps
        // x² and x³ finite for huge x, where (1 − t²)·x² would be 0·∞ = NaN.
        const xc = clamp(x, -10, 10);
        const x2 = square(xc);
        const t = tanh(mul(add(xc, mul(mul(x2, xc), C)), K));
        const outer = mul(add(t, 1), 0.5); // ½(1 + t)
        const inner = mul(mul(mul(xc, 0.5), sub(1, square(t))), mul(add(mul(x2, 3 * C), 1), K)); // ½x·(1 − t²)·k(1 + 3c·x²)
        return [mul(g, add(outer, inner))];
      },
    });
  }
  return record(unaryForward("gelu", "gelu", x), {
    op: "gelu", rule: "dx = g·(Φ(x) + x·φ(x))", inputs: [x], saved: [x], attrs: { approximate },
    backward: (g) => {
      const cdf = mul(add(erf(mul(x, SQRT1_2)), 1), 0.5); // Φ(x) = ½(1 + erf(x/√2))
      const pdf = mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI); // φ(x) = e^(−x²/2)/√(2π)
      return [mul(g, add(cdf, mul(x, pdf)))];
    },
  });
}

/**
 * SiLU (also called swish): x·σ(x). Smooth, unbounded above, with a small negative dip (its minimum
 * is −0.28 at x ≈ −1.28); its slope σ(x)·(1 + x·(1 − σ(x))) is never flat except far to the left.
 */
export function silu(x: Tensor): Tensor {
  return record(unaryForward("silu", "silu", x), {
    op: "silu", rule: "dx = g·σ(x)·(1 + x·(1 − σ(x)))", inputs: [x], saved: [x],
    backward: (g) => {
      const s = sigmoid(x);
      return [mul(g, mul(s, add(mul(x, sub(1, s)), 1)))];
    },
  });
}

export interface BoundsOptions {
  /**
   * The derivative exactly at min and max: "open" (default, as PyTorch) 0 at both; "left" the left
   * derivative (0 at min, 1 at max); "right" the right derivative (1 at min, 0 at max).
   */
  atBounds?: BoundsSide;
}

/**
 * hardtanh: x clamped to [min, max] (default [−1, 1]), slope 1 inside and 0 outside. The same values
 * as `clamp`, with PyTorch's hardtanh gradient at the bounds: 0 by default (see BoundsOptions).
 */
export function hardtanh(x: Tensor, min = -1, max = 1, opts?: BoundsOptions): Tensor {
  return clampLinear("hardtanh", x, min, max, opts);
}

/** ReLU6: min(max(x, 0), 6), which is hardtanh(x, 0, 6), gradient at 0 and 6 included (`atBounds`). */
export function relu6(x: Tensor, opts?: BoundsOptions): Tensor {
  return clampLinear("relu6", x, 0, 6, opts);
}

/** hardtanh and relu6: the clamp kernel forward; backward 1 on the open interval, the bounds by `atBounds`. */
function clampLinear(op: string, x: Tensor, min: number, max: number, opts: BoundsOptions | undefined): Tensor {
  checkTensor(op, x);
  checkNumber(op, "min", min, { finite: false });
  checkNumber(op, "max", max, { finite: false });
  // PyTorch's F.hardtanh allows min = max (a constant, gradient 0 everywhere) and refuses min > max.
  if (min > max) throw new Error(`${op}: min (${min}) must not exceed max (${max})`);
  const o = checkOptions(op, opts, ["atBounds"]);
  const { atMin, atMax } = boundsPass(resolveAtBounds(op, o.atBounds));
  return record(unaryForward(op, "clamp", x, min, max), {
    op, rule: `dx = g·[${min} ${atMin ? "≤" : "<"} x ${atMax ? "≤" : "<"} ${max}]`, inputs: [x], saved: [x], attrs: { min, max },
    backward: (g) => [mul(g, mul(atMin ? ge(x, min) : gt(x, min), atMax ? le(x, max) : lt(x, max)))],
  });
}
