/**
 * The demo's flags: their defaults, help lines and checks, in one table.
 */
import { flagHelp, integer, oneOf, parseFlags, path, real, type FlagTable, type Parsed } from "../shared/flags.js";

export { UsageError } from "../shared/flags.js";

export const DATASETS = ["moons", "circles", "spirals", "xor", "blobs"] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface DemoOptions {
  dataset: DatasetName;
  points: number;
  noise: number;
  width: number;
  depth: number;
  steps: number;
  lr: number;
  momentum: number;
  reluSide: "left" | "right";
  seed: number;
  out: string;
  quiet: boolean;
}

export const DEFAULTS: Readonly<DemoOptions> = {
  dataset: "moons",
  points: 1000,
  noise: 0.1,
  width: 32,
  depth: 2,
  steps: 2000,
  lr: 0.1,
  momentum: 0.9,
  reluSide: "left",
  seed: 0,
  out: "out/demo",
  quiet: false,
};

const FLAGS: FlagTable<DemoOptions> = {
  dataset: { value: "NAME", help: `the 2-D problem: ${DATASETS.join(" | ")}`, parse: oneOf(DATASETS) },
  points: { value: "N", help: "number of points, 80% to train on, 20% held out for testing", parse: integer(20, 100_000) },
  noise: { value: "X", help: "standard deviation of the noise added to the points", parse: real((v) => v >= 0 && v <= 10, "a number from 0 to 10") },
  width: { value: "N", help: "units in each hidden layer", parse: integer(1, 1024) },
  depth: { value: "N", help: "number of hidden ReLU layers (0: logistic regression)", parse: integer(0, 16) },
  steps: { value: "N", help: "gradient steps, each on the full training set", parse: integer(1, 1_000_000) },
  lr: { value: "X", help: "SGD learning rate", parse: real((v) => v > 0 && v <= 10, "a learning rate above 0 and at most 10") },
  momentum: { value: "X", help: "SGD momentum", parse: real((v) => v >= 0 && v < 1, "a momentum in [0, 1)") },
  reluSide: { value: "SIDE", help: "relu'(0) in backward: left = 0 (as PyTorch) or right = 1", parse: oneOf(["left", "right"] as const) },
  seed: { value: "N", help: "seed for the data, the split and the initial weights", parse: integer(0, 2 ** 32 - 1) },
  out: { value: "DIR", help: "folder for the pictures (relative to where you run the command)", parse: path },
  quiet: { help: "no progress output, only the results" },
};

export function helpText(): string {
  return [
    "Usage: pnpm demo [flags]",
    "",
    "Trains a small ReLU network (Linear → ReLU → … → Linear, bceWithLogits loss, SGD with momentum)",
    "on a 2-D toy problem, prints its train and test accuracy and draws its decision boundary and",
    "loss curve (SVG and PNG).",
    "",
    flagHelp(DEFAULTS, FLAGS),
  ].join("\n");
}

/** Parse argv (without the node and script names). Throws UsageError on anything it cannot use. */
export function parseDemoArgs(argv: readonly string[]): Parsed<DemoOptions> {
  return parseFlags(argv, DEFAULTS, FLAGS);
}
