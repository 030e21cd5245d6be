/**
 * Lesson 3 (`pnpm lesson3`) — all-positive inputs make gradient descent zig-zag.
 *
 * The model is one linear unit with two weights and no bias, z = w₁x₁ + w₂x₂ (a Linear(2, 1)),
 * fitted by squared error J = (z − t)² to targets made by w* = (1.5, −1): from the start (−1.5, 1)
 * the weights must move w₁ UP and w₂ DOWN, a ↘ move.
 *
 * The chain rule, for ONE example: ∂J/∂wᵢ = (∂J/∂z)·(∂z/∂wᵢ) = (∂J/∂z)·xᵢ. If both inputs are
 * positive (here: the outputs of a sigmoid layer, all in (0, 1)), both components of the gradient
 * carry the sign of ∂J/∂z, so every update moves both weights the same way — up-up or down-down,
 * never up-down. The run has to zig-zag (↗ ↙ ↗ ↙ …) towards an optimum that lies ↘. Subtracting
 * the mean (zero-centred inputs, as a tanh layer or normalised data give) removes that constraint.
 * The lesson prints this derivation with the numbers of the run's first step.
 *
 * Both runs see the same points in the same order (stochastic gradient descent, one example per
 * step: the setting of the lecture's argument), from the same start, and stop when the weights are
 * within 0.05 of w*. A `Diagnostics` monitor on the Linear layer reads, at every step, the sign
 * agreement of the weight gradient (are ∂J/∂w₁ and ∂J/∂w₂ of one sign?) and the angle between
 * consecutive updates (near 180°: straight back, the zig-zag).
 *
 * The learning rate. At a small rate the two runs are equally fast: the ↘ direction is equally
 * curved in both losses, and the positive run's ↗↙ swings die out at once. What the swings cost is
 * the rate itself: they grow with the step size, and past a point they blow up, while the centred run
 * keeps speeding up well beyond it. So a fixed rate is not a fair comparison; the lesson runs both on
 * the same grid of rates, prints every one (nothing hidden), and compares each run at its own best.
 *
 * Per example, not per batch. The rule is about one example's gradient. A batch's gradient is the
 * sum of its examples' gradients, and when their ∂J/∂z differ in sign the sum need not be one-sign.
 * The last part counts this on the network of the tutorial's Diagnostics example (lib/lesson3-batch.ts),
 * which explains the 9.4% one-sign rows that example prints.
 */
import { manualSeed, noGrad, randn, sigmoid, tensor, type Tensor } from "@backprop/core";
import { Diagnostics, Linear, SGD, mse } from "@backprop/nn";
import { writeFigure } from "../shared/figure.js";
import { diagnosticsExample, EXAMPLE, type BatchResult } from "./lib/lesson3-batch.js";
import { batchSpec, pathsSpec, ratesSpec } from "./lib/lesson3-figures.js";
import { claim, heading, printer, runAsScript, type LessonOptions, type LessonResult } from "./lib/run.js";
import { num, table, type Cell } from "./lib/table.js";
// The claim and the weights are shared with the browser playground's preset (notes/ is browser-safe).
import { BATCHES, CLAIM, W_START, W_STAR } from "./notes/3-zigzag.js";

export { CLAIM, W_START, W_STAR };
export const TOLERANCE = 0.05;

export interface Inputs {
  name: "positive" | "centred";
  /** [n, 2] inputs and [n] targets t = x·w*. */
  x: Tensor;
  t: Tensor;
}

/** n points with both coordinates the output of a sigmoid (all in (0, 1)), and the same points minus their mean. */
export function makeInputs(n: number, seed: number): [Inputs, Inputs] {
  manualSeed(seed);
  const positive = noGrad(() => sigmoid(randn([n, 2], { dtype: "float64" })));
  const centred = noGrad(() => positive.sub(positive.mean(0, true)));
  const wStar = tensor([...W_STAR], { dtype: "float64" });
  const targets = (x: Tensor) => noGrad(() => x.matmul(wStar));
  return [
    { name: "positive", x: positive, t: targets(positive) },
    { name: "centred", x: centred, t: targets(centred) },
  ];
}

