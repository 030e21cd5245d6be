/**
 * Lesson 5's tools for the kink of ReLU at 0: which slopes are subgradients there, and a ReLU whose
 * backward uses any chosen slope c at the kink (or on a band around it).
 *
 * The core offers relu′(0) = 0 ("left") or 1 ("right"). Any c in [0, 1] is as valid, so the lesson
 * builds the others from ops, with a construction that leaves the forward value untouched:
 *
 *   y = relu(z) + m ⊙ (c − [z > 0]) ⊙ (z − detach(z))
 *
 * where m is 1 on the band (z = 0 exactly for band 0, |z| < band otherwise) and 0 elsewhere, and m
 * and (c − [z > 0]) carry no gradient. Forward: z − detach(z) is exactly 0, so y = relu(z) bit for
 * bit. Backward: detach(z) passes nothing, so ∂y/∂z = relu′(z) + m·(c − [z > 0]): c on the band,
 * relu′(z) off it, where the extra term adds an exact 0 (so those gradients are bit-identical to
 * plain relu's). relu here is the core's with atZero "left", so [z > 0] is its derivative.
 */
import { abs, eq, gt, lt, noGrad, relu, type Tensor } from "@backprop/core";
import { Module } from "@backprop/nn";

/**
 * relu(z) forward; backward with slope `c` where z = 0 (band 0) or |z| < band. Also counts the
 * pre-activations on the band, and those of them (z ≠ 0) where c differs from relu's true slope.
 */
export function reluWithSlope(z: Tensor, c: number, band = 0): { y: Tensor; inBand: number; wrong: number } {
  const y = relu(z, { atZero: "left" });
  const { coef, inBand, wrong } = noGrad(() => {
    const m = band === 0 ? eq(z, 0) : lt(abs(z), band);
    let inBand = 0;
    let wrong = 0;
    for (let i = 0; i < m.data.length; i++) {
      if (m.data[i] === 0) continue;
      inBand++;
      const v = z.data[i];
      if ((v > 0 && c !== 1) || (v < 0 && c !== 0)) wrong++;
    }
    return { coef: m.mul(gt(z, 0).neg().add(c)), inBand, wrong };
  });
  return { y: y.add(coef.mul(z.sub(z.detach()))), inBand, wrong };
}

/** A ReLU module whose backward takes slope c at the kink (or on a band); counts the pre-activations it treated so. */
export class ReluWithSlope extends Module {
  inBand = 0;
  wrong = 0;
  total = 0;
  constructor(readonly c: number, readonly band = 0) {
    super();
  }
  forward(z: Tensor): Tensor {
    const { y, inBand, wrong } = reluWithSlope(z, this.c, this.band);
    this.inBand += inBand;
    this.wrong += wrong;
    this.total += z.size;
    return y;
  }
}

/**
 * g is a subgradient of relu at 0 when relu(z) ≥ relu(0) + g·z for every z. On a grid of z: the
 * smallest relu(z) − g·z and where it is reached (negative: the line g·z rises above relu there).
 */
export function subgradientGap(g: number, zs: readonly number[]): { min: number; at: number } {
  let min = Infinity;
  let at = 0;
  for (const z of zs) {
    const gap = Math.max(z, 0) - g * z;
    if (gap < min) {
      min = gap;
      at = z;
    }
  }
  return { min, at };
}
