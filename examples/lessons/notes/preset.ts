/**
 * What a lesson hands the browser playground: the controls to set and what to watch.
 *
 * The notes modules (this folder) hold each lesson's claim and the numbers the lesson and the
 * playground share. They import nothing from Node, so the lesson scripts (which do) and the page
 * (which cannot) read the same sentences: the page cannot drift from the lessons.
 */

/** The playground's controls, by the option values of its form (see shared/API.md, "Playground hooks"). */
export interface PlaygroundSettings {
  dataset: "moons" | "circles" | "spirals" | "xor" | "blobs";
  /** Standard deviation of the noise added to the points. */
  noise: number;
  /** Number of points, 80% to train on, 20% held out for testing. */
  points: number;
  /** Hidden layers (0: logistic regression) and units in each. */
  depth: number;
  width: number;
  activation: "relu" | "leakyRelu" | "tanh" | "sigmoid" | "softplus" | "elu" | "gelu" | "silu" | "hardtanh" | "relu6";
  /** relu′(0) (and leakyRelu′(0), elu′(0)) in backward: "left" = 0 (slope, α), "right" = 1. */
  reluAtZero: "left" | "right";
  /** Softplus β. */
  beta: number;
  /** "bce-fused": bceWithLogits; "mse": sigmoid then MSE; "bce": sigmoid then unfused BCE. */
  loss: "bce-fused" | "mse" | "bce";
  init: "default" | "he" | "xavier" | "bad";
  lr: number;
  momentum: number;
  /** Examples per step; at least the training set's size means full batch. */
  batchSize: number;
  /** Subtract the training points' mean from every input (zero-centred inputs, lesson 3). */
  centre: boolean;
  seed: number;
  /**
   * The output layer's bias at the start, or null to keep the initialiser's. A large negative value
   * starts the network confidently wrong on every class-1 point (lesson 1's z₀ = −20).
   */
  outputBias: number | null;
}

/** One lesson's preset: the controls it sets, an optional second run side by side, and what to watch. */
export interface PlaygroundPreset {
  /** 1 … 6, the lesson's number in examples/lessons and TEACHING.md. */
  lesson: number;
  /** A few words for the button. */
  title: string;
  /** The lesson's claim, word for word. */
  claim: string;
  /** The controls the preset sets; the rest take their defaults. */
  settings: Partial<PlaygroundSettings>;
  /** A second network trained beside the first, from the same start, differing only in `changes`. */
  compare?: { label: string; changes: Partial<PlaygroundSettings> };
  /** What to watch on the page and why, with the lesson's numbers. */
  watch: string;
}
