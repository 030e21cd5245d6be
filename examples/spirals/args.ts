/**
 * The spirals example's flags: their defaults, help lines and checks, in one table.
 */
import { flagHelp, integer, parseFlags, path, real, type FlagTable, type Parsed } from "../shared/flags.js";

export interface SpiralsOptions {
  epochs: number;
  points: number;
  noise: number;
  width: number;
  batchSize: number;
  lr: number;
  seed: number;
  out: string;
  fast: boolean;
}

export const DEFAULTS: Readonly<SpiralsOptions> = {
  epochs: 60,
  points: 1500,
  noise: 0.03,
  width: 64,
  batchSize: 64,
  lr: 0.02,
  seed: 0,
  out: "out/spirals",
  fast: false,
};

/** The number of epochs of a --fast run (a smoke test: the accuracy target is the full run's). */
export const FAST_EPOCHS = 16;

const FLAGS: FlagTable<SpiralsOptions> = {
  epochs: { value: "N", help: "passes over the training points; the checkpoint is saved after half of them", parse: integer(2, 10_000) },
  points: { value: "N", help: "points on the three arms, 80% to train on, 20% held out for testing", parse: integer(30, 100_000) },
  noise: { value: "X", help: "standard deviation of the noise added to each coordinate (the arms are 0.2 apart)", parse: real((v) => v >= 0 && v <= 1, "a number from 0 to 1") },
  width: { value: "N", help: "units in each of the two hidden ReLU layers", parse: integer(1, 1024) },
  batchSize: { value: "N", help: "points per minibatch", parse: integer(1, 100_000) },
  lr: { value: "X", help: "the peak learning rate of the one-cycle schedule", parse: real((v) => v > 0 && v <= 1, "a learning rate above 0 and at most 1") },
  seed: { value: "N", help: "seed for the data, the split, the initial weights and the batch order", parse: integer(0, 2 ** 32 - 1) },
  out: { value: "DIR", help: "folder for the checkpoint and the picture (relative to where you run the command)", parse: path },
  fast: { help: `a quick run of ${FAST_EPOCHS} epochs (overrides --epochs; the 95% target is for the full run)` },
};

export function helpText(): string {
  return [
    "Usage: pnpm spirals [flags]",
    "",
    "Trains an MLP with two hidden ReLU layers (2-64-64-3, float64) on three interleaved spirals with",
    "crossEntropy, AdamW and OneCycleLR, saves a checkpoint halfway, then resumes from it with a fresh",
    "model, optimizer and scheduler and checks that the resumed run repeats the uninterrupted one bit",
    "for bit. Prints the test accuracy (the target: at least 95%) and draws the decision regions (SVG",
    "and PNG).",
    "",
    flagHelp(DEFAULTS, FLAGS),
  ].join("\n");
}

/** Parse argv (without the node and script names). Throws UsageError on anything it cannot use. */
export function parseSpiralsArgs(argv: readonly string[]): Parsed<SpiralsOptions> {
  const parsed = parseFlags(argv, DEFAULTS, FLAGS);
  if (!parsed.help && parsed.options.fast) parsed.options.epochs = FAST_EPOCHS;
  return parsed;
}
