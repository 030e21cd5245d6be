/**
 * The regression example (`pnpm regression`): the documented run itself (default flags, only the
 * picture folder moved) must reach the target, MSE ≤ 1e-4; --fast, --help and bad flags
 * from the command line; the flags; and the training function's numbers checked by hand.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULTS, FAST_STEPS, helpText, parseRegressionArgs } from "../regression/args.js";
import { CHECK_POINTS, grid, logged, trainRegression } from "../regression/train.js";
import { PAGE_WIDTH_PX } from "../shared/figure.js";
import { UsageError } from "../shared/flags.js";
import { expectPictures, pngSize } from "./lesson-helpers.js";

const ROOT = resolve(import.meta.dirname, "../..");
const SCRIPT = join(ROOT, "examples/regression.ts");

/** Run the example as `pnpm regression` does (node + tsx), from the repository root. */
function runRegression(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", SCRIPT, ...args], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
}

/** The number printed after `label` (e.g. "final MSE 2.099e-6"). */
function numberAfter(text: string, label: string): number {
  const m = new RegExp(`${label} (-?[\\d.]+(?:e[-+]?\\d+)?)`).exec(text);
  expect(m, `"${label} <number>" in the output`).not.toBeNull();
  return Number(m![1]);
}

describe("pnpm regression (command line)", () => {
  const out = mkdtempSync(join(tmpdir(), "backprop-regression-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("the documented run fits sin(x) to a final MSE ≤ 1e-4 and draws the fit", () => {
    const run = runRegression(["--out", out]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("over 1000 full-batch steps");
    const mse = numberAfter(run.stdout, "final MSE");
    expect(mse).toBeLessThanOrEqual(1e-4);
    expect(run.stdout).toContain("(target ≤ 1e-4: met)");
    // between the training points too, not only on them
    expect(numberAfter(run.stdout, "points of \\[−π, π\\]: MSE")).toBeLessThanOrEqual(1e-4);
    expect(numberAfter(run.stdout, "largest error")).toBeLessThan(0.05);
    // the progress table: 11 rows, the lr from 0.01 down to (almost) 0, the MSE falling
    const rows = run.stdout.split("\n").filter((l) => /^\s+\d+\s+\d\.\d{3}e-\d+\s+\d\.\d{3}e[-+]\d+$/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows.map((r) => r[0])).toEqual([1, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(rows[0][1]).toBe(0.01);
    expect(rows[10][1]).toBeLessThan(1e-6);
    expect(rows[10][2]).toBeLessThan(rows[0][2] / 1000);

    expect(run.stdout).toContain(`picture in ${out}: fit.svg, fit.png`);
    expectPictures(out, [join(out, "fit.svg"), join(out, "fit.png")], ["fit"], { maxWidth: PAGE_WIDTH_PX });
    expect(pngSize(join(out, "fit.png")).width).toBeGreaterThan(800);
  }, 240_000);

  it("--fast runs 200 steps", () => {
    const dir = join(out, "fast");
    const run = runRegression(["--fast", "--out", dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`over ${FAST_STEPS} full-batch steps`);
    expect(run.stdout).toMatch(/\n {2}200 {3}\d\.\d{3}e-\d+ {2}\d\.\d{3}e-\d+\n/);
    expect(numberAfter(run.stdout, "final MSE")).toBeLessThan(0.01);
    expectPictures(dir, [join(dir, "fit.svg"), join(dir, "fit.png")], ["fit"], { maxWidth: PAGE_WIDTH_PX });
  }, 120_000);

  it("--help prints the flags", () => {
    const run = runRegression(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${helpText()}\n`);
  }, 60_000);

  it("rejects a bad flag with a clear message and exit code 1, before any work", () => {
    for (const [args, message] of [
      [["--steps", "many"], 'regression: --steps expects a number, got "many"'],
      [["--lr", "2"], "regression: --lr expects a learning rate above 0 and at most 1"],
      [["--stpes", "10"], "regression: Unknown option '--stpes'"],
    ] as const) {
      const run = runRegression([...args]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain("Run with --help to see the flags.");
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(run.stdout).toBe("");
    }
  }, 60_000);
});

describe("the regression flags", () => {
  it("defaults: 1000 steps, lr 0.01, 256 points, seed 0, out/regression", () => {
    expect(parseRegressionArgs([])).toEqual({ help: false, options: DEFAULTS });
    expect(DEFAULTS).toEqual({ steps: 1000, lr: 0.01, points: 256, seed: 0, out: "out/regression", fast: false });
  });

  it("reads every flag; --fast sets the steps", () => {
    expect(parseRegressionArgs(["--steps", "50", "--lr=0.003", "--points", "64", "--seed", "7", "--out", "pics"])).toEqual({
      help: false, options: { steps: 50, lr: 0.003, points: 64, seed: 7, out: "pics", fast: false },
    });
    expect(parseRegressionArgs(["--fast", "--steps", "5000"])).toEqual({ help: false, options: { ...DEFAULTS, steps: FAST_STEPS, fast: true } });
    expect(parseRegressionArgs(["--help"])).toEqual({ help: true });
    for (const flag of ["--steps", "--lr", "--points", "--seed", "--out", "--fast", "--help"]) expect(helpText()).toContain(flag);
  });

  it.each([
    [["--steps", "0"], "--steps expects a whole number from 1"],
    [["--points", "1"], "--points expects a whole number from 2"],
    [["--lr", "0"], "--lr expects a learning rate above 0"],
    [["--seed", "-1"], "ambiguous"],
    [["--fast=yes"], "does not take an argument"],
    [["sin"], "Unexpected argument 'sin'"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseRegressionArgs(argv)).toThrow(UsageError);
    expect(() => parseRegressionArgs(argv)).toThrow(message);
  });
});

describe("the training function", () => {
  const opts = { steps: 30, lr: 0.01, points: 32, seed: 3 };

  it("reports the MSE it claims: recomputed by hand from its own curve and from the model", () => {
    const r = trainRegression(opts);
    expect(r.model.parameters().every((p) => p.dtype === "float64")).toBe(true);
    expect(r.curve).toHaveLength(CHECK_POINTS);
    expect(r.curve[0].x).toBe(-Math.PI);
    expect(r.curve[CHECK_POINTS - 1].x).toBe(Math.PI);
    let sq = 0, worst = 0;
    for (const p of r.curve) {
      expect(p.target).toBe(Math.sin(p.x));
      sq += (p.fit - p.target) ** 2;
      worst = Math.max(worst, Math.abs(p.fit - p.target));
    }
    expect(r.checkMse).toBeCloseTo(sq / CHECK_POINTS, 15);
    expect(r.maxError).toBe(worst);
    // the training MSE, by hand from the model's outputs at the training points
    const x = grid(opts.points);
    const fit = r.model.forward(x).data;
    const byHand = Array.from(x.data).reduce((s, v, i) => s + (fit[i] - Math.sin(v)) ** 2, 0) / opts.points;
    expect(r.trainMse).toBeCloseTo(byHand, 15);
    expect(r.rows.map((row) => row.step)).toEqual([1, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
  }, 60_000);

  it("is reproducible: the same seed gives the same numbers bit for bit, another seed others", () => {
    const a = trainRegression(opts), b = trainRegression(opts), c = trainRegression({ ...opts, seed: 4 });
    expect(b.rows).toEqual(a.rows);
    expect(b.trainMse).toBe(a.trainMse);
    expect(c.trainMse).not.toBe(a.trainMse);
  }, 60_000);

  it("logs the first step, every tenth of the run and the last", () => {
    const steps = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((s) => logged(s, n));
    expect(steps(1000)).toEqual([1, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(steps(7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(steps(25)).toEqual([1, 3, 6, 9, 12, 15, 18, 21, 24, 25]);
  });
});
