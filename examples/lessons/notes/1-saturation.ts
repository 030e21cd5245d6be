/**
 * Lesson 1's claim and numbers, shared by the lesson script (../1-saturation.ts) and the playground.
 * Browser-safe: imports nothing.
 */
import type { PlaygroundPreset } from "./preset.js";

export const CLAIM =
  "With a sigmoid output, MSE's gradient vanishes when the unit is confidently wrong, while cross-entropy's " +
  "stays near ±1 — and in float32 only the fused bceWithLogits keeps it for every logit.";

/** The confidently wrong start: a positive example at z₀ = −START_LOGIT (and its mirror image at +START_LOGIT). */
export const START_LOGIT = 20;

/**
 * dL/dz at z = −20, t = 1, as the lesson computes it (autograd, float32); the lesson's tests check
 * these against its own run, so the page quotes the lesson's numbers.
 */
export const GRAD_AT_START = { mse: -4.122e-9, fused: -1 } as const;

export const PRESET: PlaygroundPreset = {
  lesson: 1,
  title: "Saturation: sigmoid+MSE vs fused BCE",
  claim: CLAIM,
  settings: { dataset: "moons", loss: "mse", outputBias: -START_LOGIT, lr: 0.1, momentum: 0.9 },
  compare: { label: "fused bceWithLogits", changes: { loss: "bce-fused" } },
  watch:
    `Two networks start from the same weights, confidently wrong: the output bias is z₀ = −${START_LOGIT}, so every ` +
    "point is called class 0 with P = 2.06e-9 and every class-1 point is wrong. Run A (sigmoid then MSE, “loss”) " +
    `stays flat: its gradient 2(p − t)·σ′(z) is ${GRAD_AT_START.mse.toExponential(3)} at z = −${START_LOGIT}, too small ` +
    "to move a float32 weight, and the boundary never appears. Run B (the fused bceWithLogits, “loss B”) gets " +
    `σ(z) − t = ${GRAD_AT_START.fused} on every wrong point and its loss falls within a few steps. A small gradient ` +
    "is only harmful when the answer is wrong: then it is the only way out. Which part is mathematics: the cross-entropy's " +
    "log puts 1/p in front of the sigmoid's σ′ = p(1 − p) and cancels it, fused or not (try the unfused “bce” loss: from " +
    "this start it learns too). Which part is floating point: further out (z < −88 or z > 17 in float32) the unfused form " +
    "overflows or rounds to a zero gradient, and only the fused node keeps σ(z) − t.",
};
