/**
 * Lesson 3 (`pnpm lesson3`) — all-positive inputs make gradient descent zig-zag.
 *
 * The model is one linear unit with two weights and no bias, z = w₁x₁ + w₂x₂ (a Linear(2, 1)),
 * fitted by squared error to targets made by w* = (1.5, −1): from the start (−1.5, 1) the weights
 * must move w₁ UP and w₂ DOWN, a ↘ move.
 *
 * For one example, ∂J/∂wᵢ = (∂J/∂z)·xᵢ. If both inputs are positive (here: the outputs of a sigmoid
 * layer, all in (0, 1)), both components of the gradient carry the sign of ∂J/∂z, so every update
 * moves both weights the same way — up-up or down-down, never up-down. The run has to zig-zag
 * (↗ ↙ ↗ ↙ …) towards an optimum that lies ↘. Subtracting the mean (zero-centred inputs, as a
 * tanh layer or normalised data give) removes that constraint.
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
 * The picture shows the positive run at its best rate, the centred run at the same rate (no zig-zag,
 * a straight walk down the valley) and at its own best.
 */
import { manualSeed, noGrad, randn, sigmoid, tensor, type Tensor } from "@backprop/core";
import { Diagnostics, Linear, SGD, mse } from "@backprop/nn";
import { contour } from "../demo/plot.js";
import type { Grid } from "../demo/train.js";
import { FONT, writeFigure, type Layer, type TopLevelSpec } from "../shared/figure.js";
import { claim, heading, printer, runAsScript, type LessonOptions, type LessonResult } from "./lib/run.js";
import { num, table, type Cell } from "./lib/table.js";
// The claim and the weights are shared with the browser playground's preset (notes/ is browser-safe).
import { CLAIM, W_START, W_STAR } from "./notes/3-zigzag.js";

export { CLAIM, W_START, W_STAR };
const TOLERANCE = 0.05;

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

/**
 * One example per step, the examples in order (cycling), plain SGD at the given rate. The model is
 * a Linear(2, 1) without bias (weight [1, 2] = [w₁, w₂]); a Diagnostics monitor on it reads the
 * sign agreement of each weight gradient and the angle between consecutive updates.
 */
