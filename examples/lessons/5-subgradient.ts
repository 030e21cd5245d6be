/**
 * Lesson 5 (`pnpm lesson5`) — the derivative of ReLU at 0 is a choice, and it rarely matters.
 *
 * relu(z) = max(z, 0) has no derivative at z = 0: the slope from the left is 0, from the right 1.
 * Backprop must still send something back through a pre-activation that is exactly 0. A number g is
 * a subgradient there when the line g·z stays under relu (relu(z) ≥ g·z for every z): for z > 0 that
 * needs g ≤ 1, for z < 0 it needs g ≥ 0, so every g in [0, 1] is one — every convex combination
 * (1 − λ)·0 + λ·1 of the two one-sided slopes. backprop uses 0 ("left", as PyTorch, TensorFlow and
 * JAX) unless told otherwise: `setReluAtZero("right")` switches every ReLU to 1 (docs/kinks.md). For
 * the values in between, the lesson builds a ReLU whose backward takes any slope c at the kink
 * (lib/lesson5-kink.ts); at c = 0 and c = 1 it reproduces left and right bit for bit.
 *
 * Why the choice rarely matters, two reasons, each shown with numbers:
 *
 * 1. Any value in [0, 1] is a valid subgradient, and gradient descent tolerates small errors in the
 *    derivative. Part B trains the ordinary network with a derivative that is deliberately wrong on
 *    a whole band |z| < ε around the kink (slope 0 or 1 there, for every pre-activation in the band,
 *    not only at 0): the runs end at nearly the same loss, with the same accuracy.
 * 2. Float data almost never land exactly on 0. Part A: two moons with float noise, an MLP
 *    2-32-32-1 with biases, trained with left and with right from the same seed: not one of millions
 *    of pre-activations is exactly 0, so the choice is never consulted and the losses match bit for bit.
 *
 * Where it does matter, part C: a case built so that pre-activations sit exactly at 0. One-hot
 * inputs (a categorical feature with 16 values), a hidden layer WITHOUT bias whose weights start as
 * integers −1, 0 or +1 (half of them 0, as a quantised or hand-set start might), then Linear(4, 1).
 * With a one-hot input the pre-activation of unit j for category c is the weight W[j, c] itself, so
 * half of them are exactly 0. With relu′(0) = 0 such a weight gets the gradient 0·(…) = 0 on every
 * step and stays exactly 0 forever; with any c > 0 it gets a gradient, moves off 0, and the unit
 * takes part for that category.
 *
 * Every pre-activation of every training step is checked for exact zeros by a pass-through module
 * (`ZeroCounter`) placed in front of each ReLU, and the counts are printed, so the claim rests on
 * counted zeros, not on the argument above.
 */
import { getReluAtZero, manualSeed, noGrad, randomInt, relu, setReluAtZero, tensor, type KinkSide, type Tensor } from "@backprop/core";
import { Linear, Module, ReLU, SGD, Sequential, bceWithLogits, deadUnits, moons, trainTestSplit } from "@backprop/nn";
import { writeFigure } from "../shared/figure.js";
import { ReluWithSlope, subgradientGap } from "./lib/lesson5-kink.js";
import { lossSpec, subgradientSpec } from "./lib/lesson5-figures.js";
import { claim, heading, printer, runAsScript, type LessonOptions, type LessonResult } from "./lib/run.js";
import { num, table, type Cell } from "./lib/table.js";
// The claim is shared with the browser playground's preset (notes/ is browser-safe).
import { BANDS, BUILT_SLOPES, CLAIM, SLOPES_CHECKED } from "./notes/5-subgradient.js";

export { CLAIM };

/** Passes its input through unchanged, counting the elements that are exactly 0 (when gradients are recorded). */
export class ZeroCounter extends Module {
  zeros = 0;
  total = 0;
  forward(x: Tensor): Tensor {
    const d = x.data;
    let z = 0;
    for (let i = 0; i < d.length; i++) if (d[i] === 0) z++;
    this.zeros += z;
    this.total += d.length;
    return x;
  }
  /** The counts since the last take(), then reset. */
  take(): { zeros: number; total: number } {
    const out = { zeros: this.zeros, total: this.total };
    this.zeros = this.total = 0;
    return out;
  }
}

