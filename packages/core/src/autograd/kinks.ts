/**
 * Kinks: the points where an op has no derivative, and the one-sided value we use there.
 * This file is the one answer to "what is relu'(0) here?": the ops ask it (rightShare, TIE_SHARE)
 * and the kernels compute what they are told. docs/kinks.md explains each choice.
 *
 *   relu(x) at 0          "left" → 0 (default, as PyTorch/TensorFlow/JAX), "right" → 1; passed to the
 *                         step kernel as rightShare(side)
 *   leakyRelu(x) at 0     "left" → slope, "right" → 1 (same setting as relu; rightShare as well)
 *   elu(x, α) at 0        "left" → α (the slope α·eˣ of the left side at 0, PyTorch's value),
 *                         "right" → 1; the same setting as relu (rightShare as well)
 *   hardtanh(x, min, max) at x = min and x = max, and relu6 (= hardtanh(x, 0, 6)) at 0 and 6:
 *                         its own per-call rule, `atBounds` (boundsPass says which bound passes):
 *                         "open" (default) → 0 at both bounds: the gradient passes on min < x < max
 *                         only, PyTorch's hardtanh_backward (and relu6's, which is hardtanh's);
 *                         "left" → the left derivative at each bound: 0 at min, 1 at max;
 *                         "right" → the right derivative: 1 at min, 0 at max.
 *                         Not the ReLU setting: these kinks come in pairs, mostly away from 0, and
 *                         PyTorch's rule for them is not its ReLU rule (see docs/kinks.md)
 *   abs(x) at 0           0: the midpoint of −1 and 1 (what central differences see), as PyTorch:
 *                         abs's rule is g·sign(x), and sign(0) = 0
 *   clamp at a bound      1: the bounds count as inside, as PyTorch (clamp asks for lo ≤ x ≤ hi)
 *                         (hardtanh is the same function with the opposite rule, also as PyTorch)
 *   maximum/minimum ties  each side gets TIE_SHARE = ½ of the gradient, as PyTorch
 *   max/min reduce ties   the gradient is split evenly among the tied elements, as PyTorch's amax
 *   sqrt, log at 0        the formula's own value: +∞ (the true one-sided slope); no silent clipping
 *   pow(x, p) at x = 0    the formula p·x^(p−1): 0 for p > 1, p for p = 1, +∞ for 0 < p < 1
 *                         (and exactly 0 wherever p = 0: x⁰ is constant; the discarded branch is
 *                         computed with p = 1, so the second derivative is 0 there, not NaN)
 *   erf, gelu, silu       smooth everywhere: no kink, nothing to choose
 */
import { quote } from "../quote.js";

export type KinkSide = "left" | "right";

let reluAtZero: KinkSide = "left";

function checkSide(op: string, side: unknown): KinkSide {
  if (side !== "left" && side !== "right") {
    throw new Error(`${op}: atZero must be "left" (derivative 0 at x = 0) or "right" (derivative 1), got ${quote(side)}`);
  }
  return side;
}

/** Choose globally which one-sided derivative ReLU-type ops use at exactly 0. */
export function setReluAtZero(side: KinkSide): void {
  reluAtZero = checkSide("setReluAtZero", side);
}

/**
 * The derivative at a kink, as the share p of the right-hand slope: p·right + (1 − p)·left.
 * "left" is p = 0, "right" is p = 1. The step kernels take p and compute exactly this at ±0.
 */
export function rightShare(side: KinkSide): number {
  return side === "right" ? 1 : 0;
}

/** maximum/minimum at a tie: each side receives this share of the gradient (½, as PyTorch). */
export const TIE_SHARE = 0.5;

export function getReluAtZero(): KinkSide {
  return reluAtZero;
}

/** The side for one call: the per-call option when given, else the global setting. */
export function resolveAtZero(op: string, atZero: unknown): KinkSide {
  return atZero === undefined ? reluAtZero : checkSide(op, atZero);
}

/**
 * The derivative of a hardtanh-type op (a clamp to [min, max] with slope 1 inside) exactly at its
 * bounds: "open" (0 at both: the gradient passes on min < x < max only), "left" or "right" (the
 * one-sided derivative at each bound). The default is "open", as PyTorch.
 */
export type BoundsSide = "open" | "left" | "right";

/** The rule for one call: the per-call option when given, else "open" (there is no global setting). */
export function resolveAtBounds(op: string, atBounds: unknown): BoundsSide {
  if (atBounds === undefined) return "open";
  if (atBounds !== "open" && atBounds !== "left" && atBounds !== "right") {
    throw new Error(
      `${op}: atBounds must be "open" (derivative 0 at both bounds), "left" (the left derivative: 0 at min, 1 at max) ` +
        `or "right" (the right derivative: 1 at min, 0 at max), got ${quote(atBounds)}`,
    );
  }
  return atBounds;
}

/**
 * Whether x = min and x = max pass the gradient (slope 1) under each rule. Left of min and right
 * of max the slope is 0, between them 1: the left derivative at min is 0 and at max 1, the right
 * derivative at min is 1 and at max 0.
 */
export function boundsPass(side: BoundsSide): { atMin: boolean; atMax: boolean } {
  return { atMin: side === "right", atMax: side === "left" };
}