export function train({ x, t }: Inputs, lr: number, maxSteps: number): Run {
  const model = new Linear(2, 1, { bias: false, dtype: "float64" });
  noGrad(() => model.weight.copy_(tensor([[...W_START]], { dtype: "float64" })));
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

// ---- the lesson ---------------------------------------------------------------------------------

export interface ZigzagResult extends LessonResult {
  /** Each input kind at its best learning rate from the grid. */
  positive: Run;
  centred: Run;
  /** The centred inputs at the positive run's best learning rate. */
  centredAtSameLr: Run;
  /** The largest learning rate in the grid at which the positive run does not diverge. */
  largestStablePositiveLr: number;
  /** Every learning rate tried, both kinds. */
  sweep: { lr: number; positive: Run; centred: Run }[];
}

const fmtSteps = (r: Run): Cell => r.steps ?? (r.diverged ? "diverges" : "too slow");
const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;

/** The run that reached w* in the fewest steps (ties: the smaller learning rate). */
function best(runs: Run[]): Run {
  const done = runs.filter((r) => r.steps !== null);
  if (done.length === 0) throw new Error("lesson 3: no learning rate in the grid converged");
  return done.reduce((a, b) => (b.steps! < a.steps! ? b : a));
}

export async function run(opts: LessonOptions): Promise<ZigzagResult> {
  const say = printer(opts);
  say(claim(CLAIM));

  const n = opts.fast ? 60 : 200;
  const maxSteps = opts.fast ? 1500 : 5000;
  // learning rates 2^(k/2): 0.25 … 16 (every other one in fast mode)
  const rates = Array.from({ length: 13 }, (_, k) => 2 ** (k / 2 - 2)).filter((_, k) => !opts.fast || k % 2 === 0);
  const [positive, centred] = makeInputs(n, 0);

  say(heading("the data"));
  const mean = (x: Tensor, j: number) => noGrad(() => x.slice([0, j], [n, j + 1]).mean().item());
  say(`${n} points x = (x₁, x₂), targets t = x·w* with w* = (${W_STAR.join(", ")}); start w = (${W_START.join(", ")}).`);
  say(table(["inputs", "mean x₁", "mean x₂", "min", "max"], [positive, centred].map((d) => [
    d.name === "positive" ? "all positive: σ(N(0,1))" : "zero-centred: same − mean", num(mean(d.x, 0)), num(mean(d.x, 1)),
    num(Math.min(...d.x.data)), num(Math.max(...d.x.data)),
  ])));

  const sweep = rates.map((lr) => ({ lr, positive: train(positive, lr, maxSteps), centred: train(centred, lr, maxSteps) }));
  say(heading(`steps until |w − w*| ≤ ${TOLERANCE}, at every learning rate tried`));
  say("one-sign: steps whose weight gradient had both components of one sign (signAgreement);");
  say("angle: mean angle between consecutive updates (updateAngle), 180° = straight back.");
  say(table(["lr", "positive: steps", "one-sign", "angle", "centred: steps", "one-sign", "angle"], sweep.map((s): Cell[] => [
    num(s.lr), fmtSteps(s.positive), pct(s.positive.signAgreement), `${s.positive.meanUpdateAngle.toFixed(0)}°`,
    fmtSteps(s.centred), pct(s.centred.signAgreement), `${s.centred.meanUpdateAngle.toFixed(0)}°`,
  ])));

  const bp = best(sweep.map((s) => s.positive));
  const bc = best(sweep.map((s) => s.centred));
  const sameLr = sweep.find((s) => s.lr === bp.lr)!.centred;
  const cap = largestStable(sweep.map((s) => s.positive));
  say(heading("the runs in the picture"));
  const deg = (r: Run) => `${r.meanUpdateAngle.toFixed(0)}°`;
  say(table(["inputs", "lr", "steps to w*", "one-sign gradient", "mean angle between updates"], [
    ["all positive (its best lr)", num(bp.lr), bp.steps!, pct(bp.signAgreement), deg(bp)],
    ["zero-centred (the same lr)", num(sameLr.lr), fmtSteps(sameLr), pct(sameLr.signAgreement), deg(sameLr)],
    ["zero-centred (its best lr)", num(bc.lr), bc.steps!, pct(bc.signAgreement), deg(bc)],
  ]));
  say();
  say(`Every step of the positive run moved both weights the same way (↗ or ↙ in ${pct(bp.signAgreement)} of steps), never ↘`);
  say("where w* lies, so its path zig-zags down the valley. At one small learning rate both runs need about as many");
  say(`steps, but the swings grow with the step size: above lr ${num(cap)} the positive run diverges, while the`);
  say(`centred one keeps speeding up, to ${bc.steps} steps at lr ${num(bc.lr)}: ${(bp.steps! / bc.steps!).toFixed(1)}× fewer than the positive run's best (${bp.steps}).`);

  const files = [
    ...(await writeFigure(opts.outDir, "3-zigzag-paths", pathsSpec([
      { inputs: positive, run: bp, note: "its best" },
      { inputs: centred, run: sameLr, note: "the same" },
      { inputs: centred, run: bc, note: "its best" },
    ]))),
    ...(await writeFigure(opts.outDir, "3-zigzag-rates", ratesSpec(sweep, [bp, bc]))),
  ];
  return { positive: bp, centred: bc, centredAtSameLr: sameLr, largestStablePositiveLr: cap, sweep, files };
}

function largestStable(runs: Run[]): number {
  return Math.max(...runs.filter((r) => !r.diverged).map((r) => r.lr));
}

// ---- the pictures -------------------------------------------------------------------------------

const COLORS = { positive: "#b2182b", centred: "#2166ac" } as const;
const LABELS = { positive: "all-positive inputs (sigmoid outputs)", centred: "zero-centred inputs (same points − mean)" } as const;
const STEP_KINDS = ["↗ or ↙ (gradient components of one sign)", "↖ or ↘ (components of opposite signs)"] as const;
const CELLS = 50;
const LEVELS = [0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];

/** The full-data loss J(w) = mean((x·w − t)²) on a grid over the square [−span, span]² of the weight plane. */
function lossGrid({ x, t }: Inputs, span: number): Grid {
  const edges = Array.from({ length: CELLS + 1 }, (_, k) => -span + (2 * span * k) / CELLS);
  const centres = edges.slice(1).map((e, k) => (e + edges[k]) / 2);
  const n = x.shape[0];
  const p = centres.map((w2) => centres.map((w1) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (x.data[2 * i] * w1 + x.data[2 * i + 1] * w2 - t.data[i]) ** 2;
    return s / n;
  }));
  return { xEdges: edges, yEdges: edges, p };
}