/**
 * relu′(0): the core's "left" (0) or "right" (1), or a slope c built from ops (lib/lesson5-kink.ts),
 * used at exactly 0 or, with `band`, on every pre-activation with |z| < band.
 */
export type Slope = KinkSide | { c: number; band?: number };

export const slopeName = (s: Slope): string =>
  typeof s === "string" ? `${s} (${s === "left" ? 0 : 1})` : s.band ? `${s.c} on |z| < ${s.band}` : `${s.c} (built)`;

function activation(s: Slope): Module {
  return typeof s === "string" ? new ReLU() : new ReluWithSlope(s.c, s.band ?? 0);
}

export interface Trace {
  slope: Slope;
  /** The loss at each step (before its update). */
  losses: number[];
  /** Per step: exact zeros among all pre-activations of that step's forward, and how many there were. */
  zeros: number[];
  preActivations: number;
  /** Pre-activations on the band, which got the chosen slope c (0 for left/right); of them, those where c is not relu's slope. */
  inBand: number;
  wrong: number;
  accuracy: number;
}

/** Full-batch SGD; with "left"/"right" the global ReLU side is set for the run (and restored after). */
function trainWith(slope: Slope, model: Module, counters: ZeroCounter[], x: Tensor, y: Tensor, steps: number, lr: number): Trace {
  const previous = getReluAtZero();
  setReluAtZero(typeof slope === "string" ? slope : "left");
  try {
    const optimizer = new SGD(model.parameters(), { lr, momentum: 0.9 });
    const losses: number[] = [];
    const zeros: number[] = [];
    let preActivations = 0;
    for (let step = 1; step <= steps; step++) {
      optimizer.zeroGrad();
      const loss = bceWithLogits(model.forward(x).reshape([-1]), y);
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
      const counts = counters.map((c) => c.take());
      zeros.push(counts.reduce((s, c) => s + c.zeros, 0));
      preActivations = counts.reduce((s, c) => s + c.total, 0);
    }
    const banded = [...modulesOf(model)].filter((m): m is ReluWithSlope => m instanceof ReluWithSlope);
    const inBand = banded.reduce((s, m) => s + m.inBand, 0);
    const wrong = banded.reduce((s, m) => s + m.wrong, 0);
    const z = noGrad(() => model.forward(x).reshape([-1])).data; // (after the counts: not part of training)
    counters.forEach((c) => c.take());
    let right = 0;
    for (let i = 0; i < z.length; i++) if ((z[i] > 0 ? 1 : 0) === y.data[i]) right++;
    return { slope, losses, zeros, preActivations, inBand, wrong, accuracy: right / z.length };
  } finally {
    setReluAtZero(previous);
  }
}

function* modulesOf(model: Module): Iterable<Module> {
  if (model instanceof Sequential) for (const m of model) yield m;
}

// ---- parts A and B: ordinary data ---------------------------------------------------------------

export function ordinary(slope: Slope, points: number, steps: number): Trace {
  manualSeed(0);
  const { x, y } = moons(points, { noise: 0.1 });
  const { xTrain, yTrain } = trainTestSplit(x, y, { testFraction: 0.2 });
  manualSeed(1); // the same initial weights for every slope
  const counters = [new ZeroCounter(), new ZeroCounter()];
  const model = new Sequential(new Linear(2, 32), counters[0], activation(slope), new Linear(32, 32), counters[1], activation(slope), new Linear(32, 1));
  return trainWith(slope, model, counters, xTrain, yTrain, steps, 0.1);
}

// ---- part C: built so that pre-activations sit at exactly 0 -------------------------------------

export const CATEGORIES = 16;
export const HIDDEN = 4;

export interface BuiltTrace extends Trace {
  /** Hidden weights W[j, c] that are exactly 0, at the start and at the end (of HIDDEN × CATEGORIES). */
  zeroWeightsStart: number;
  zeroWeightsEnd: number;
  /** (unit, category) pairs where the unit outputs 0 for that category (deadUnits per category), at the start and at the end. */
  silentPairsStart: number;
  silentPairsEnd: number;
  /** Categories for which every hidden unit outputs 0 (deadUnits fraction 1): the model sees them all alike. */
  silentCategoriesEnd: number;
}

/**
 * `perCategory` examples of each of 16 categories, one-hot; each category has its own label (8 of
 * each class). Linear(16, 4, no bias) with weights −1, 0, 0 or +1 → ReLU → Linear(4, 1).
 */
