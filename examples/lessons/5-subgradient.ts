/**
 * Lesson 5 (`pnpm lesson5`) — the derivative of ReLU at 0 is a choice, and it rarely matters.
 *
 * relu(z) = max(z, 0) has no derivative at z = 0: the slope from the left is 0, from the right 1.
 * Backprop must still send something back through a pre-activation that is exactly 0; any value in
 * [0, 1] is a valid subgradient. backprop uses 0 ("left", as PyTorch, TensorFlow and JAX) unless
 * told otherwise: `setReluAtZero("right")` switches every ReLU to 1 (see docs/kinks.md).
 *
 * Part A, ordinary data: two moons with float noise, an MLP 2-32-32-1 with biases, trained once
 * with "left" and once with "right" from the same seed. A float32 pre-activation lands on exactly 0
 * essentially never, so the two runs compute the very same numbers: the losses match bit for bit.
 *
 * Part B, a case built so that pre-activations sit exactly at 0: one-hot inputs (a categorical
 * feature with 16 values), a hidden layer WITHOUT bias whose weights start as integers −1, 0 or +1
 * (half of them 0, as a quantised or hand-set start might), then Linear(4, 1). With a one-hot input
 * the pre-activation of unit j for category c is the weight W[j, c] itself, so half of them are
 * exactly 0. With "left" such a weight gets the gradient 0·(…) = 0 on every step and stays exactly
 * 0 forever; with "right" it gets a gradient, moves off 0, and the unit takes part for that category.
 * The two runs diverge from the first step and end at clearly different losses.
 *
 * Every pre-activation of every training step is checked for exact zeros by a pass-through module
 * (`ZeroCounter`) placed in front of each ReLU, and the counts are printed, so the claim rests on
 * counted zeros, not on the argument above.
 */
import { getReluAtZero, manualSeed, noGrad, randomInt, relu, setReluAtZero, tensor, type KinkSide, type Tensor } from "@backprop/core";
import { Linear, Module, ReLU, SGD, Sequential, bceWithLogits, deadUnits, moons, trainTestSplit } from "@backprop/nn";
import { FONT, writeFigure, type TopLevelSpec } from "../shared/figure.js";
import { claim, heading, printer, runAsScript, type LessonOptions, type LessonResult } from "./lib/run.js";
import { num, table, type Cell } from "./lib/table.js";
// The claim is shared with the browser playground's preset (notes/ is browser-safe).
import { CLAIM } from "./notes/5-subgradient.js";

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

export interface Trace {
  side: KinkSide;
  /** The loss at each step (before its update). */
  losses: number[];
  /** Per step: exact zeros among all pre-activations of that step's forward, and how many there were. */
  zeros: number[];
  preActivations: number;
  accuracy: number;
}

/** Full-batch SGD with the global ReLU side set to `side` for the run (and restored after). */
function trainWith(side: KinkSide, model: Module, counters: ZeroCounter[], x: Tensor, y: Tensor, steps: number, lr: number): Trace {
  const previous = getReluAtZero();
  setReluAtZero(side);
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
    const z = noGrad(() => model.forward(x).reshape([-1])).data;
    counters.forEach((c) => c.take()); // not part of training
    let right = 0;
    for (let i = 0; i < z.length; i++) if ((z[i] > 0 ? 1 : 0) === y.data[i]) right++;
    return { side, losses, zeros, preActivations, accuracy: right / z.length };
  } finally {
    setReluAtZero(previous);
  }
}

// ---- part A: ordinary data ----------------------------------------------------------------------

export function ordinary(side: KinkSide, points: number, steps: number): Trace {
  manualSeed(0);
  const { x, y } = moons(points, { noise: 0.1 });
  const { xTrain, yTrain } = trainTestSplit(x, y, { testFraction: 0.2 });
  manualSeed(1); // the same initial weights for both sides
  const counters = [new ZeroCounter(), new ZeroCounter()];
  const model = new Sequential(new Linear(2, 32), counters[0], new ReLU(), new Linear(32, 32), counters[1], new ReLU(), new Linear(32, 1));
  return trainWith(side, model, counters, xTrain, yTrain, steps, 0.1);
}

