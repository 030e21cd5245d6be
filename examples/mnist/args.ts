/**
 * The MNIST example's flags: their defaults, help lines and checks, in one table.
 */
import { flagHelp, integer, parseFlags, real, type FlagTable, type Parsed } from "../shared/flags.js";
import type { TrainOptions } from "./train.js";

/** The flags are exactly the training options. */
export type MnistOptions = TrainOptions;

export const DEFAULTS: Readonly<MnistOptions> = {
  epochs: 12,
  batchSize: 32,
  lr: 0.05,
  momentum: 0.9,
  hidden: 128,
  seed: 0,
};

const FLAGS: FlagTable<MnistOptions> = {
  epochs: { value: "N", help: "passes over the 8,000 training digits", parse: integer(1, 1000) },
  batchSize: { value: "N", help: "digits per minibatch", parse: integer(1, 8000) },
  lr: { value: "X", help: "SGD learning rate at the first epoch (it falls to 0 along a half cosine)", parse: real((v) => v > 0 && v <= 10, "a learning rate above 0 and at most 10") },
  momentum: { value: "X", help: "SGD momentum", parse: real((v) => v >= 0 && v < 1, "a momentum in [0, 1)") },
  hidden: { value: "N", help: "units in the hidden ReLU layer", parse: integer(1, 4096) },
  seed: { value: "N", help: "seed for the train/test split, the initial weights and the batch order", parse: integer(0, 2 ** 32 - 1) },
};

export function helpText(): string {
  return [
    "Usage: pnpm mnist [flags]",
    "",
    "Trains an MLP 784-hidden-10 (ReLU, crossEntropy, SGD with momentum, minibatches) on 8,000 real MNIST digits",
    "and tests it on 2,000 others (a seeded split of the 10,000 digits the `mnist` package ships).",
    "",
    flagHelp(DEFAULTS, FLAGS),
  ].join("\n");
}

export function parseMnistArgs(argv: readonly string[]): Parsed<MnistOptions> {
  return parseFlags(argv, DEFAULTS, FLAGS);
}
