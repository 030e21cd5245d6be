/**
 * Kinks: the points where an op has no derivative, and the one-sided value we use there.
 * This file is the one answer to "what is relu'(0) here?": the ops ask it (rightShare, TIE_SHARE)
 * and the kernels compute what they are told. docs/kinks.md explains each choice.
 *
 *   relu(x) at 0          "left" → 0 (default, as PyTorch/TensorFlow/JAX), "right" → 1; passed to the
 *                         step kernel as rightShare(side)
 *   leakyRelu(x) at 0     "left" → slope, "right" → 1 (same setting as relu; rightShare as well)
 *   abs(x) at 0           0: the midpoint of −1 and 1 (what central differences see), as PyTorch:
 *                         abs's rule is g·sign(x), and sign(0) = 0
 *   clamp at a bound      1: the bounds count as inside, as PyTorch (clamp asks for lo ≤ x ≤ hi)
 *   maximum/minimum ties  each side gets TIE_SHARE = ½ of the gradient, as PyTorch
 *   max/min reduce ties   the gradient is split evenly among the tied elements, as PyTorch's amax
 *   sqrt, log at 0        the formula's own value: +∞ (the true one-sided slope); no silent clipping
 *   pow(x, p) at x = 0    the formula p·x^(p−1): 0 for p > 1, p for p = 1, +∞ for 0 < p < 1
 *                         (and exactly 0 wherever p = 0: x⁰ is constant; the discarded branch is
 *                         computed with p = 1, so the second derivative is 0 there, not NaN)
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
