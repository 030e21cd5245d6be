/**
 * Lesson 2's claim and numbers, shared by the lesson script (../2-softplus.ts) and the playground.
 * Browser-safe: imports nothing.
 */
import type { PlaygroundPreset } from "./preset.js";

export const CLAIM =
  "Softplus is a smooth ReLU whose slope σ(βx) is never 0 and tends to 1 for x > 0; " +
  "a larger β hugs ReLU tighter, the gap being largest at 0, where it is log(2)/β.";

export const BETAS = [0.5, 1, 2, 5, 10] as const;

/** softplus(0; β) − relu(0) = log(2)/β: 0.693 at β = 1, 0.0693 at β = 10 (the lesson prints both). */
export const gapAtZero = (beta: number): number => Math.log(2) / beta;

export const PRESET: PlaygroundPreset = {
  lesson: 2,
  title: "Softplus with β",
  claim: CLAIM,
  settings: { dataset: "circles", activation: "softplus", beta: 1, depth: 2, width: 16 },
  watch:
    "Softplus(x) = (1/β)·log(1 + e^(βx)) is a smooth ReLU: the boundary bends smoothly instead of in straight pieces. " +
    "Its slope σ(βx) is never 0, so no unit can die: “dead” stays 0.0% whatever the learning rate. " +
    `The largest gap to ReLU is at x = 0, log(2)/β: ${gapAtZero(1).toFixed(3)} at β = 1, ${gapAtZero(10).toFixed(4)} at β = 10. ` +
    "As β grows softplus tends to ReLU and its slope σ(βx) to ReLU's step: set β to 10 and press Reset, and the boundary " +
    "gets ReLU's corners back. You met softplus in lesson 1: the cross-entropy loss for a positive example is softplus(−z), " +
    "linear where the answer is wrong, flat where it is right.",
};