export interface Run {
  lr: number;
  /** Steps until |w − w*| ≤ TOLERANCE, or null if it never got there (diverged or too slow). */
  steps: number | null;
  diverged: boolean;
  /** Fraction of steps whose weight gradient had both components of one sign (Diagnostics' signAgreement). */
  signAgreement: number;
  /** Per step: did both gradient components have the same sign (a ↗ or ↙ step)? */
  sameSign: boolean[];
  /** Mean angle between consecutive updates (Diagnostics' updateAngle): near 180° = back and forth. */
  meanUpdateAngle: number;
  /** The weights after each step, starting with the start. */
  path: [number, number][];
}

const distance = (w: ArrayLike<number>) => Math.hypot(w[0] - W_STAR[0], w[1] - W_STAR[1]);

/** A Linear(2, 1) without bias, its weight [1, 2] = [w₁, w₂] set to the start. */
function startModel(): Linear {
  const model = new Linear(2, 1, { bias: false, dtype: "float64" });
  noGrad(() => model.weight.copy_(tensor([[...W_START]], { dtype: "float64" })));
  return model;
}

/**
 * One example per step, the examples in order (cycling), plain SGD at the given rate. The model is
 * a Linear(2, 1) without bias (weight [1, 2] = [w₁, w₂]); a Diagnostics monitor on it reads the
 * sign agreement of each weight gradient and the angle between consecutive updates.
 */
export function train({ x, t }: Inputs, lr: number, maxSteps: number): Run {
  const model = startModel();
  const w = model.weight.data;
  const optimizer = new SGD(model.parameters(), { lr });
  const diagnostics = new Diagnostics(model);
  const n = x.shape[0];
  const path: [number, number][] = [[w[0], w[1]]];
  const sameSign: boolean[] = [];
  const angles: number[] = [];
  let steps: number | null = null;
  let diverged = false;
  for (let step = 1; step <= maxSteps; step++) {
    const i = (step - 1) % n;
    optimizer.zeroGrad();
    const z = model.forward(x.slice([i, 0], [i + 1, 2])).reshape([1]); // z = w₁x₁ + w₂x₂ for example i
    mse(z, t.slice([i], [i + 1])).backward();
    optimizer.step();
    const report = diagnostics.step();
    sameSign.push(report.signAgreement[0].fraction === 1); // one row: 1 when ∂J/∂w₁ and ∂J/∂w₂ share a sign
    const angle = report.updateAngle[0].degrees;
    if (angle !== null) angles.push(angle);
    path.push([w[0], w[1]]);
    const d = distance(w);
    if (!(d < 1e3)) {
      diverged = true;
      break;
    }
    if (d <= TOLERANCE) {
      steps = step;
      break;
    }
  }
  diagnostics.detach();
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  return { lr, steps, diverged, signAgreement: mean(sameSign.map(Number)), sameSign, meanUpdateAngle: mean(angles), path };
}

/** The chain rule of one step, by hand and by autograd: example `index` at the weights `w`. */
export interface OneExample {
  /** The run's step (1-based) and the example it used (0-based). */
  step: number;
  index: number;
  w: [number, number];
  x: [number, number];
  t: number;
  z: number;
  loss: number;
  /** ∂J/∂z = 2(z − t), by hand. */
  dz: number;
  /** (∂J/∂z)·xᵢ, by hand. */
  byHand: [number, number];
  /** weight.grad after backward(). */
  autograd: [number, number];
}

/** Step `step` of a run of `train` (one example per step, in order): its example, at the weights it started from. */
export function oneStep({ x, t }: Inputs, run: Run, step: number): OneExample {
  const index = (step - 1) % x.shape[0];
  const w = run.path[step - 1];
  const model = new Linear(2, 1, { bias: false, dtype: "float64" });
  noGrad(() => model.weight.copy_(tensor([[...w]], { dtype: "float64" })));
  const xi = x.slice([index, 0], [index + 1, 2]);
  const z = model.forward(xi).reshape([1]);
  const ti = t.data[index];
  const loss = mse(z, t.slice([index], [index + 1]));
  loss.backward();
  const [x1, x2] = [xi.data[0], xi.data[1]];
  const dz = 2 * (z.data[0] - ti);
  const g = model.weight.grad!.data;
  return { step, index, w: [w[0], w[1]], x: [x1, x2], t: ti, z: z.data[0], loss: loss.item(), dz, byHand: [dz * x1, dz * x2], autograd: [g[0], g[1]] };
}

