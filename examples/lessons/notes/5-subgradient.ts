/**
 * Lesson 5's claim and numbers, shared by the lesson script (../5-subgradient.ts) and the playground.
 * Browser-safe: imports nothing.
 */
import type { PlaygroundPreset } from "./preset.js";

export const CLAIM =
  "ReLU has no derivative at 0, but any slope in [0, 1] (a convex combination of the one-sided slopes 0 and 1) is a " +
  "valid subgradient there and gradient descent tolerates small errors in the derivative, so the choice rarely matters; " +
  "on ordinary float data it is not even consulted, since no pre-activation lands exactly on 0, but on a case built so " +
  "that many sit exactly at 0 it decides which units learn.";

/** The slopes g whose line g·z the lesson checks against relu (a subgradient at 0 iff 0 ≤ g ≤ 1). */
export const SLOPES_CHECKED = [-0.5, 0, 0.25, 0.5, 1, 1.5] as const;
/** Part B: bands |z| < ε on which the slope is forced to 0 or 1. */
export const BANDS = [0.01, 0.1] as const;
/** Part C: the slopes between left (0) and right (1) built from ops. */
export const BUILT_SLOPES = [0.25, 0.5] as const;

export const PRESET: PlaygroundPreset = {
  lesson: 5,
  title: "relu′(0): left or right",
  claim: CLAIM,
  // The lesson's part A: two moons with float noise, MLP 2-32-32-1, full-batch SGD with momentum.
  settings: {
    dataset: "moons", noise: 0.1, points: 1000, depth: 2, width: 32, activation: "relu", reluAtZero: "left",
    lr: 0.1, momentum: 0.9, batchSize: 800, centre: false,
  },
  compare: { label: "relu′(0) = 1 (right)", changes: { reluAtZero: "right" } },
  watch:
    "ReLU has no derivative at 0: the slope from the left is 0, from the right 1, and any value in [0, 1] is a valid " +
    "subgradient (the lines g·z with 0 ≤ g ≤ 1 stay under relu); gradient descent tolerates small errors in the derivative anyway. " +
    "Run A takes 0 (the default, as PyTorch), run B takes 1, from the same weights. On float data no pre-activation is " +
    "ever exactly 0 (the lesson counts 0 of 7,680,000), so the choice is never used: “loss” and “loss B” agree to " +
    "every digit, step after step. Only inputs built to sit on the kink (one-hot or integer data) tell the two apart.",
};
