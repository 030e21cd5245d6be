/**
 * The correctness gate of the convolution workloads (check.ts does the comparing): what "the same
 * result" means for a LeNet step and for a conv layer's gradients, with tolerances that say why.
 */
import { check } from "./check.js";
import type { ConvGrads, ConvInputs, LenetInputs } from "./conv-workloads.js";

export interface Stepped {
  /** The loss before the step. */
  loss: number;
  /** Every parameter after the step, in our layout. */
  params: Float32Array[];
}

/**
 * One LeNet SGD step from the same start: the same loss, the same parameters after it, and the
 * same update (p₀ − p₁)/lr, which is the gradient each side applied. The parameters alone would
 * hide a gradient that is a little off (lr·g is small next to p); the update shows it. Its
 * tolerance adds the float32 rounding of p₁ (an ulp of the largest |p|, divided by lr).
 */
export function checkLenet(name: string, inp: LenetInputs, lr: number, who: string, got: Stepped, refWho: string, ref: Stepped): void {
  check(`${name} loss`, who, [got.loss], refWho, [ref.loss], 1e-6, 1e-5);
  inp.params.forEach((p0, i) => {
    const what = `${name} ${p0.name}`;
    check(`${what} after one SGD step`, who, got.params[i], refWho, ref.params[i], 1e-6, 1e-4);
    const step = (p1: Float32Array) => p1.map((v, j) => (p0.data[j] - v) / lr);
    const ulp = 2 ** -23 * p0.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    check(`${what} update (p₀ − p₁)/lr`, who, step(got.params[i]), refWho, step(ref.params[i]), 1e-5 + (2 * ulp) / lr, 1e-3);
  });
}

/**
 * Float32 sums in different orders differ by a few ulps per added term: each compared value may
 * differ by 2e-7 per term it sums (the loss sums N·out·H·W products, dL/dx sums out·k·k, dL/dW and
 * dL/db sum N·H·W), plus 1e-4 relative.
 */
const PER_TERM = 2e-7;

export function checkConv(name: string, inp: ConvInputs, who: string, got: ConvGrads, refWho: string, ref: ConvGrads): void {
  const { n, h, w, out, k } = inp;
  check(`${name} loss`, who, [got.loss], refWho, [ref.loss], PER_TERM * n * out * h * w, 1e-4);
  check(`${name} dL/dx`, who, got.dx, refWho, ref.dx, PER_TERM * out * k * k, 1e-4);
  check(`${name} dL/dW`, who, got.dw, refWho, ref.dw, PER_TERM * n * h * w, 1e-4);
  check(`${name} dL/db`, who, got.db, refWho, ref.db, PER_TERM * n * h * w, 1e-4);
}