// ---- the lesson ---------------------------------------------------------------------------------

export interface ZigzagResult extends LessonResult {
  /** The derivation's example, as positive and as centred inputs. */
  example: { positive: OneExample; centred: OneExample };
  /** Each input kind at its best learning rate from the grid. */
  positive: Run;
  centred: Run;
  /** The centred inputs at the positive run's best learning rate. */
  centredAtSameLr: Run;
  /** The positive inputs at the smallest rate of the grid above their best at which they diverge. */
  positiveTooFast: Run;
  /** The largest learning rate in the grid at which the positive run does not diverge. */
  largestStablePositiveLr: number;
  /** Every learning rate tried, both kinds. */
  sweep: { lr: number; positive: Run; centred: Run }[];
  /** Part 2: per example against per batch, on the tutorial's Diagnostics example. */
  batches: BatchResult;
}

const fmtSteps = (r: Run): Cell => r.steps ?? (r.diverged ? "diverges" : "too slow");
const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;
const pct1 = (v: number): string => `${(100 * v).toFixed(1)}%`;
const f4 = (v: number): string => v.toFixed(4);
const sgn = (v: number): string => (v > 0 ? "+" : v < 0 ? "−" : "0");

/** The run that reached w* in the fewest steps (ties: the smaller learning rate). */
function best(runs: Run[]): Run {
  const done = runs.filter((r) => r.steps !== null);
  if (done.length === 0) throw new Error("lesson 3: no learning rate in the grid converged");
  return done.reduce((a, b) => (b.steps! < a.steps! ? b : a));
}

function largestStable(runs: Run[]): number {
  return Math.max(...runs.filter((r) => !r.diverged).map((r) => r.lr));
}

/** The chain rule written out with the numbers of one step. */
function derivation(e: OneExample, label: string): string[] {
  const [x1, x2] = e.x;
  const [w1, w2] = e.w.map((v) => (Number(v.toFixed(4)) === v ? String(v) : f4(v))); // the start as it is written
  const arrow = (d1: number, d2: number) => (d1 > 0 ? (d2 > 0 ? "↗" : "↘") : d2 > 0 ? "↖" : "↙");
  return [
    `${label}, step ${e.step}: example ${e.index + 1}, x = (${f4(x1)}, ${f4(x2)}), t = x·w* = ${f4(e.t)}, at w = (${w1}, ${w2})`,
    `  z      = w₁x₁ + w₂x₂ = (${w1})(${f4(x1)}) + (${w2})(${f4(x2)}) = ${f4(e.z)}`,
    `  ∂J/∂z  = 2(z − t) = 2(${f4(e.z)} − ${f4(e.t)}) = ${f4(e.dz)}`,
    `  ∂J/∂w₁ = (∂J/∂z)·x₁ = (${f4(e.dz)})(${f4(x1)}) = ${f4(e.byHand[0])}    autograd: ${f4(e.autograd[0])}`,
    `  ∂J/∂w₂ = (∂J/∂z)·x₂ = (${f4(e.dz)})(${f4(x2)}) = ${f4(e.byHand[1])}    autograd: ${f4(e.autograd[1])}`,
    `  signs (${sgn(e.autograd[0])}, ${sgn(e.autograd[1])}): the step −lr·∇J moves w ${arrow(-e.autograd[0], -e.autograd[1])}`,
  ];
}

