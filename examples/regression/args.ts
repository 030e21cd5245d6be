/**
 * The regression example's flags: their defaults, help lines and checks, in one table.
 */
import { flagHelp, integer, parseFlags, path, real, type FlagTable, type Parsed } from "../shared/flags.js";

export interface RegressionOptions {
  steps: number;
  lr: number;
  points: number;
  seed: number;
  out: string;
  fast: boolean;
}

export const DEFAULTS: Readonly<RegressionOptions> = {
  steps: 1000,
  lr: 0.01,
  points: 256,
  seed: 0,
  out: "out/regression",
  fast: false,
};

/** The number of steps of a --fast run (a smoke test: the MSE target is the full run's). */
export const FAST_STEPS = 200;

const FLAGS: FlagTable<RegressionOptions> = {
  steps: { value: "N", help: "full-batch Adam steps; the cosine schedule takes the lr to 0 over them", parse: integer(1, 1_000_000) },
  lr: { value: "X", help: "Adam's learning rate at the first step", parse: real((v) => v > 0 && v <= 1, "a learning rate above 0 and at most 1") },
  points: { value: "N", help: "training points x = linspace(−π, π, N)", parse: integer(2, 100_000) },
  seed: { value: "N", help: "seed for the initial weights", parse: integer(0, 2 ** 32 - 1) },
  out: { value: "DIR", help: "folder for the picture (relative to where you run the command)", parse: path },
  fast: { help: `a quick run of ${FAST_STEPS} steps (overrides --steps; the 1e-4 target is for the full run)` },
};

export function helpText(): string {
  return [
    "Usage: pnpm regression [flags]",
    "",
    "Fits sin(x) on [−π, π] with an MLP 1-64-64-1 (tanh) in float64: MSE loss, Adam, CosineAnnealingLR.",
    "Prints the MSE as it falls and at the end (the target: at most 1e-4), and draws the fit beside",
    "sin(x) with the error below it (SVG and PNG).",
    "",
    flagHelp(DEFAULTS, FLAGS),
  ].join("\n");
}

/** Parse argv (without the node and script names). Throws UsageError on anything it cannot use. */
export function parseRegressionArgs(argv: readonly string[]): Parsed<RegressionOptions> {
  const parsed = parseFlags(argv, DEFAULTS, FLAGS);
  if (!parsed.help && parsed.options.fast) parsed.options.steps = FAST_STEPS;
  return parsed;
}
