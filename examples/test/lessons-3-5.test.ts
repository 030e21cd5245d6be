/**
 * Lessons 3, 4 and 5: each lesson's numbers (the ones it prints, returned by run(), in fast mode)
 * against facts derived by hand — the chain rule's factors, the one-sign rule per example, the
 * frozen weights of dead units, the subgradient interval — and against independent recomputations
 * (a second training loop with weight snapshots, our own forward against Diagnostics); the numbers
 * the playground notes quote against the full-size runs; the pictures (valid, at most a page wide)
 * and the command lines.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bceWithLogits, SGD, type Linear } from "@backprop/nn";
import { getReluAtZero, noGrad, relu, tensor } from "@backprop/core";
import { PAGE_WIDTH_PX } from "../shared/figure.js";
import { expectPictures, pngSize, runScript } from "./lesson-helpers.js";
import { makeInputs, oneStep, run as lesson3, train as train3, W_START, W_STAR, type ZigzagResult } from "../lessons/3-zigzag.js";
import { BEST } from "../lessons/notes/3-zigzag.js";
import { EXAMPLE } from "../lessons/lib/lesson3-batch.js";
import { makeData, makeModel, run as lesson4, setups, train as train4, WIDTH, type DeadReluResult, type Trace } from "../lessons/4-dead-relu.js";
import { LARGE_LR_DEAD } from "../lessons/notes/4-dead-relu.js";
import { deadSpec } from "../lessons/lib/lesson4-figures.js";
import { CATEGORIES, HIDDEN, run as lesson5, type SubgradientResult } from "../lessons/5-subgradient.js";
import { reluWithSlope } from "../lessons/lib/lesson5-kink.js";
import { num } from "../lessons/lib/table.js";

const EXAMPLES = join(import.meta.dirname, "..");
const out = mkdtempSync(join(tmpdir(), "backprop-lessons-3-5-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const last = <T>(v: T[]): T => v[v.length - 1];
const sign = (v: number): number => Math.sign(v);

describe("lesson 3: all-positive inputs zig-zag", () => {
  let r: ZigzagResult;
  beforeAll(async () => {
    r = await lesson3({ fast: true, outDir: out, quiet: true });
  }, 90_000);

  it("the derivation is the chain rule with the run's numbers: (∂J/∂z)·xᵢ by hand equals autograd, and it is the run's first step", () => {
    const e = r.example.positive;
    expect(e.step).toBe(1);
    expect(e.w).toEqual([...W_START]);
    expect(e.dz).toBe(2 * (e.z - e.t));
    for (const i of [0, 1]) expect(e.autograd[i]).toBeCloseTo(e.byHand[i], 14);
    // SGD's update from exactly these numbers is the run's first step, bit for bit
    const lr = r.positive.lr;
    expect(r.positive.path[1]).toEqual([e.w[0] - lr * e.autograd[0], e.w[1] - lr * e.autograd[1]]);
  });

  it("with both inputs positive both components take the sign of ∂J/∂z; the centred example shows opposite signs", () => {
    const p = r.example.positive;
    expect(p.x[0]).toBeGreaterThan(0);
    expect(p.x[1]).toBeGreaterThan(0);
    expect(sign(p.autograd[0])).toBe(sign(p.dz));
    expect(sign(p.autograd[1])).toBe(sign(p.dz));
    const c = r.example.centred;
    expect(sign(c.x[0])).toBe(-sign(c.x[1]));
    expect(sign(c.autograd[0])).toBe(-sign(c.autograd[1]));
    // and it is a real step of run B (the centred run at A's rate): its first one with opposite signs
    expect(r.centredAtSameLr.sameSign[c.step - 1]).toBe(false);
    expect(r.centredAtSameLr.sameSign.slice(0, c.step - 1).every(Boolean)).toBe(true);
    expect(oneStep(makeInputs(60, 0)[1], r.centredAtSameLr, c.step)).toEqual(c);
  });

  it("at each one's best learning rate, the positive-input run needs more steps than the centred one (at least twice)", () => {
    expect(r.positive.steps).not.toBeNull();
    expect(r.centred.steps).not.toBeNull();
    expect(r.positive.steps!).toBeGreaterThanOrEqual(2 * r.centred.steps!);
    for (const s of r.sweep) if (s.positive.steps !== null) expect(s.positive.steps).toBeGreaterThan(r.centred.steps!);
  });

  it("the positive run's gradient components share a sign on every step (per example: 100%); the centred run's on about half", () => {
    for (const s of r.sweep) {
      expect(s.positive.signAgreement).toBe(1);
      expect(s.centred.signAgreement).toBeGreaterThan(0.3);
      expect(s.centred.signAgreement).toBeLessThan(0.75);
    }
  });

  it("so every positive step moves both weights the same way (↗ or ↙), while centred steps also go ↘", () => {
    const moves = (path: [number, number][]) => path.slice(1).map(([a, b], k) => [a - path[k][0], b - path[k][1]]);
    expect(moves(r.positive.path).every(([d1, d2]) => d1 * d2 >= 0)).toBe(true);
    expect(moves(r.positiveTooFast.path).every(([d1, d2]) => d1 * d2 >= 0)).toBe(true);
    expect(moves(r.centred.path).some(([d1, d2]) => d1 > 0 && d2 < 0)).toBe(true);
    for (const run of [r.positive, r.centred, r.centredAtSameLr]) {
      const [w1, w2] = last(run.path);
      expect(Math.hypot(w1 - W_STAR[0], w2 - W_STAR[1])).toBeLessThanOrEqual(0.05);
    }
  });

  it("the zig-zag caps the learning rate: panel C is the next rate up from A's, and diverges below the centred run's best rate", () => {
    expect(r.largestStablePositiveLr).toBeLessThan(r.centred.lr);
    expect(r.positiveTooFast.diverged).toBe(true);
    expect(r.positiveTooFast.lr).toBeGreaterThan(r.positive.lr);
    expect(r.sweep.filter((s) => s.lr > r.positive.lr && s.lr < r.positiveTooFast.lr).every((s) => !s.positive.diverged)).toBe(true);
    expect(r.positive.meanUpdateAngle).toBeGreaterThan(r.centredAtSameLr.meanUpdateAngle + 30);
  });

  it("per example every gradient row of a layer with inputs ≥ 0 is one-sign; batches weaken it, down to Diagnostics' 9.4%", () => {
    const shares = r.batches.shares;
    expect(shares.map((s) => s.batch)).toEqual([1, 8, 64, 400]);
    const one = shares[0];
    expect(one.gradients).toBe(EXAMPLE.points);
    // (∂J/∂zⱼ)·h with h ≥ 0: every row that is not all zero has one sign, and its ∂J/∂z trivially agree
    expect(one.oneSign).toBe(one.rows - one.zeroRows);
    expect(one.unanimous).toBe(one.oneSign);
    const share = shares.map((s) => s.oneSign / (s.rows - s.zeroRows));
    for (let k = 1; k < share.length; k++) expect(share[k]).toBeLessThan(share[k - 1]);
    expect(share[1]).toBeLessThan(0.5);
    // the full batch is the step's gradient Diagnostics looked at: the same rows, the tutorial's 3/32
    const full = last(shares);
    expect(full.oneSign / full.rows).toBe(r.batches.diagnosticsFraction);
    expect(full.zeroRows).toBe(r.batches.diagnosticsZeroRows);
    expect(r.batches.diagnosticsFraction).toBe(3 / 32);
  });

  it("the playground notes' best runs are the full-size lesson's: 50 steps at lr 1 against 7 at lr 5.66", () => {
    const [positive, centred] = makeInputs(200, 0);
    expect(train3(positive, BEST.positive.lr, 5000).steps).toBe(BEST.positive.steps);
    const lr = 2 ** 2.5; // the grid's rate printed as 5.66
    expect(num(lr)).toBe(String(BEST.centred.lr));
    expect(train3(centred, lr, 5000).steps).toBe(BEST.centred.steps);
  });

  it("writes the paths, learning-rate and batch pictures, each at most a page wide", () => {
    expectPictures(out, r.files, ["3-zigzag-paths", "3-zigzag-rates", "3-zigzag-batch"], { maxWidth: PAGE_WIDTH_PX });
  });
});

describe("lesson 4: dead ReLUs", () => {
  let r: DeadReluResult;
  const points = 250; // fast mode's data
  beforeAll(async () => {
    r = await lesson4({ fast: true, outDir: out, quiet: true });
  }, 120_000);
  const reluRuns = () => [r.runs.he, r.runs.badInit, r.runs.outlier, r.runs.largeLr];
  const count = (f: number) => Math.round(f * WIDTH);

  it("a bad init starts with most units dead and they stay: nothing gets a gradient, the loss does not move", () => {
    const { he, badInit } = r.runs;
    expect(count(badInit.dead[0][0])).toBeGreaterThan(40);
    expect(count(badInit.dead[0][1])).toBe(WIDTH);
    expect(count(he.dead[0][0])).toBe(0);
    expect(last(badInit.dead)).toEqual(badInit.dead[0]);
    expect(last(badInit.noGradient)).toEqual([1, 1]);
    expect(Math.abs(badInit.finalLoss - badInit.losses[0])).toBeLessThan(0.01);
  });

  it("a dead ReLU unit gets exactly zero gradient: its weights never change while it is dead (every ReLU run, both layers)", () => {
    for (const t of reluRuns()) {
      for (const layer of [0, 1]) expect(t.units[layer].movedWhileDead, `${t.setup.key} layer ${layer + 1}`).toEqual([]);
      // so every unit dead at the end is beyond recovery
      for (const layer of [0, 1]) expect(t.units[layer].beyondRecovery).toEqual(t.units[layer].deadAtEnd);
    }
  });

  it("layer 1 never revives (its inputs are the data, its weights are frozen); layer 2 does, with its weights frozen too", () => {
    for (const t of [r.runs.he, r.runs.badInit, r.runs.largeLr]) expect(t.units[0].revived, t.setup.key).toEqual([]);
    expect(r.runs.he.units[1].revived.length).toBeGreaterThan(2);
    const v = r.revival!;
    expect(v.frozen).toBe(true);
    expect(v.zDead).toBeLessThanOrEqual(0);
    expect(v.zBack).toBeGreaterThan(0);
    expect(r.runs.he.history[1].dead[v.to][v.unit]).toBe(0);
    expect(r.runs.he.history[1].dead[v.to - 1][v.unit]).toBe(1);
  });

  it("Diagnostics' dead units are exactly the units whose largest z over the data is ≤ 0 (our own forward)", () => {
    for (const t of [r.runs.he, r.runs.largeLr]) {
      for (const layer of [0, 1]) {
        t.maxZ[layer].forEach((m, k) => {
          const ours = Array.from(m, (z) => (z <= 0 ? 1 : 0));
          expect(Array.from(t.history[layer].dead[k]), `${t.setup.key} layer ${layer + 1} after ${k} updates`).toEqual(ours);
        });
      }
    }
  });

  it("beyond recovery, recomputed: a second training loop's weight snapshots are bit-identical from each such unit's death on", () => {
    const t = r.runs.largeLr;
    const data = makeData(points, 0);
    const model = makeModel(t.setup, 0.1, 1);
    const linears = [model[0], model[2]] as Linear[];
    const snapshot = () => linears.map((l) => ({ w: Float32Array.from(l.weight.data), b: Float32Array.from(l.bias!.data) }));
    const snapshots = [snapshot()];
    const optimizer = new SGD(model.parameters(), { lr: t.setup.lr });
    for (let step = 1; step <= t.losses.length; step++) {
      optimizer.zeroGrad();
      bceWithLogits(model.forward(data.xTrain).reshape([-1]), data.yTrain).backward();
      optimizer.step();
      snapshots.push(snapshot());
    }
    let checked = 0;
    for (const layer of [0, 1]) {
      const inputs = layer === 0 ? 2 : WIDTH;
      for (const u of t.units[layer].beyondRecovery) {
        const since = t.units[layer].since[u];
        const row = (k: number) => [...snapshots[k][layer].w.subarray(u * inputs, (u + 1) * inputs), snapshots[k][layer].b[u]];
        // dead on the forward of update `since` on: the weights after update since − 1 are the weights at the end
        for (let k = since; k < snapshots.length; k++) expect(row(k), `layer ${layer + 1} unit ${u}`).toEqual(row(since));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    // and they are dead at the end: z ≤ 0 on every point, with the final weights
    const z1 = noGrad(() => linears[0].forward(data.xTrain));
    const max1 = Array.from(z1.max(0).data);
    for (const u of t.units[0].beyondRecovery) expect(max1[u]).toBeLessThanOrEqual(0);
    const max2 = Array.from(noGrad(() => linears[1].forward(relu(z1))).max(0).data);
    for (const u of t.units[1].beyondRecovery) expect(max2[u]).toBeLessThanOrEqual(0);
  });

  it("one big x: the outlier's gradient row for a layer-2 unit has one sign (h ≥ 0), and one update kills units for good", () => {
    const o = r.runs.outlier.outlier!;
    expect(o.step).toBe(20);
    expect(o.hMaxOutlier).toBeGreaterThan(100 * o.hMaxData);
    expect(o.killed.length).toBeGreaterThanOrEqual(3);
    expect(o.killedForGood.length).toBeGreaterThanOrEqual(1);
    expect(o.killedForGood.every((u) => o.killed.includes(u))).toBe(true);
    expect(o.unit).toBeGreaterThanOrEqual(0);
    // ∂J/∂z = (σ(logit) − t)/batch · v · relu′(z), with relu′ = 1 (the unit is on for the outlier)
    const sigma = 1 / (1 + Math.exp(-o.logit));
    expect(o.delta).toBeCloseTo(((sigma - o.label) / o.batch) * o.outWeight, 6);
    expect(o.delta).toBeGreaterThan(0);
    expect(o.negative).toBe(0);
    expect(o.positive + o.zero).toBe(WIDTH);
    expect(o.positive).toBeGreaterThan(0);
    expect(o.maxZBefore).toBeGreaterThan(0);
    expect(o.maxZAfter).toBeLessThanOrEqual(0);
    expect(o.zChange[1]).toBeLessThan(0); // z fell on every point
    // a healthy run otherwise: the same as He init up to the outlier's step
    expect(r.runs.outlier.losses.slice(0, o.step - 1)).toEqual(r.runs.he.losses.slice(0, o.step - 1));
  });

  it("a too-large learning rate kills most units within a few updates; He init with a sane rate keeps them", () => {
    const { he, largeLr } = r.runs;
    expect(largeLr.dead[0]).toEqual(he.dead[0]); // the same weights at the start
    expect(count(largeLr.dead[5][0])).toBeGreaterThan(WIDTH / 2);
    expect(largeLr.units[0].beyondRecovery.length).toBeGreaterThan(WIDTH / 2);
    expect(he.units[0].beyondRecovery.length).toBe(0);
    expect(he.finalLoss).toBeLessThan(largeLr.finalLoss);
    expect(he.trainAccuracy).toBeGreaterThan(0.85);
  });

  it("LeakyReLU: units never positive still learn (no unit without gradient, none beyond recovery), but it does not save lr 4", () => {
    const { badInit, leakyBadInit, leakyLargeLr } = r.runs;
    expect(leakyBadInit.noGradient.every(([a, b]) => a === 0 && b === 0)).toBe(true);
    expect(leakyBadInit.units.map((u) => u.beyondRecovery)).toEqual([[], []]);
    expect(leakyBadInit.units[1].deadAtEnd.length).toBeGreaterThan(WIDTH / 2); // never positive, yet not dead for good
    expect(leakyBadInit.finalLoss).toBeLessThan(badInit.finalLoss - 0.1);
    expect(leakyLargeLr.divergedAt).not.toBeNull();
  });

  it("the picture draws every run of the table, each with its own colour and dash, at the table's update counts", () => {
    const traces = Object.values(r.runs) as Trace[];
    const spec = deadSpec(traces, 80) as unknown as {
      vconcat: { hconcat: { layer: { data?: { values: { run: string; update: number; units: number }[] }; encoding?: { color: { scale: { domain: string[]; range: string[] } }; strokeDash: { scale: { range: number[][] } } } }[] }[] }[];
    };
    const lines = spec.vconcat[0].hconcat[1].layer[1];
    const enc = lines.encoding!;
    expect(enc.color.scale.domain).toEqual(traces.map((t) => t.setup.label));
    expect(new Set(enc.color.scale.range).size).toBe(traces.length);
    expect(new Set(enc.strokeDash.scale.range.map((d) => d.join(","))).size).toBeGreaterThanOrEqual(traces.length - 1);
    for (const t of traces) {
      for (const k of [0, 1, 5]) {
        const v = lines.data!.values.find((d) => d.run === t.setup.label && d.update === k);
        expect(v?.units, `${t.setup.key} after ${k}`).toBe(count(t.dead[k][1]));
      }
    }
  });

  it("the playground notes' numbers are the full-size lesson's too-large-rate run", () => {
    const t = train4(setups(0.1).find((s) => s.key === "largeLr")!, makeData(500, 0), 300, 0.1);
    expect([0, 1].map((l) => count(t.dead[0][l]))).toEqual([...LARGE_LR_DEAD.start]);
    expect([0, 1].map((l) => count(t.dead[5][l]))).toEqual([...LARGE_LR_DEAD.after5]);
    expect(t.units.map((u) => u.beyondRecovery.length)).toEqual([...LARGE_LR_DEAD.beyondRecovery]);
  }, 60_000);

  it("writes the dead-units and revival pictures, each at most a page wide", () => {
    expectPictures(out, r.files, ["4-dead-units", "4-revival"], { maxWidth: PAGE_WIDTH_PX });
  });
});

describe("lesson 5: the subgradient of ReLU at 0", () => {
  let r: SubgradientResult;
  beforeAll(async () => {
    r = await lesson5({ fast: true, outDir: out, quiet: true });
  }, 90_000);

  it("the subgradients at 0 are exactly the slopes in [0, 1]", () => {
    for (const s of r.subgradients) {
      if (s.g >= 0 && s.g <= 1) expect(s.min, `g = ${s.g}`).toBe(0);
      else expect(s.min, `g = ${s.g}`).toBeLessThan(0);
    }
    // relu(2) − 1.5·2 = 2 − 3 = −1;  relu(−2) − (−0.5)(−2) = 0 − 1 = −1
    expect(r.subgradients.find((s) => s.g === 1.5)).toEqual({ g: 1.5, min: -1, at: 2 });
    expect(r.subgradients.find((s) => s.g === -0.5)).toEqual({ g: -0.5, min: -1, at: -2 });
  });

  it("the built ReLU: forward bit for bit relu, backward c at the kink (or on the band) and relu′ elsewhere", () => {
    const values = [-1, 0, 2, 0.005, -0.005];
    for (const [band, want] of [[0, [0, 0.25, 1, 1, 0]], [0.01, [0, 0.25, 1, 0.25, 0.25]]] as const) {
      const z = tensor(values, { requiresGrad: true });
      const { y, inBand } = reluWithSlope(z, 0.25, band);
      expect(Array.from(y.data)).toEqual(Array.from(relu(tensor(values)).data));
      y.sum().backward();
      expect(Array.from(z.grad!.data)).toEqual(want);
      expect(inBand).toBe(band === 0 ? 1 : 3);
    }
  });

  it("ordinary float data: no pre-activation is exactly 0, so left, right and 0.5 are the same computation", () => {
    const { left, right, half, maxLossDiff } = r.ordinary;
    expect(left.preActivations).toBeGreaterThan(10_000);
    for (const t of [left, right, half]) expect(t.zeros.every((z) => z === 0)).toBe(true);
    expect(maxLossDiff).toBe(0);
    expect(right.losses).toEqual(left.losses);
    expect(half.losses).toEqual(left.losses);
    expect(last(left.losses)).toBeLessThan(left.losses[0] - 0.2); // and they did train
  });

  it("a wrong slope on a band around the kink is tolerated: the runs end near the plain one, at its accuracy", () => {
    const plain = last(r.ordinary.left.losses);
    for (const b of r.banded) {
      for (const t of [b.zero, b.one]) {
        expect(t.inBand).toBeGreaterThan(0);
        expect(t.wrong).toBeGreaterThan(0);
        expect(t.wrong).toBeLessThanOrEqual(t.inBand);
        expect(Math.abs(last(t.losses) - plain)).toBeLessThan(0.25 * plain);
        expect(Math.abs(t.accuracy - r.ordinary.left.accuracy)).toBeLessThanOrEqual(0.02);
      }
    }
    // the wider band gives more pre-activations a wrong slope
    expect(r.banded[1].zero.wrong).toBeGreaterThan(r.banded[0].zero.wrong);
  });

  it("the built case: many exact zeros; with left they stay, with any c > 0 they leave after one step", () => {
    const { left, right, between } = r.built;
    expect(left.zeros[0] / left.preActivations).toBeGreaterThan(0.3);
    for (const t of [right, ...between]) {
      expect(t.zeros[0]).toBe(left.zeros[0]); // the same start
      expect(last(t.zeros)).toBe(0);
      expect(t.zeroWeightsEnd).toBe(0);
      expect(last(t.losses)).toBeLessThan(last(left.losses) - 0.05);
    }
    expect(last(left.zeros)).toBe(left.zeros[0]);
    expect(left.zeroWeightsEnd).toBe(left.zeroWeightsStart);
    expect(left.zeroWeightsStart).toBeGreaterThan(HIDDEN * CATEGORIES * 0.3);
    expect(left.silentCategoriesEnd).toBeGreaterThan(right.silentCategoriesEnd);
  });

  it("the construction at c = 0 and c = 1 is the core's left and right, bit for bit, where zeros do occur", () => {
    expect(r.built.endsDiff).toEqual([0, 0]);
    expect(r.built.maxLossDiff).toBeGreaterThan(0.05); // and left and right do differ there
  });

  it("leaves the global ReLU side as it found it", () => {
    expect(getReluAtZero()).toBe("left");
  });

  it("writes the subgradients and training pictures, each at most a page wide", () => {
    expectPictures(out, r.files, ["5-subgradients", "5-subgradient"], { maxWidth: PAGE_WIDTH_PX });
  });
});

describe("the lessons' pages", () => {
  it("show the pictures the lessons draw, from examples/img, each at most a page wide", () => {
    const pages: [string, string[]][] = [
      ["3-zigzag.md", ["3-zigzag-paths", "3-zigzag-rates", "3-zigzag-batch"]],
      ["4-dead-relu.md", ["4-dead-units", "4-revival"]],
      ["5-subgradient.md", ["5-subgradients", "5-subgradient"]],
    ];
    for (const [page, names] of pages) {
      const md = readFileSync(join(EXAMPLES, "lessons", page), "utf8");
      const shown = [...md.matchAll(/\]\(\.\.\/img\/([^)]+\.png)\)/g)].map((m) => m[1]);
      expect(shown.sort(), page).toEqual(names.map((n) => `${n}.png`).sort());
      for (const file of shown) expect(pngSize(join(EXAMPLES, "img", file)).width, file).toBeLessThanOrEqual(PAGE_WIDTH_PX);
    }
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
    expect(run.stdout).toContain(`pictures in ${dir}: 5-subgradients.svg, 5-subgradients.png, 5-subgradient.svg, 5-subgradient.png`);
    expect(XMLValidator.validate(readFileSync(join(dir, "5-subgradient.svg"), "utf8"))).toBe(true);
  }, 90_000);

  it("pnpm lesson3 --fast and pnpm lesson4 --fast run from the command line", () => {
    for (const [file, pictures] of [["3-zigzag.ts", "3-zigzag-paths.svg"], ["4-dead-relu.ts", "4-dead-units.svg"]]) {
      const dir = join(out, `cli-${file}`);
      const run = runScript(file, ["--fast", "--out", dir]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout.split("\n")[0]).toMatch(/^CLAIM: /);
      expect(run.stdout).toContain(`pictures in ${dir}: ${pictures}`);
      expect(run.stdout).toMatch(/done in [\d.]+ s \(--fast\)\n$/);
    }
  }, 120_000);

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