export async function run(opts: LessonOptions): Promise<ZigzagResult> {
  const say = printer(opts);
  say(claim(CLAIM));

  const n = opts.fast ? 60 : 200;
  const maxSteps = opts.fast ? 1500 : 5000;
  // learning rates 2^(k/2): 0.25 … 16 (every other one in fast mode)
  const rates = Array.from({ length: 13 }, (_, k) => 2 ** (k / 2 - 2)).filter((_, k) => !opts.fast || k % 2 === 0);
  const [positive, centred] = makeInputs(n, 0);

  const sweep = rates.map((lr) => ({ lr, positive: train(positive, lr, maxSteps), centred: train(centred, lr, maxSteps) }));
  const bp = best(sweep.map((s) => s.positive));
  const bc = best(sweep.map((s) => s.centred));
  const sameLr = sweep.find((s) => s.lr === bp.lr)!.centred;
  const tooFast = sweep.find((s) => s.lr > bp.lr && s.positive.diverged)?.positive;
  if (!tooFast) throw new Error("lesson 3: the positive run diverges at no rate of the grid");
  const cap = largestStable(sweep.map((s) => s.positive));

  // ---- 1. the derivation, with the numbers of runs A and B (the same rate): A's first step, and
  // B's first step whose gradient components have opposite signs
  const example = { positive: oneStep(positive, bp, 1), centred: oneStep(centred, sameLr, sameLr.sameSign.indexOf(false) + 1) };
  say(heading("the chain rule for one example, with the run's numbers"));
  say(`One linear unit z = w₁x₁ + w₂x₂, loss J = (z − t)², targets t = x·w* with w* = (${W_STAR.join(", ")}).`);
  say(`The run starts at w = (${W_START.join(", ")}): to reach w* it must move w₁ up and w₂ down (↘).`);
  say("By the chain rule ∂J/∂wᵢ = (∂J/∂z)·(∂z/∂wᵢ) = (∂J/∂z)·xᵢ: each component is ∂J/∂z times its own input.");
  say(`Two steps of the runs at lr ${num(bp.lr)} below (A: all positive; B: centred, its first step with components of opposite signs):`);
  say();
  for (const line of derivation(example.positive, "A, all positive")) say(line);
  say();
  for (const line of derivation(example.centred, "B, centred")) say(line);
  say();
  say("With x₁, x₂ > 0 both components have the sign of ∂J/∂z, whatever that sign is: every step goes ↗ or ↙,");
  say("never ↘. Centred, x₁ and x₂ can differ in sign, and so can the components.");

  // ---- 2. the runs
  say(heading("the data"));
  const mean = (x: Tensor, j: number) => noGrad(() => x.slice([0, j], [n, j + 1]).mean().item());
  say(`${n} points, one example per step (SGD), in the same order for both kinds.`);
  say(table(["inputs", "mean x₁", "mean x₂", "min", "max"], [positive, centred].map((d) => [
    d.name === "positive" ? "all positive: σ(N(0,1))" : "zero-centred: same − mean", num(mean(d.x, 0)), num(mean(d.x, 1)),
    num(Math.min(...d.x.data)), num(Math.max(...d.x.data)),
  ])));

  say(heading(`steps until |w − w*| ≤ ${TOLERANCE}, at every learning rate tried`));
  say("one-sign: steps whose weight gradient had both components of one sign (signAgreement);");
  say("angle: mean angle between consecutive updates (updateAngle), 180° = straight back.");
  say(table(["lr", "positive: steps", "one-sign", "angle", "centred: steps", "one-sign", "angle"], sweep.map((s): Cell[] => [
    num(s.lr), fmtSteps(s.positive), pct(s.positive.signAgreement), `${s.positive.meanUpdateAngle.toFixed(0)}°`,
    fmtSteps(s.centred), pct(s.centred.signAgreement), `${s.centred.meanUpdateAngle.toFixed(0)}°`,
  ])));

  say(heading("the runs in the picture"));
  const deg = (r: Run) => `${r.meanUpdateAngle.toFixed(0)}°`;
  say(table(["panel", "inputs", "lr", "steps to w*", "one-sign gradient", "mean angle between updates"], [
    ["A", "all positive (its best lr)", num(bp.lr), bp.steps!, pct(bp.signAgreement), deg(bp)],
    ["B", "zero-centred (the same lr)", num(sameLr.lr), fmtSteps(sameLr), pct(sameLr.signAgreement), deg(sameLr)],
    ["C", "all positive (the next lr up)", num(tooFast.lr), fmtSteps(tooFast), pct(tooFast.signAgreement), deg(tooFast)],
    ["D", "zero-centred (its best lr)", num(bc.lr), bc.steps!, pct(bc.signAgreement), deg(bc)],
  ]));
  say();
  say(`Every step of the positive runs moved both weights the same way (↗ or ↙ in ${pct(bp.signAgreement)} of steps), never ↘`);
  say("where w* lies, so their paths zig-zag down the valley. At one small learning rate both kinds need about as");
  say(`many steps (A and B), but the swings grow with the step size: above lr ${num(cap)} the positive run diverges (C), while`);
  say(`the centred one keeps speeding up, to ${bc.steps} steps at lr ${num(bc.lr)} (D): ${(bp.steps! / bc.steps!).toFixed(1)}× fewer than the positive run's best (${bp.steps}).`);

  // ---- 3. per example, not per batch
  const batches = diagnosticsExample(BATCHES);
  const units = EXAMPLE.width;
  say(heading(`the rule holds per example; a batch weakens it`));
  say(`The tutorial's Diagnostics example (examples/README.md, section 5): MLP 2-${units}-${units}-1 with ReLU on ${EXAMPLE.points} moons,`);
  say(`SGD lr ${EXAMPLE.lr} momentum ${EXAMPLE.momentum}, full batch. Its layer 2 (Linear(${units}, ${units})) takes ReLU outputs h ≥ 0 as inputs.`);
  say("For one example, row j of that layer's weight gradient is (∂J/∂zⱼ)·h: all its nonzero components have the");
  say("sign of ∂J/∂zⱼ. A batch's row is the sum Σᵢ (∂J/∂zᵢⱼ)·hᵢ over its examples: when their ∂J/∂zᵢⱼ differ in");
  say(`sign, the terms pull the components different ways. At step ${EXAMPLE.steps}, at the same weights, the gradients of`);
  say(`consecutive batches of each size (the data are in random order; ${EXAMPLE.points % 64} examples are left over at 64):`);
  say(table(["examples per gradient", "gradients", "rows not all 0", "∂J/∂z of one sign", "one-sign rows"], batches.shares.map((s): Cell[] => {
    const live = s.rows - s.zeroRows;
    return [s.batch === 1 ? "1 (one example)" : s.batch === EXAMPLE.points ? `${s.batch} (full batch)` : String(s.batch), s.gradients, live, pct1(s.unanimous / live), pct1(s.oneSign / live)];
  }), { align: ["l", "r", "r", "r", "r"] }));
  const full = batches.shares.find((s) => s.batch === EXAMPLE.points);
  say("(shares of the rows not all 0; row j is all 0 when ReLU unit j after it is off for every example of the batch)");
  say();
  if (full) {
    say(`Per example every row is one-sign, as derived. The full batch keeps ${full.oneSign} one-sign rows of ${units}: ${pct1(full.oneSign / units)},`);
    say(`the figure Diagnostics prints for that layer at step ${EXAMPLE.steps} (${pct1(batches.diagnosticsFraction)}, all-zero rows counted as not agreeing).`);
  }
  say("So a low one-sign share for a batch does not mean the inputs are centred: the rule binds each example's");
  say("gradient (all components up, or all down), and a batch adds up such gradients with different signs.");

  const files = [
    ...(await writeFigure(opts.outDir, "3-zigzag-paths", pathsSpec({ positive, centred, panels: { a: bp, b: sameLr, c: tooFast, d: bc }, best: bp }))),
    ...(await writeFigure(opts.outDir, "3-zigzag-rates", ratesSpec(sweep, [bp, bc]))),
    ...(await writeFigure(opts.outDir, "3-zigzag-batch", batchSpec(batches))),
  ];
  return {
    example, positive: bp, centred: bc, centredAtSameLr: sameLr, positiveTooFast: tooFast, largestStablePositiveLr: cap, sweep, batches, files,
  };
}

await runAsScript(import.meta.url, {
  script: "lesson3",
  about: [
    "Lesson 3: all-positive inputs make gradient descent zig-zag. A two-weight linear unit learns",
    "w* = (1.5, −1) from sigmoid outputs (all positive) and from the same points zero-centred;",
    "prints the chain rule of one step, steps to converge and sign agreement at each learning rate,",
    "and how a batch weakens the per-example rule; draws the weight paths.",
  ].join("\n"),
}, run);