export function built(slope: Slope, perCategory: number, steps: number): BuiltTrace {
  manualSeed(2);
  const labels = Array.from({ length: CATEGORIES }, (_, c) => (c % 2));
  const n = CATEGORIES * perCategory;
  const xs = new Float32Array(n * CATEGORIES);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % CATEGORIES;
    xs[i * CATEGORIES + c] = 1;
    ys[i] = labels[c];
  }
  const x = tensor(xs, { shape: [n, CATEGORIES] });
  const y = tensor(ys);

  const hidden = new Linear(CATEGORIES, HIDDEN, { bias: false });
  const ternary = [-1, 0, 0, 1]; // half the weights exactly 0
  noGrad(() => hidden.weight.copy_(tensor(Array.from({ length: HIDDEN * CATEGORIES }, () => ternary[randomInt(4)]), { shape: [HIDDEN, CATEGORIES] })));
  const counter = new ZeroCounter();
  const model = new Sequential(hidden, counter, activation(slope), new Linear(HIDDEN, 1));
  const countZeroWeights = () => Array.from(hidden.weight.data).filter((w) => w === 0).length;
  const zeroWeightsStart = countZeroWeights();

  const start = silent(hidden);
  const trace = trainWith(slope, model, [counter], x, y, steps, 0.5);
  const end = silent(hidden);
  return {
    ...trace, zeroWeightsStart, zeroWeightsEnd: countZeroWeights(),
    silentPairsStart: start.pairs, silentPairsEnd: end.pairs, silentCategoriesEnd: end.categories,
  };
}

/** Per category c: deadUnits of the hidden ReLU outputs for the one-hot input of c. */
function silent(hidden: Linear): { pairs: number; categories: number } {
  let pairs = 0;
  let categories = 0;
  for (let c = 0; c < CATEGORIES; c++) {
    const oneHot = tensor(Array.from({ length: CATEGORIES }, (_, k) => (k === c ? 1 : 0)), { shape: [1, CATEGORIES] });
    const { dead, fraction } = deadUnits(noGrad(() => relu(hidden.forward(oneHot))));
    pairs += dead.filter(Boolean).length;
    if (fraction === 1) categories++;
  }
  return { pairs, categories };
}

// ---- the lesson ---------------------------------------------------------------------------------

export interface SubgradientResult extends LessonResult {
  /** The subgradient check: for each slope g, the smallest relu(z) − g·z on z in [−2, 2]. */
  subgradients: { g: number; min: number; at: number }[];
  ordinary: { left: Trace; right: Trace; half: Trace; maxLossDiff: number };
  /** Part B: a deliberately wrong slope on a band around the kink, per band, slope 0 and slope 1. */
  banded: { band: number; zero: Trace; one: Trace }[];
  built: { left: BuiltTrace; right: BuiltTrace; maxLossDiff: number; between: BuiltTrace[]; endsDiff: number[] };
}

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const big = (v: number): string => v.toLocaleString("en");