export interface Panel {
  inputs: Inputs;
  run: Run;
  /** Which learning rate this is ("its best", "the same as the positive run's"). */
  note: string;
}

function panel({ inputs, run: r, note }: Panel, span: number): TopLevelSpec {
  const grid = lossGrid(inputs, span);
  const scale = { domain: [-span, span], nice: false, zero: false };
  const w1 = { field: "w1", type: "quantitative" as const, title: "w₁", scale };
  const w2 = { field: "w2", type: "quantitative" as const, title: "w₂", scale };
  const d = grid.xEdges[1] - grid.xEdges[0];
  const cells = grid.p.flatMap((row, j) => row.map((loss, i) => ({
    w1: grid.xEdges[i], w1b: grid.xEdges[i + 1] + 0.05 * d, w2: grid.yEdges[j], w2b: grid.yEdges[j + 1] + 0.05 * d, logLoss: Math.log10(loss),
  })));
  const lines = LEVELS.flatMap((level) => contour(grid, level).map((s) => ({ w1: s.x, w2: s.y, w1b: s.x2, w2b: s.y2 })));
  const steps = r.sameSign.map((same, k) => ({
    w1: r.path[k][0], w2: r.path[k][1], w1b: r.path[k + 1][0], w2b: r.path[k + 1][1], kind: STEP_KINDS[same ? 0 : 1],
  }));
  const layer: Layer[] = [
    {
      data: { values: cells },
      mark: { type: "rect", clip: true },
      encoding: {
        x: w1, x2: { field: "w1b" }, y: w2, y2: { field: "w2b" },
        color: { field: "logLoss", type: "quantitative", title: "log₁₀ loss", scale: { domain: [-3, 1], clamp: true, range: ["#ffffff", "#a8a8a8"] } },
      },
    },
    { data: { values: lines }, mark: { type: "rule", color: "#777", strokeWidth: 0.7 }, encoding: { x: w1, y: w2, x2: { field: "w1b" }, y2: { field: "w2b" } } },
    {
      // one segment per step, coloured by the direction it took
      data: { values: steps },
      mark: { type: "rule", strokeWidth: 2, clip: true },
      encoding: {
        x: w1, y: w2, x2: { field: "w1b" }, y2: { field: "w2b" },
        stroke: { field: "kind", type: "nominal", title: "each step moved", scale: { domain: [...STEP_KINDS], range: ["#d6604d", "#2166ac"] } },
      },
    },
    {
      data: { values: r.path.slice(1, -1).map(([a, b]) => ({ w1: a, w2: b })) },
      mark: { type: "circle", size: 12, color: "#333", opacity: 1 },
      encoding: { x: w1, y: w2 },
    },
    {
      data: { values: [{ w1: W_START[0], w2: W_START[1], what: "start" }, { w1: W_STAR[0], w2: W_STAR[1], what: "optimum w*" }] },
      mark: { type: "point", filled: true, size: 170, stroke: "white", strokeWidth: 1.2, opacity: 1 },
      encoding: {
        x: w1, y: w2,
        shape: { field: "what", type: "nominal", title: null, scale: { domain: ["start", "optimum w*"], range: ["circle", "cross"] } },
        fill: { value: "#111" },
      },
    },
  ];
  return {
    title: {
      text: LABELS[inputs.name],
      subtitle: [`lr ${num(r.lr)} (${note}): ${r.steps ?? "never"} steps to w*`, `one-sign gradient: ${pct(r.signAgreement)} of steps`],
      color: COLORS[inputs.name],
    },
    width: 330,
    height: 330,
    layer,
  } as TopLevelSpec;
}

