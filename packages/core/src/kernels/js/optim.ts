/**
 * The optimizers' update equations as single loops over typed arrays (the reference; @backprop/nn's
 * SGD, Adam and AdamW call them through `kernels()`).
 *
 * Measured (Node 20, 1.07M-parameter MLP 784-1024-256-10, batch 64): forward + backward took
 * ~250 ms, and an Adam step written with core ops ~165 ms (about 14 elementwise ops per parameter,
 * each allocating a fresh array at ~9 ms per million elements) — 40% of a training step. The same
 * update as one loop per parameter below takes ~30 ms; plain SGD goes from ~55 ms to ~6 ms, and
 * momentum SGD from ~95 ms to under 20 ms.
 *
 * Each loop is the update written out element by element, exactly as PyTorch groups it. Values
 * are computed in float64 and stored in each array's own dtype: a float32 parameter or buffer is
 * rounded once per stored value (PyTorch's single-tensor path rounds after every operation, so
 * float32 results can differ from it in the last bit). Buffers are re-read after being stored, so
 * the rest of a step uses the rounded state, as PyTorch does.
 *
 * These functions only write arrays; the callers bump the version counters.
 */
import type { FloatArray } from "../../dtype.js";
import { powInt } from "../../pow-int.js";
import type { AdamHyper, SGDHyper } from "../backend.js";

/**
 * One torch.optim.SGD step of `p` in place. `buf` is the momentum buffer (null without momentum);
 * on the first step (`first`) it is set to the gradient itself.
 */
export function sgdStep(p: FloatArray, grad: FloatArray, buf: FloatArray | null, first: boolean, h: SGDHyper): void {
  const { lr, momentum, dampening, nesterov, weightDecay, maximize } = h;
  const damp = 1 - dampening;
  if (buf === null && weightDecay === 0 && !maximize) {
    // Plain SGD, the most common case: the same arithmetic as below without the per-element
    // branches (measured about 2× faster on a 100k-parameter layer).
    for (let i = 0; i < p.length; i++) p[i] = p[i] - lr * grad[i];
    return;
  }
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (weightDecay !== 0) g += weightDecay * p[i];
    if (buf !== null) {
      buf[i] = first ? g : momentum * buf[i] + damp * g;
      g = nesterov ? g + momentum * buf[i] : buf[i];
    }
    p[i] = p[i] - lr * g;
  }
}

/** The per-step constants of an Adam update (shared with the wasm backend's loop). */
export function adamConstants(h: AdamHyper): { stepSize: number; bc2Sqrt: number; decay: number; l2: number } {
  return {
    stepSize: h.lr / (1 - powInt(h.beta1, h.step)), // lr / bias_correction1 (powInt: the same bits on every engine)
    bc2Sqrt: Math.sqrt(1 - powInt(h.beta2, h.step)), // √bias_correction2
    decay: h.decoupled ? 1 - h.lr * h.weightDecay : 1, // AdamW's decoupled decay factor
    l2: h.decoupled ? 0 : h.weightDecay, // Adam's L2 coefficient
  };
}

/**
 * One torch.optim.Adam / AdamW step of `p` in place, updating the moments `m`, `v` (and `vMax`
 * with amsgrad, else null).
 */
export function adamStep(p: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray | null, h: AdamHyper): void {
  const { beta1, beta2, eps, maximize } = h;
  const { stepSize, bc2Sqrt, decay, l2 } = adamConstants(h);
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    const x = p[i] * decay; // AdamW's decoupled decay (× 1 for Adam)
    g += l2 * x; // Adam's L2 term (+ 0 for AdamW)
    m[i] = m[i] + (1 - beta1) * (g - m[i]); // torch's lerp: β1·m + (1 − β1)·g
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    let vi = v[i];
    if (vMax !== null) {
      const mx = vMax[i];
      vMax[i] = mx > vi || mx !== mx ? mx : vi; // torch.maximum: a NaN on either side wins
      vi = vMax[i];
    }
    p[i] = x - stepSize * (m[i] / (Math.sqrt(vi) / bc2Sqrt + eps));
  }
}
