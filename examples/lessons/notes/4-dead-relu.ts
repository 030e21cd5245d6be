/**
 * Lesson 4's claim and numbers, shared by the lesson script (../4-dead-relu.ts) and the playground.
 * Browser-safe: imports nothing.
 */
import type { PlaygroundPreset } from "./preset.js";

export const CLAIM =
  "A ReLU unit that is negative for every input gets zero gradient and never comes back: a bad init or a too-large " +
  "learning rate kills most of the network for good, while He init with a sane rate keeps nearly all of it alive, and LeakyReLU " +
  "keeps every unit learning.";

export const WIDTH = 64;
export const SANE_LR = 0.5;
export const LARGE_LR = 4;
/** The bad init: He weights, every hidden bias −3. */
export const BAD_BIAS = -3;

export const PRESET: PlaygroundPreset = {
  lesson: 4,
  title: "Dead ReLUs: a too-large rate",
  claim: CLAIM,
  // The lesson's run 3: MLP 2-64-64-1, He init, full-batch SGD at lr 4 on two moons.
  settings: {
    dataset: "moons", noise: 0.1, points: 1000, depth: 2, width: WIDTH, activation: "relu", init: "he",
    lr: LARGE_LR, momentum: 0, batchSize: 800, centre: false,
  },
  watch:
    `The lesson's run 3: He init starts healthy, but at lr ${LARGE_LR} the first big updates throw units negative for ` +
    "every input, and a unit negative everywhere gets zero gradient, so it never comes back: watch “dead” jump within " +
    "a few steps and stay (in the lesson 0% / 9% of layers 1 / 2 at the start, 61% / 77% after 5 updates, 86% / 98% at " +
    "the end, and that run stalls at 65% train accuracy; with these weights the surviving units may still fit the " +
    `moons, but the dead ones stay dead). Remedies: lr ${SANE_LR}, or LeakyReLU, whose 0.1 slope keeps every unit ` +
    `learning. Try init “bad” (every hidden bias ${BAD_BIAS}): most units are dead before the first step.`,
};
