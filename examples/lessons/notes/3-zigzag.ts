/**
 * Lesson 3's claim and numbers, shared by the lesson script (../3-zigzag.ts) and the playground.
 * Browser-safe: imports nothing.
 */
import type { PlaygroundPreset } from "./preset.js";

export const CLAIM =
  "For one example ∂J/∂wᵢ = (∂J/∂z)·xᵢ, so when every input is positive every step moves both weights the same way: " +
  "reaching an optimum that needs one weight up and the other down takes a zig-zag path whose swings cap the usable " +
  "learning rate, so it needs many more steps than zero-centred inputs, which tolerate far larger steps; a batch sums " +
  "examples whose ∂J/∂z differ in sign, which weakens the rule.";

export const W_START = [-1.5, 1] as const;
export const W_STAR = [1.5, -1] as const;

/** Examples per gradient in the lesson's batch count (400: the full batch of the tutorial's Diagnostics example). */
export const BATCHES = [1, 8, 64, 400] as const;

/** Steps to reach w* at each run's own best learning rate, as the lesson measures them. */
export const BEST = { positive: { lr: 1, steps: 50 }, centred: { lr: 5.66, steps: 7 } } as const;

export const PRESET: PlaygroundPreset = {
  lesson: 3,
  title: "Zig-zag: all-positive inputs",
  claim: CLAIM,
  // Two blobs far out in the positive quadrant, at (4, 6) and (6, 4): the boundary needs w₁ up and
  // w₂ down. One linear unit (no hidden layer), one example per step, as in the lesson.
  settings: { dataset: "blobs", noise: 0.5, depth: 0, batchSize: 1, centre: false, lr: 1, momentum: 0, init: "xavier" },
  compare: { label: "centred inputs", changes: { centre: true } },
  watch:
    "One linear unit z = w₁x₁ + w₂x₂ + b, one example per step, on two blobs whose every coordinate is positive. " +
    "For one example ∂J/∂wᵢ = (∂J/∂z)·xᵢ: with positive inputs both components share the sign of ∂J/∂z, so " +
    "“one-sign weight-gradient rows” reads 100% and every update goes ↗ or ↙, never ↘ where the answer lies: the " +
    "path zig-zags, and at this learning rate the swings throw run A's loss up and down. Run B sees the same points " +
    "minus their mean and settles (“loss B”). What the zig-zag costs is the learning rate: in the lesson the positive " +
    `run diverges above lr 1.41 while the centred one keeps speeding up; each at its own best rate, ${BEST.positive.steps} ` +
    `steps (lr ${BEST.positive.lr}) against ${BEST.centred.steps} (lr ${BEST.centred.lr}).`,
};
