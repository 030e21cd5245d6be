/**
 * Lessons 3, 4 and 5 in fast mode: each lesson's key claim, asserted on the numbers its run()
 * returns (the same numbers it prints), its pictures (valid SVG, PNG files), and its command line.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { expectPictures, runScript } from "./lesson-helpers.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getReluAtZero } from "@backprop/core";
import { W_STAR, run as lesson3, type ZigzagResult } from "../lessons/3-zigzag.js";
import { run as lesson4, type DeadReluResult } from "../lessons/4-dead-relu.js";
import { CATEGORIES, HIDDEN, run as lesson5, type SubgradientResult } from "../lessons/5-subgradient.js";

const out = mkdtempSync(join(tmpdir(), "backprop-lessons-3-5-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));


const last = <T>(v: T[]): T => v[v.length - 1];
const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

describe("lesson 3: all-positive inputs zig-zag", () => {
  let r: ZigzagResult;
  beforeAll(async () => {
    r = await lesson3({ fast: true, outDir: out, quiet: true });
  }, 90_000);

  it("at each one's best learning rate, the positive-input run needs more steps than the centred one (at least twice)", () => {
    expect(r.positive.steps).not.toBeNull();
    expect(r.centred.steps).not.toBeNull();
    expect(r.positive.steps!).toBeGreaterThanOrEqual(2 * r.centred.steps!);
    // and no learning rate in the grid lets the positive run reach the centred run's best
    for (const s of r.sweep) if (s.positive.steps !== null) expect(s.positive.steps).toBeGreaterThan(r.centred.steps!);
  });

  it("the positive run's gradient components share a sign on every step; the centred run's on about half", () => {
    for (const s of r.sweep) {
      expect(s.positive.signAgreement).toBe(1);
      expect(s.centred.signAgreement).toBeGreaterThan(0.3);
      expect(s.centred.signAgreement).toBeLessThan(0.75);
    }
  });

  it("so every positive step moves both weights the same way (↗ or ↙), while centred steps also go ↘", () => {
    const moves = (path: [number, number][]) => path.slice(1).map(([a, b], k) => [a - path[k][0], b - path[k][1]]);
    expect(moves(r.positive.path).every(([d1, d2]) => d1 * d2 >= 0)).toBe(true);
    expect(moves(r.centred.path).some(([d1, d2]) => d1 > 0 && d2 < 0)).toBe(true);
    // both runs really end at w*
    for (const run of [r.positive, r.centred]) {
      const [w1, w2] = last(run.path);
      expect(Math.hypot(w1 - W_STAR[0], w2 - W_STAR[1])).toBeLessThanOrEqual(0.05);
    }
  });

  it("the zig-zag caps the learning rate: the positive run diverges below the centred run's best rate", () => {
    expect(r.largestStablePositiveLr).toBeLessThan(r.centred.lr);
    expect(r.sweep.some((s) => s.positive.diverged && !s.centred.diverged && s.centred.steps !== null)).toBe(true);
    // consecutive positive updates turn back more (updateAngle): the zig-zag, measured
    expect(r.positive.meanUpdateAngle).toBeGreaterThan(r.centredAtSameLr.meanUpdateAngle + 30);
  });

  it("writes the paths and the learning-rate pictures", () => {
    expectPictures(out, r.files, ["3-zigzag-paths", "3-zigzag-rates"]);
  });
});

describe("lesson 4: dead ReLUs", () => {
  let r: DeadReluResult;
  beforeAll(async () => {
    r = await lesson4({ fast: true, outDir: out, quiet: true });
  }, 90_000);

  it("a bad init starts with most units dead, He init with few", () => {
    const { he, badInit } = r.runs;
    expect(mean(badInit.dead[0])).toBeGreaterThan(0.8);
    expect(mean(he.dead[0])).toBeLessThan(0.15);
  });

  it("dead units stay dead: under the bad init nothing gets a gradient and the loss does not move", () => {
    const { badInit } = r.runs;
    expect(last(badInit.dead)).toEqual(badInit.dead[0]);
    expect(last(badInit.noGradient)).toEqual([1, 1]);
    expect(Math.abs(badInit.finalLoss - badInit.losses[0])).toBeLessThan(0.01);
    expect(badInit.testAccuracy).toBeLessThan(0.65);
  });

  it("a too-large learning rate kills most units within a few updates; He init with a sane rate keeps them", () => {
    const { he, largeLr } = r.runs;
    expect(mean(largeLr.dead[0])).toBeLessThan(0.15); // it starts as healthy as He init (the same weights)
    expect(mean(largeLr.dead[5])).toBeGreaterThan(0.5);
    expect(mean(last(largeLr.dead))).toBeGreaterThan(0.6);
    expect(mean(last(largeLr.dead))).toBeGreaterThan(mean(last(he.dead)) + 0.5);
    expect(mean(last(he.noGradient))).toBeLessThan(0.15);
    expect(he.finalLoss).toBeLessThan(largeLr.finalLoss);
    expect(he.trainAccuracy).toBeGreaterThan(0.85);
  });

  it("LeakyReLU under the bad init: no unit is ever without gradient, and the loss improves", () => {
    const { badInit, leakyBadInit } = r.runs;
    expect(leakyBadInit.noGradient.every(([a, b]) => a === 0 && b === 0)).toBe(true);
    expect(leakyBadInit.finalLoss).toBeLessThan(leakyBadInit.losses[0] - 0.15);
    expect(leakyBadInit.finalLoss).toBeLessThan(badInit.finalLoss - 0.15);
    expect(leakyBadInit.trainAccuracy).toBeGreaterThan(badInit.trainAccuracy + 0.1);
  });

  it("LeakyReLU does not save the too-large learning rate: that run overflows", () => {
    expect(r.runs.leakyLargeLr.divergedAt).not.toBeNull();
  });

  it("writes the dead-units picture", () => {
    expectPictures(out, r.files, ["4-dead-units"]);
  });
});

describe("lesson 5: the subgradient of ReLU at 0", () => {
  let r: SubgradientResult;
  beforeAll(async () => {
    r = await lesson5({ fast: true, outDir: out, quiet: true });
  }, 90_000);

  it("ordinary float data: no pre-activation is exactly 0, and left and right give the same losses", () => {
    const { left, right, maxLossDiff } = r.ordinary;
    expect(left.preActivations).toBeGreaterThan(10_000);
    expect(left.zeros.every((z) => z === 0)).toBe(true);
    expect(right.zeros.every((z) => z === 0)).toBe(true);
    expect(maxLossDiff).toBeLessThanOrEqual(1e-6);
    expect(left.losses).toHaveLength(right.losses.length);
    expect(left.accuracy).toBe(right.accuracy);
    expect(last(left.losses)).toBeLessThan(left.losses[0] - 0.2); // and they did train
  });

  it("the built case: many exact zeros; with left they stay, with right they leave after one step", () => {
    const { left, right } = r.built;
    expect(left.zeros[0] / left.preActivations).toBeGreaterThan(0.3);
    expect(right.zeros[0]).toBe(left.zeros[0]); // the same start
    expect(last(left.zeros)).toBe(left.zeros[0]);
    expect(last(right.zeros)).toBe(0);
    expect(left.zeroWeightsEnd).toBe(left.zeroWeightsStart);
    expect(right.zeroWeightsEnd).toBe(0);
    expect(left.zeroWeightsStart).toBeGreaterThan(HIDDEN * CATEGORIES * 0.3);
  });

  it("the built case: the trajectories part and the final losses differ, right ending lower", () => {
    const { left, right, maxLossDiff } = r.built;
    expect(left.losses[0]).toBe(right.losses[0]);
    expect(maxLossDiff).toBeGreaterThan(0.05);
    expect(last(left.losses) - last(right.losses)).toBeGreaterThan(0.05);
    expect(left.silentCategoriesEnd).toBeGreaterThan(right.silentCategoriesEnd);
  });

  it("leaves the global ReLU side as it found it", () => {
    expect(getReluAtZero()).toBe("left");
  });

  it("writes the loss-curves picture", () => {
    expectPictures(out, r.files, ["5-subgradient"]);
  });
});

describe("the lessons' command lines", () => {
  it("pnpm lesson5 --fast prints the claim first, the numbers, and where the pictures went", () => {
    const dir = join(out, "cli");
    const run = runScript("5-subgradient.ts", ["--fast", "--out", dir]);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout.split("\n")[0]).toMatch(/^CLAIM: /);
    expect(run.stdout).toMatch(/left \(0\)\s+\S+\s+0\s/); // the exact-zero count of part A
    expect(run.stdout).toContain(`pictures in ${dir}: 5-subgradient.svg, 5-subgradient.png`);
    expect(XMLValidator.validate(readFileSync(join(dir, "5-subgradient.svg"), "utf8"))).toBe(true);
  }, 90_000);

  it("each lesson's --help names its script, and a bad flag exits with 1 and a clear message", () => {
    for (const [file, script] of [["3-zigzag.ts", "lesson3"], ["4-dead-relu.ts", "lesson4"], ["5-subgradient.ts", "lesson5"]]) {
      const help = runScript(file, ["--help"]);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(`Usage: pnpm ${script} [flags]`);
      expect(help.stdout).toContain("--fast");
    }
    const bad = runScript("4-dead-relu.ts", ["--slope", "2"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("lesson4: --slope expects a slope between 0 and 1");
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 90_000);
});
