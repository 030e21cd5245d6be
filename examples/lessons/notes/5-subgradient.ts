/**
 * Lesson 5's claim and numbers, shared by the lesson script (../5-subgradient.ts) and the playground.
 * Browser-safe: imports nothing.
 */
import type { PlaygroundPreset } from "./preset.js";

export const CLAIM =
  "Whether relu′(0) is taken as 0 (left) or 1 (right) changes nothing on ordinary float data, where no pre-activation " +
  "is ever exactly 0, but on a case built so that many sit exactly at 0 it decides which units learn.";

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
    "ReLU has no derivative at 0: the slope from the left is 0, from the right 1, and either is a valid subgradient. " +
    "Run A takes 0 (the default, as PyTorch), run B takes 1, from the same weights. On float data no pre-activation is " +
    "ever exactly 0 (the lesson counts 0 of 7,680,000), so the choice is never used: “loss” and “loss B” agree to " +
    "every digit, step after step. Only inputs built to sit on the kink (one-hot or integer data) tell the two apart.",
};
