/**
 * Lesson 6's claim and numbers, shared by the lesson script (../6-zoo.ts) and the playground.
 * Browser-safe: imports nothing but the preset type.
 */
import type { PlaygroundPreset } from "./preset.js";

/** The zoo in the order of the issue (and the playground's `activation` option values). */
export const ZOO = ["relu", "leakyRelu", "elu", "gelu", "silu", "softplus", "tanh", "sigmoid", "hardtanh", "relu6"] as const;
export type ZooName = (typeof ZOO)[number];

export const CLAIM =
  "Backprop differentiates each activation of the zoo by its own backward rule and matches every closed form to " +
  "rounding; the zoo differs where the note looks: f′ fades at both ends for sigmoid and tanh and on the left for ELU, " +
  "GELU, SiLU and softplus, is exactly 0 on whole half-lines for ReLU, hardtanh and ReLU6, and never drops below its " +
  "slope for LeakyReLU; at every kink backprop sends one documented one-sided slope (the left one at 0 by default, 0 at " +
  "a clamp's bounds); and from the same start, hardtanh and tanh (odd, slope 1 at 0) reach the target loss first, while " +
  "sigmoid (slope at most ¼) and softplus, whose units start out nearly constant and positive, stay on a plateau.";

/** LeakyReLU's slope: lesson 4's and the playground's 0.1 (PyTorch's default 0.01 is 10 times flatter). */
export const LEAKY_SLOPE = 0.1;
/** ELU's α in the zoo and the training (PyTorch's default: no kink); the kink table adds α ≠ 1. */
export const ELU_ALPHA = 1;
/** The α of the kink table: below, at and above 1. */
export const KINK_ELU_ALPHAS = [0.5, 1, 2] as const;
/** |f′| below this counts as saturated (a unit there passes less than a thousandth of its gradient). */
export const SATURATED = 1e-3;

/**
 * The training comparison: the playground's data and model for these settings, in float64 (the
 * playground trains the same network in float32). Moons of TRAIN.points with noise, seed 0, split
 * 80/20; MLP 2-width-width-1 with PyTorch's default init from seed 1; full-batch SGD.
 */
export const TRAIN = { points: 200, noise: 0.1, width: 16, lr: 0.5, steps: 1000, target: 0.1, dataSeed: 0, modelSeed: 1 } as const;

/**
 * Steps (updates) to a training loss ≤ TRAIN.target in the lesson's full run (null: not within
 * TRAIN.steps), and the loss a straight line reaches (logistic regression trained the same way),
 * where the two slow runs sit; the lesson's tests check these against the run, and the playground's
 * note quotes them.
 */
export const STEPS_TO_TARGET: Readonly<Record<ZooName, number | null>> = {
  relu: 183, leakyRelu: 215, elu: 337, gelu: 352, silu: 777, softplus: null, tanh: 150, sigmoid: null, hardtanh: 128, relu6: 183,
};
export const LINE_LOSS = 0.2437;

const steps = (n: ZooName): string => String(STEPS_TO_TARGET[n] ?? `more than ${TRAIN.steps}`);

export const PRESET: PlaygroundPreset = {
  lesson: 6,
  title: "The activation zoo",
  claim: CLAIM,
  // The lesson's training run: moons (200 points, seed 0), MLP 2-16-16-1, default init, full-batch SGD.
  settings: {
    dataset: "moons", noise: TRAIN.noise, points: TRAIN.points, depth: 2, width: TRAIN.width, activation: "sigmoid", init: "default",
    lr: TRAIN.lr, momentum: 0, batchSize: (TRAIN.points * 4) / 5, centre: false, seed: TRAIN.dataSeed,
  },
  compare: { label: "hardtanh", changes: { activation: "hardtanh" } },
  watch:
    "The lesson's training run: the same points and the same initial weights, only the activation differs. Run A " +
    "uses sigmoid, whose slope is at most ¼ and whose units start out nearly constant near ½; run B uses hardtanh, " +
    "slope 1 between its bounds. Backprop multiplies the gradient by f′ once per layer, so sigmoid's first gradient for " +
    "the first layer is 16 times smaller. “loss B” drops below 0.1 within a few hundred steps while “loss” sits near " +
    `${LINE_LOSS.toFixed(2)}, the loss of a straight line (logistic regression reaches ${LINE_LOSS}). In the lesson ` +
    `(float64, the same network) the loss reaches ${TRAIN.target} after ${steps("hardtanh")} steps with hardtanh, ` +
    `${steps("tanh")} with tanh, ${steps("relu")} with ReLU and ReLU6, ${steps("leakyRelu")} with LeakyReLU, ${steps("elu")} with ELU, ` +
    `${steps("gelu")} with GELU, ${steps("silu")} with SiLU, and ${steps("softplus")} with softplus and sigmoid. Pick any of the ten ` +
    "in “activation”: run A starts over from the same weights with it, run B stays hardtanh. The diagnostics: ReLU and ReLU6 units never positive " +
    "are dead (their slope is exactly 0 there); hardtanh and ReLU6 outputs at a bound count as saturated (slope 0); " +
    "ELU, GELU, SiLU and softplus have a nonzero slope everywhere and cannot die.",
};