// ---- part B: built so that pre-activations sit at exactly 0 -------------------------------------

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
export function built(side: KinkSide, perCategory: number, steps: number): BuiltTrace {
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
  const model = new Sequential(hidden, counter, new ReLU(), new Linear(HIDDEN, 1));
  const countZeroWeights = () => Array.from(hidden.weight.data).filter((w) => w === 0).length;
  const zeroWeightsStart = countZeroWeights();

  const start = silent(hidden);
  const trace = trainWith(side, model, [counter], x, y, steps, 0.5);
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
  ordinary: { left: Trace; right: Trace; maxLossDiff: number };
  built: { left: BuiltTrace; right: BuiltTrace; maxLossDiff: number };
}

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

export async function run(opts: LessonOptions): Promise<SubgradientResult> {
  const say = printer(opts);
  say(claim(CLAIM));
  const stepsA = opts.fast ? 60 : 300;
  const stepsB = opts.fast ? 100 : 300;
  const points = opts.fast ? 200 : 500;

  say(heading("A. ordinary data: two moons (float noise), MLP 2-32-32-1, full-batch SGD"));
  const a = { left: ordinary("left", points, stepsA), right: ordinary("right", points, stepsA) };
  const diffA = maxDiff(a.left.losses, a.right.losses);
  say(table(["relu′(0)", "pre-activations seen", "exactly 0", "final loss", "train accuracy"], [a.left, a.right].map((t): Cell[] => [
    `${t.side} (${t.side === "left" ? 0 : 1})`, (t.preActivations * stepsA).toLocaleString("en"), sum(t.zeros), num(t.losses.at(-1)!, 8), pct(t.accuracy),
  ])));
  const zerosA = sum(a.left.zeros) + sum(a.right.zeros);
  say(`\nLargest difference between the two loss curves over ${stepsA} steps: ${num(diffA)}.`);
  if (zerosA === 0) say("No pre-activation was ever exactly 0, so the choice was never consulted: the runs are the same computation.");
  else say(`${zerosA} pre-activations were exactly 0; only there could the two runs part.`);

  say(heading(`B. built for zeros: one-hot inputs (${CATEGORIES} categories), Linear(${CATEGORIES}, ${HIDDEN}) without bias, weights −1/0/+1`));
  const b = { left: built("left", opts.fast ? 4 : 8, stepsB), right: built("right", opts.fast ? 4 : 8, stepsB) };
  const diffB = maxDiff(b.left.losses, b.right.losses);
  const total = HIDDEN * CATEGORIES;
  say(`${CATEGORIES * (opts.fast ? 4 : 8)} examples; each category has its own label. Pre-activations exactly 0 at steps 1, 2 and the last:`);
  say(table(["relu′(0)", "zeros: step 1", "step 2", "last", "zero weights: start", "end", "final loss", "train accuracy"], [b.left, b.right].map((t): Cell[] => [
    `${t.side} (${t.side === "left" ? 0 : 1})`, pct(t.zeros[0] / t.preActivations), pct(t.zeros[1] / t.preActivations), pct(t.zeros.at(-1)! / t.preActivations),
    `${t.zeroWeightsStart}/${total}`, `${t.zeroWeightsEnd}/${total}`, num(t.losses.at(-1)!, 4), pct(t.accuracy),
  ])));
  say(`\nSilent (unit, category) pairs, where deadUnits finds the unit at 0 for that category: ${b.left.silentPairsStart}/${total} at the start,`);
  say(`${b.left.silentPairsEnd} at the end with left, ${b.right.silentPairsEnd} with right. Categories where every unit is silent (the model cannot tell`);
  say(`them apart, it gives them all the output bias): ${b.left.silentCategoriesEnd} with left, ${b.right.silentCategoriesEnd} with right.`);
  say(`\nThe loss curves agree at step 1 (${num(b.left.losses[0], 6)}, the same start) and then part, by up to ${num(diffB)}. With left, the`);
  say(`${b.left.zeroWeightsStart} weights that start at 0 get a gradient of exactly 0 (relu′(0) = 0 multiplies it) and are still 0 after`);
  say(`${stepsB} steps. With right, they get a gradient on step 1 and move off 0 (${b.right.zeroWeightsEnd} still at 0): up, and the unit`);
  say("learns that category; down, and it falls silent as a plain negative pre-activation would.");

  const files = await writeFigure(opts.outDir, "5-subgradient", lossSpec(a, b));
  return { ordinary: { ...a, maxLossDiff: diffA }, built: { ...b, maxLossDiff: diffB }, files };
}