export async function run(opts: LessonOptions): Promise<SubgradientResult> {
  const say = printer(opts);
  say(claim(CLAIM));
  const stepsA = opts.fast ? 60 : 300;
  const stepsC = opts.fast ? 100 : 300;
  const points = opts.fast ? 200 : 500;

  // ---- the derivation: which slopes are subgradients at 0
  say(heading("the kink: which slopes may backprop use at z = 0?"));
  say("relu(z) = max(z, 0) has slope 0 for z < 0 (the left derivative at 0) and 1 for z > 0 (the right one).");
  say("A number g is a subgradient of relu at 0 when the line through (0, 0) with slope g stays under relu:");
  say("  relu(z) ≥ relu(0) + g·(z − 0) = g·z  for every z");
  say("For z > 0 this reads z ≥ g·z, so g ≤ 1; for z < 0 it reads 0 ≥ g·z, so g ≥ 0. The subgradients at 0 are");
  say("exactly the g in [0, 1]: the convex combinations (1 − λ)·0 + λ·1 of the two one-sided slopes. Checked on");
  say("z = −2, −1.99, …, 2:");
  const zs = Array.from({ length: 401 }, (_, k) => -2 + k / 100);
  const subgradients = SLOPES_CHECKED.map((g) => ({ g, ...subgradientGap(g, zs) }));
  say(table(["g", "smallest relu(z) − g·z", "a subgradient at 0?"], subgradients.map((s): Cell[] => [
    num(s.g), s.min < 0 ? `${num(s.min)} at z = ${num(s.at)}` : num(s.min),
    s.min < 0 ? "no: the line rises above relu" : s.g === 0 ? "yes (left: backprop's default)" : s.g === 1 ? "yes (right)" : "yes",
  ]), { align: ["r", "r", "l"] }));
  say("Descending along any of them is a valid subgradient method. The two reasons below say why the choice");
  say("rarely shows in a trained network; part C shows where it does.");

  // ---- A. reason 2: float data never land on 0
  say(heading("A. ordinary data: two moons (float noise), MLP 2-32-32-1, full-batch SGD"));
  const a = { left: ordinary("left", points, stepsA), right: ordinary("right", points, stepsA), half: ordinary({ c: 0.5 }, points, stepsA) };
  const diffA = Math.max(maxDiff(a.left.losses, a.right.losses), maxDiff(a.left.losses, a.half.losses));
  say(table(["relu′(0)", "pre-activations seen", "exactly 0", "final loss", "train accuracy"], [a.left, a.right, a.half].map((t): Cell[] => [
    slopeName(t.slope), big(t.preActivations * stepsA), sum(t.zeros), num(t.losses.at(-1)!, 6), pct(t.accuracy),
  ])));
  const zerosA = sum(a.left.zeros) + sum(a.right.zeros) + sum(a.half.zeros);
  say(`\nLargest difference between the three loss curves over ${stepsA} steps: ${num(diffA)}.`);
  if (zerosA === 0) {
    say("Reason 2: no pre-activation was ever exactly 0. A pre-activation z = w·x + b is a float32 sum of products");
    say("of noisy numbers; z = 0 needs an exact cancellation to the last bit, and none happened. The choice was");
    say("never consulted: the three runs are the same computation, bit for bit. (Losses are printed to 6 digits:");
    say("the js and wasm kernels add matrix products in a different order, so a run's last bits differ between");
    say("backends, not between the three runs on one backend.)");
  } else {
    say(`Reason 2, almost: ${zerosA} of the ${big(3 * a.left.preActivations * stepsA)} pre-activations of the three runs were exactly 0, the only places`);
    say(`where the choice was consulted. The loss curves parted there, by at most ${num(diffA)}: a different but valid`);
    say("subgradient at a handful of points barely moves training (reason 1).");
  }

  // ---- B. reason 1: small derivative errors are tolerated
  say(heading("B. the same network with a wrong derivative near the kink"));
  say("Reason 1 is about what happens when the kink IS consulted: gradient descent tolerates small errors in");
  say("the derivative. To see it on this data, the slope is forced to 0 or to 1 on a whole band |z| < ε around");
  say("the kink (the forward is unchanged). On one side of 0 that slope is wrong, off by 1:");
  const banded = BANDS.map((band) => ({ band, zero: ordinary({ c: 0, band }, points, stepsA), one: ordinary({ c: 1, band }, points, stepsA) }));
  const seen = (t: Trace) => t.preActivations * stepsA;
  say(table(["band ε", "slope on the band", "in the band", "given a wrong slope", "final loss", "train accuracy"], banded.flatMap((b) => [b.zero, b.one].map((t): Cell[] => {
    const s = t.slope as { c: number; band: number };
    return [s.c === 0 ? String(b.band) : "", String(s.c), pct(t.inBand / seen(t)), pct(t.wrong / seen(t)), num(t.losses.at(-1)!, 3), pct(t.accuracy)];
  })), { align: ["r", "r", "r", "r", "r", "r"] }));
  const worst = Math.max(...banded.flatMap((b) => [b.zero, b.one]).map((t) => t.wrong / seen(t)));
  say(`(shares of the ${big(seen(banded[0].zero))} pre-activations of each run; losses to 3 digits, as the two kernel backends differ`);
  say("beyond: they add matrix products in a different order, and a run with the band amplifies the last bits)");
  say(`\nWithout the band (part A) the final loss is ${num(a.left.losses.at(-1)!, 3)}. With up to ${pct(worst)} of the pre-activations given a slope`);
  say("off by 1, training still ends at nearly the same loss and the same accuracy: a subgradient method does");
  say("not need the exact derivative, only steps that still go downhill on the whole.");

  // ---- C. where it matters
  say(heading(`C. built for zeros: one-hot inputs (${CATEGORIES} categories), Linear(${CATEGORIES}, ${HIDDEN}) without bias, weights −1/0/+1`));
  const perCategory = opts.fast ? 4 : 8;
  const c = { left: built("left", perCategory, stepsC), right: built("right", perCategory, stepsC) };
  const between = BUILT_SLOPES.map((g) => built({ c: g }, perCategory, stepsC));
  // the construction at the ends of [0, 1] against the core's own left and right, on the case where they differ
  const ends = { zero: built({ c: 0 }, perCategory, stepsC), one: built({ c: 1 }, perCategory, stepsC) };
  const endsDiff = [maxDiff(ends.zero.losses, c.left.losses), maxDiff(ends.one.losses, c.right.losses)];
  const diffC = maxDiff(c.left.losses, c.right.losses);
  const total = HIDDEN * CATEGORIES;
  say(`${CATEGORIES * perCategory} examples; each category has its own label. Pre-activations exactly 0 at steps 1, 2 and the last:`);
  say(table(["relu′(0)", "zeros: step 1", "step 2", "last", "zero weights: start", "end", "final loss", "train accuracy"], [c.left, ...between, c.right].map((t): Cell[] => [
    slopeName(t.slope), pct(t.zeros[0] / t.preActivations), pct(t.zeros[1] / t.preActivations), pct(t.zeros.at(-1)! / t.preActivations),
    `${t.zeroWeightsStart}/${total}`, `${t.zeroWeightsEnd}/${total}`, num(t.losses.at(-1)!, 4), pct(t.accuracy),
  ])));
  say(`\n(built: relu′(0) = c from ops, lib/lesson5-kink.ts. Built with c = 0 and c = 1 it gives left's and right's loss curves`);
  say(`to within ${num(endsDiff[0])} and ${num(endsDiff[1])}: ${endsDiff[0] === 0 && endsDiff[1] === 0 ? "bit for bit" : "NOT bit for bit (!)"}.)`);
  say(`Silent (unit, category) pairs, where deadUnits finds the unit at 0 for that category: ${c.left.silentPairsStart}/${total} at the start,`);
  say(`${c.left.silentPairsEnd} at the end with left, ${c.right.silentPairsEnd} with right. Categories where every unit is silent (the model cannot tell`);
  say(`them apart, it gives them all the output bias): ${c.left.silentCategoriesEnd} with left, ${c.right.silentCategoriesEnd} with right.`);
  say(`\nThe loss curves agree at step 1 (${num(c.left.losses[0], 6)}, the same start) and then part, by up to ${num(diffC)}. With left, the`);
  say(`${c.left.zeroWeightsStart} weights that start at 0 get a gradient of exactly 0 (relu′(0) = 0 multiplies it) and are still 0 after`);
  say(`${stepsC} steps. With any slope c > 0 they get a gradient on step 1 and move off 0 (with right, ${c.right.zeroWeightsEnd} of them are`);
  say("still 0 at the end): up, and the unit learns that category; down, and it falls silent as a plain negative");
  say("pre-activation would. Which way each one goes depends on c, and so does the end: the choice decides which");
  say("units learn.");

  const files = [
    ...(await writeFigure(opts.outDir, "5-subgradients", subgradientSpec(SLOPES_CHECKED))),
    ...(await writeFigure(opts.outDir, "5-subgradient", lossSpec(a, banded, { left: c.left, right: c.right, between }))),
  ];
  return {
    subgradients,
    ordinary: { ...a, maxLossDiff: diffA },
    banded,
    built: { ...c, maxLossDiff: diffC, between, endsDiff },
    files,
  };
}

await runAsScript(import.meta.url, {
  script: "lesson5",
  about: [
    "Lesson 5: the subgradient of ReLU at 0. Shows that every slope in [0, 1] is a subgradient there; trains",
    "with relu′(0) = 0 (left), 1 (right) and 0.5 from the same start on ordinary float data (the runs match",
    "bit for bit: no pre-activation is ever 0); with a deliberately wrong slope on a band around the kink",
    "(training barely notices); and on a case built so that pre-activations sit exactly at 0 (one-hot",
    "inputs, no bias, integer weights), where the choice decides what learns.",
  ].join("\n"),
}, run);
