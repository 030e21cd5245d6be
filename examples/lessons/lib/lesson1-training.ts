/**
 * Lesson 1, part 2: one weight trained from a confidently wrong start under each loss, and how long
 * MSE would need in exact arithmetic.
 */
import { noGrad, sigmoid, tensor } from "@backprop/core";
import { Linear, SGD, init } from "@backprop/nn";
import { START_LOGIT } from "../notes/1-saturation.js";
import { lossOf, sigma64, type LossName } from "./lesson1-gradients.js";

export interface Start {
  label: string;
  t: 0 | 1;
  z0: number;
}

/** A positive example with z = −20, and its mirror image: a negative example with z = +20. */
export const STARTS: readonly Start[] = [
  { label: `A: t = 1, z₀ = −${START_LOGIT}`, t: 1, z0: -START_LOGIT },
  { label: `B: t = 0, z₀ = +${START_LOGIT}`, t: 0, z0: START_LOGIT },
];

export interface Run {
  loss: LossName;
  start: Start;
  /** dJ/dz at the start (autograd). */
  firstGrad: number;
  /** z before the first step and after each step (steps + 1 values). */
  z: number[];
  /** The probability the model gives the right class, for each z. */
  pCorrect: number[];
  /** The loss at each step's forward pass (at z[0] … z[steps − 1]), as the framework computed it. */
  lossCurve: number[];
  /** The first step after which the prediction is right (σ(z) on t's side of 0.5), or null. */
  stepsToCorrect: number | null;
}

/**
 * z = w·x with one weight, x = 1, w₀ = z₀, trained with plain SGD (lr) for `steps` steps: the
 * logit is the weight, so the curve of z is the curve of the parameter.
 */
export function train(loss: LossName, start: Start, steps: number, lr: number): Run {
  const model = new Linear(1, 1, { bias: false });
  init.constant(model.weight, start.z0);
  const x = tensor([[1]]);
  const t = tensor([start.t]);
  const opt = new SGD(model.parameters(), { lr });
  const z: number[] = [model.weight.data[0]];
  let firstGrad = NaN;
  const lossCurve: number[] = [];
  let stepsToCorrect: number | null = null;
  for (let step = 1; step <= steps; step++) {
    opt.zeroGrad();
    const logit = model.forward(x).reshape([1]);
    logit.retainGrad();
    const value = lossOf(loss, logit, t).sum();
    value.backward();
    lossCurve.push(value.item());
    if (step === 1) firstGrad = logit.grad!.data[0];
    opt.step();
    const zNow = model.weight.data[0];
    z.push(zNow);
    if (stepsToCorrect === null && (start.t === 1 ? zNow > 0 : zNow < 0)) stepsToCorrect = step;
  }
  const right = noGrad(() => sigmoid(tensor(Float32Array.from(z, (v) => (start.t === 1 ? v : -v))))).data;
  return { loss, start, firstGrad, z, pCorrect: Array.from(right), lossCurve, stepsToCorrect };
}

/**
 * The SGD steps MSE needs, in exact arithmetic, to take z from −z₀ (t = 1) to 0: when each step is
 * tiny, z follows dz/ds = −lr·dJ/dz, so the count is (1/lr)·∫ dz / |dJ/dz| with
 * |dJ/dz| = 2(1 − σ(z))²·σ(z). Simpson's rule in float64 (the integrand is ≈ e^(−z)/2, smooth).
 */
export function mseStepsToZero(z0: number, lr: number): number {
  const f = (z: number): number => {
    const s = sigma64(z);
    return 1 / (2 * (1 - s) * (1 - s) * s);
  };
  const n = 20_000; // even
  const h = (0 - z0) / n;
  let sum = f(z0) + f(0);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(z0 + i * h);
  return (sum * h) / 3 / lr;
}
