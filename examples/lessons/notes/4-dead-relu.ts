/**
 * Lesson 4's claim and numbers, shared by the lesson script (../4-dead-relu.ts) and the playground.
 * Browser-safe: imports nothing.
 */
import type { PlaygroundPreset } from "./preset.js";

export const CLAIM =
  "A ReLU unit that is negative for every input gets exactly zero gradient, so its own weights never move again: in the " +
  "first layer, whose inputs are the fixed data, it never comes back, while a deeper unit can revive when earlier layers " +
  "change its inputs; a bad init, a too-large learning rate or one large input x (∂J/∂w = (∂J/∂z)·x) kills units for " +
  "good, while He init with a sane rate keeps nearly all of them alive, and LeakyReLU keeps every unit learning.";

export const WIDTH = 64;
export const SANE_LR = 0.5;
export const LARGE_LR = 4;
/** The bad init: He weights, every hidden bias −3. */
export const BAD_BIAS = -3;
/** The note's mechanism: at this step one corrupt example joins the batch, its x `scale` times too large. */
export const OUTLIER = { step: 20, scale: 1000 } as const;

/**
 * The too-large-rate run's dead units of layers 1 / 2 (of 64 each) at the start, after 5 updates and
 * beyond recovery at the end, as the lesson prints them in full mode (its tests check these).
 */
export const LARGE_LR_DEAD = { start: [0, 6], after5: [39, 49], beyondRecovery: [55, 63] } as const;

export const PRESET: PlaygroundPreset = {
  lesson: 4,
  title: "Dead ReLUs: a too-large rate",
  claim: CLAIM,
  // The lesson's run 4: MLP 2-64-64-1, He init, full-batch SGD at lr 4 on two moons.
  settings: {
    dataset: "moons", noise: 0.1, points: 1000, depth: 2, width: WIDTH, activation: "relu", init: "he",
    lr: LARGE_LR, momentum: 0, batchSize: 800, centre: false,
  },
  watch:
    `The lesson's run 4: He init starts healthy, but at lr ${LARGE_LR} the first big updates throw units negative for ` +
    "every input, and a unit negative everywhere gets exactly zero gradient: its weights stop moving. Watch “dead” jump " +
    "within a few steps and stay. In the lesson, of the 64 units of layers 1 / 2: " +
    `${LARGE_LR_DEAD.start.join(" / ")} dead at the start, ${LARGE_LR_DEAD.after5.join(" / ")} after 5 updates, and ` +
    `${LARGE_LR_DEAD.beyondRecovery.join(" / ")} beyond recovery at the end (dead from some step on, weights frozen), and the ` +
    "run stalls at 65% train accuracy. A layer-1 unit dead on every point never comes back (its inputs are the data); " +
    "a layer-2 unit can, when layer 1 changes its inputs, so “dead” may dip before it settles. " +
    `Remedies: lr ${SANE_LR}, or LeakyReLU, whose 0.1 slope keeps every unit learning. Try init “bad” (every hidden bias ` +
    `${BAD_BIAS}): most units are dead before the first step.`,
};