// ---- the picture --------------------------------------------------------------------------------

function lossSpec(a: { left: Trace; right: Trace }, b: { left: Trace; right: Trace }): TopLevelSpec {
  const sides = ["left: relu′(0) = 0", "right: relu′(0) = 1"];
  const label = (t: Trace) => sides[t.side === "left" ? 0 : 1];
  const color = { field: "side", type: "nominal" as const, title: null, scale: { domain: sides, range: ["#2166ac", "#d6604d"] } };
  const strokeDash = { field: "side", type: "nominal" as const, title: null, scale: { domain: sides, range: [[1, 0], [6, 4]] } };
  const x = { field: "step", type: "quantitative" as const, title: "step" };
  const row = (title: string, runs: { left: Trace; right: Trace }) => {
    const values = [runs.left, runs.right].flatMap((t) => t.losses.map((loss, k) => ({ side: label(t), step: k + 1, loss, zeros: t.zeros[k] / t.preActivations })));
    const counted = [runs.right, runs.left].map((t) => `${label(t).split(":")[0]}: ${sum(t.zeros).toLocaleString("en")} of ${(t.preActivations * t.losses.length).toLocaleString("en")} exactly 0`);
    return {
      title: { text: title, anchor: "start" as const, fontSize: 13 },
      data: { values },
      hconcat: [
        {
          width: 300, height: 160,
          mark: { type: "line" as const, strokeWidth: 2.2 },
          encoding: { x, y: { field: "loss", type: "quantitative" as const, title: "training loss", scale: { zero: true } }, color, strokeDash },
        },
        {
          width: 300, height: 160,
          layer: [
            {
              mark: { type: "line" as const, strokeWidth: 2.2 },
              encoding: { x, y: { field: "zeros", type: "quantitative" as const, title: "pre-activations exactly 0", scale: { domain: [0, 1] }, axis: { format: "%" } }, color, strokeDash },
            },
            {
              data: { values: counted.map((text, k) => ({ text, k })) },
              mark: { type: "text" as const, align: "right" as const, x: 295, fontSize: 11, color: "#333" },
              encoding: { y: { field: "k", type: "quantitative" as const, scale: { domain: [-4.5, 1.5] }, axis: null }, text: { field: "text" } },
            },
          ],
          resolve: { scale: { y: "independent" } },
        },
      ],
    };
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Lesson 5: training with relu′(0) = 0 (left) versus 1 (right), from the same start", anchor: "start", fontSize: 15 },
    config: { font: FONT, aria: false, legend: { orient: "bottom", symbolType: "stroke", symbolStrokeWidth: 3, labelLimit: 300 } },
    vconcat: [
      row("A. two moons, float data, MLP 2-32-32-1: the curves lie on top of each other", a),
      row(`B. one-hot inputs, hidden layer without bias, weights −1/0/+1: the curves part`, b),
    ],
    resolve: { scale: { color: "shared", strokeDash: "shared" } },
  } as TopLevelSpec;
}

await runAsScript(import.meta.url, {
  script: "lesson5",
  about: [
    "Lesson 5: the subgradient of ReLU at 0. Trains with relu′(0) = 0 (left) and = 1 (right) from the same",
    "start, on ordinary float data (the runs match bit for bit) and on a case built so that pre-activations",
    "sit exactly at 0 (one-hot inputs, no bias, integer weights), where the choice decides what learns.",
  ].join("\n"),
}, run);