/** Both runs' weight paths over their loss contours, side by side. */
export function pathsSpec(panels: Panel[]): TopLevelSpec {
  // one square that holds every path, the same for all panels
  const span = Math.max(2.5, ...panels.flatMap(({ run }) => run.path.flat().map((v) => Math.ceil(2 * Math.abs(v) + 0.3) / 2)));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Lesson 3: the path of the two weights from the same start, one example per step", anchor: "start", fontSize: 15 },
    config: { font: FONT, aria: false, view: { stroke: "#999" }, legend: { orient: "right", labelLimit: 400 } },
    spacing: 40,
    hconcat: panels.map((p) => panel(p, span)),
    resolve: { scale: { color: "shared", shape: "shared", stroke: "shared" } },
  } as TopLevelSpec;
}

/** Steps to converge against the learning rate, both kinds; diverged runs marked at the top. */
export function ratesSpec(sweep: ZigzagResult["sweep"], best: Run[]): TopLevelSpec {
  const rows = sweep.flatMap((s) => (["positive", "centred"] as const).map((k) => ({ lr: s.lr, inputs: LABELS[k], steps: s[k].steps, diverged: s[k].diverged })));
  const most = Math.max(...rows.map((r) => r.steps ?? 0));
  const top = 10 ** Math.ceil(Math.log10(most * 1.5));
  const lrs = sweep.map((s) => s.lr);
  const x = { field: "lr", type: "quantitative" as const, title: "learning rate (log scale)", scale: { type: "log" as const, domain: [Math.min(...lrs) / 1.2, Math.max(...lrs) * 1.2], nice: false } };
  const y = { field: "steps", type: "quantitative" as const, title: "steps to reach w* (log scale)", scale: { type: "log" as const, domain: [1, top] } };
  const color = { field: "inputs", type: "nominal" as const, title: null, scale: { domain: [LABELS.positive, LABELS.centred], range: [COLORS.positive, COLORS.centred] } };
  const bestRows = best.map((r, k) => ({ lr: r.lr, steps: r.steps, inputs: LABELS[k === 0 ? "positive" : "centred"], label: `best: ${r.steps} steps` }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Lesson 3: steps until |w − w*| ≤ 0.05, by learning rate", subtitle: "× at the top: that run diverges (its swings grow instead of shrinking)" },
    width: 460,
    height: 300,
    config: { font: FONT, aria: false, legend: { orient: "bottom", direction: "vertical", labelLimit: 400 } },
    layer: [
      { data: { values: rows.filter((r) => r.steps !== null) }, mark: { type: "line", point: { filled: true, size: 40 }, strokeWidth: 2 }, encoding: { x, y, color } },
      {
        data: { values: rows.filter((r) => r.diverged).map((r) => ({ ...r, steps: top / 1.6 })) },
        mark: { type: "point", shape: "cross", size: 90, filled: true, angle: 45, opacity: 1 },
        encoding: { x, y, color },
      },
      { data: { values: bestRows }, mark: { type: "point", size: 260, strokeWidth: 2, opacity: 1 }, encoding: { x, y, color } },
      { data: { values: bestRows }, mark: { type: "text", dy: 20, fontSize: 12, fontWeight: "bold" }, encoding: { x, y, color, text: { field: "label" } } },
    ],
  } as TopLevelSpec;
}

await runAsScript(import.meta.url, {
  script: "lesson3",
  about: [
    "Lesson 3: all-positive inputs make gradient descent zig-zag. A two-weight linear unit learns",
    "w* = (1.5, −1) from sigmoid outputs (all positive) and from the same points zero-centred;",
    "prints steps to converge and sign agreement at each learning rate, and draws the weight paths.",
  ].join("\n"),
}, run);
