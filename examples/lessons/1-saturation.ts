/**
 * Lesson 1 (`pnpm lesson1`): sigmoid + cross-entropy avoids gradient saturation.
 *
 * One sigmoid unit, p = σ(z), target t ∈ {0, 1}. The gradient that reaches the logit z:
 *
 *   MSE  (p − t)²                 dL/dz = 2(p − t)·σ′(z),  σ′(z) = σ(z)(1 − σ(z)) ≈ e^(−|z|)
 *   BCE  −t·log p − (1−t)·log(1−p) dL/dz = σ(z) − t       (the 1/p of the log cancels σ′)
 *
 * So when the unit is confidently wrong (z ≪ 0 with t = 1) MSE's gradient vanishes with σ′, while
 * cross-entropy's stays near −1. But the cancellation only happens on paper if sigmoid and BCE are
 * two graph nodes: float32 must then carry σ(z) and 1/σ(z) through the chain rule, and it breaks at
 * the edges (1/σ overflows, σ rounds to 1, the log is clamped at −100). The fused `bceWithLogits`
 * node computes σ(z) − t directly and keeps ±1 for every finite logit.
 *
 * Every gradient here comes from the framework's autograd (`.backward()`), in float32; σ(z) − t in
 * float64 is printed beside them as the exact value. Part 2 trains a one-weight model from a
 * confidently wrong start with SGD under each loss.
 */
import { full, noGrad, sigmoid, tensor, type Tensor } from "@backprop/core";
import { Linear, SGD, bce, bceWithLogits, init, mse } from "@backprop/nn";
import { FONT, writeFigure, type Layer, type TopLevelSpec } from "../shared/figure.js";
import { claim, heading, printer, runAsScript, type LessonOptions, type LessonResult } from "./lib/run.js";
import { num, table, wrap } from "./lib/table.js";
// The claim and the start are shared with the browser playground's preset (notes/ is browser-safe).
import { CLAIM, START_LOGIT } from "./notes/1-saturation.js";

export { CLAIM };

export const LOSSES = ["mse", "bce", "fused"] as const;
export type LossName = (typeof LOSSES)[number];

/** How each loss is written: the first two are two graph nodes (sigmoid, then the loss), the last one node. */
export const LOSS_LABEL: Record<LossName, string> = {
  mse: "mse(sigmoid(z), t)",
  bce: "bce(sigmoid(z), t)  (unfused)",
  fused: "bceWithLogits(z, t)  (fused)",
};
const SHORT: Record<LossName, string> = { mse: "mse", bce: "bce unfused", fused: "bceWithLogits" };

/** Per-element losses of a batch of logits z against targets t (reduction "none"). */
function lossOf(name: LossName, z: Tensor, t: Tensor): Tensor {
  switch (name) {
    case "mse":
      return mse(sigmoid(z), t, { reduction: "none" });
    case "bce":
      return bce(sigmoid(z), t, { reduction: "none" });
    case "fused":
      return bceWithLogits(z, t, { reduction: "none" });
  }
}

/** Below this a gradient counts as vanished. */
export const VANISHED = 1e-7;

/**
 * ok; vanished (0 < |g| < 1e-7); zero (exactly 0, σ′ underflowed); clamped (exactly 0 because BCE's
 * log was clamped at −100: the loss reads 100); inf / nan (the chain rule overflowed).
 */
export type Status = "ok" | "vanished" | "zero" | "clamped" | "inf" | "nan";

function status(g: number, loss: number, name: LossName): Status {
  if (Number.isNaN(g)) return "nan";
  if (!Number.isFinite(g)) return "inf";
  if (g === 0) return name === "bce" && Math.fround(loss) === 100 ? "clamped" : "zero";
  return Math.abs(g) < VANISHED ? "vanished" : "ok";
}

const MARK: Record<Status, string> = { ok: "  ", vanished: " ↓", zero: " ↓", clamped: " ✗", inf: " ✗", nan: " ✗" };
/** 8 significant figures where float32 has them to show (0.99999994 is not 1), 4 for tiny numbers. */
const fmt = (v: number): string => num(v, Math.abs(v) >= 1e-3 ? 8 : 4);

export interface Gradients {
  z: number[];
  t: 0 | 1;
  /** dL/dz per loss, by autograd in float32 (one backward through the summed per-element losses). */
  grad: Record<LossName, number[]>;
  loss: Record<LossName, number[]>;
  status: Record<LossName, Status[]>;
  /** σ(z) as float32 holds it. */
  sigma: number[];
  /** σ(z) − t in float64: what a perfect gradient would be. */
  exact: number[];
}

/**
 * dL/dz for every z at once: the per-element losses depend on their own z only, so the gradient of
 * their sum is each element's own derivative.
 */
export function gradients(zs: readonly number[], t: 0 | 1): Gradients {
  const grad = {} as Record<LossName, number[]>;
  const loss = {} as Record<LossName, number[]>;
  const stat = {} as Record<LossName, Status[]>;
  for (const name of LOSSES) {
    const z = tensor(Float32Array.from(zs), { requiresGrad: true });
    const perElement = lossOf(name, z, full([zs.length], t));
    perElement.sum().backward();
    grad[name] = Array.from(z.grad!.data);
    loss[name] = Array.from(perElement.data);
    stat[name] = grad[name].map((g, i) => status(g, loss[name][i], name));
  }
  const zf = Array.from(Float32Array.from(zs)); // the logits as float32 holds them
  const sigma = Array.from(noGrad(() => sigmoid(tensor(Float32Array.from(zf)))).data);
  const exact = zf.map((z) => 1 / (1 + Math.exp(-z)) - t);
  return { z: zf, t, grad, loss, status: stat, sigma, exact };
}

/** Where, going from z = 0 out along the wrong side, a gradient changes status: [z, new status, dL/dz there]. */
export type Edge = [z: number, status: Status, grad: number];

export function transitions(g: Gradients, name: LossName): Edge[] {
  const order = g.z.map((_, i) => i).filter((i) => (g.t === 1 ? g.z[i] <= 0 : g.z[i] >= 0));
  order.sort((a, b) => Math.abs(g.z[a]) - Math.abs(g.z[b]));
  const out: Edge[] = [];
  let last: Status = "ok";
  for (const i of order) {
    const s = g.status[name][i];
    if (s !== last) out.push([g.z[i], s, g.grad[name][i]]);
    last = s;
  }
  return out;
}

const STATUS_TEXT: Record<Status, string> = {
  ok: "back to normal",
  vanished: "|g| < 1e-7",
  zero: "exactly 0 (σ′ rounds to 0)",
  clamped: "exactly 0 (log clamped at −100)",
  inf: "∞ (1/σ(z) overflows float32)",
  nan: "NaN",
};

// ---- part 2: training from a confidently wrong start -------------------------------------------

export interface Start {
  label: string;
  t: 0 | 1;
  z0: number;
}

/** A positive example with z = −20, and its mirror image: a negative example with z = +20. */
export const STARTS: readonly Start[] = [
  { label: `A: t = 1, z₀ = −${START_LOGIT}`, t: 1, z0: -START_LOGIT },
  { label: `B: t = 0, z₀ = +${START_LOGIT}`, t: 0, z0: START_LOGIT },
];

export interface Run {
  loss: LossName;
  start: Start;
  /** dL/dz at the start (autograd). */
  firstGrad: number;
  /** z before the first step and after each step (steps + 1 values). */
  z: number[];
  /** The probability the model gives the right class, for each z. */
  pCorrect: number[];
  /** The loss at each step's forward pass (at z[0] … z[steps − 1]), as the framework computed it. */
  lossCurve: number[];
  /** The first step after which the prediction is right (σ(z) on t's side of 0.5), or null. */
  stepsToCorrect: number | null;
}

/**
 * z = w·x with one weight, x = 1, w₀ = z₀, trained with plain SGD (lr) for `steps` steps: the
 * logit is the weight, so the curve of z is the curve of the parameter.
 */
export function train(loss: LossName, start: Start, steps: number, lr: number): Run {
  const model = new Linear(1, 1, { bias: false });
  init.constant(model.weight, start.z0);
  const x = tensor([[1]]);
  const t = tensor([start.t]);
  const opt = new SGD(model.parameters(), { lr });
  const z: number[] = [model.weight.data[0]];
  let firstGrad = NaN;
  const lossCurve: number[] = [];
  let stepsToCorrect: number | null = null;
  for (let step = 1; step <= steps; step++) {
    opt.zeroGrad();
    const logit = model.forward(x).reshape([1]);
    logit.retainGrad();
    const value = lossOf(loss, logit, t).sum();
    value.backward();
    lossCurve.push(value.item());
    if (step === 1) firstGrad = logit.grad!.data[0];
    opt.step();
    const zNow = model.weight.data[0];
    z.push(zNow);
    if (stepsToCorrect === null && (start.t === 1 ? zNow > 0 : zNow < 0)) stepsToCorrect = step;
  }
  const right = noGrad(() => sigmoid(tensor(Float32Array.from(z, (v) => (start.t === 1 ? v : -v))))).data;
  return { loss, start, firstGrad, z, pCorrect: Array.from(right), lossCurve, stepsToCorrect };
}

// ---- the lesson -------------------------------------------------------------------------------

export interface Lesson1Result extends LessonResult {
  /** The table's rows (z, t, gradients…), computed by autograd in float32. */
  rows: Gradients[];
  /** The fine sweeps along each target's wrong side, for the break points. */
  sweep: Record<"t1" | "t0", Gradients>;
  /** For each loss and target: where going out along the wrong side the gradient changes status. */
  edges: Record<"t1" | "t0", Record<LossName, Edge[]>>;
  /** dL/dz at one (z, t), by autograd (float32). */
  gradAt(z: number, t: 0 | 1): Record<LossName, number>;
  training: Run[];
  steps: number;
  lr: number;
}

const TABLE_ROWS: { t: 0 | 1; z: number[] }[] = [
  { t: 1, z: [-110, -95, -30, -20, -10, -5, 0, 5, 20] },
  { t: 0, z: [0, 5, 17, 18, 30] },
];

export async function run(opts: LessonOptions): Promise<Lesson1Result> {
  const say = printer(opts);
  const step = opts.fast ? 0.05 : 0.01; // the sweep for the break points
  const steps = opts.fast ? 40 : 100;
  const lr = 1;

  say(claim(CLAIM));
  say("One sigmoid unit, dL/dz by autograd in float32, for the three ways to write the loss:");
  for (const name of LOSSES) say(`  ${SHORT[name].padEnd(13)} ${LOSS_LABEL[name]}`);

  // ---- the table
  say(heading("dL/dz at a few logits (↓ vanished: |g| < 1e-7 · ✗ broken: 0 from the −100 clamp, ±∞ or NaN)"));
  const rows = TABLE_ROWS.flatMap(({ t, z }) => z.map((zv) => gradients([zv], t)));
  const cell = (g: Gradients, name: LossName): string => fmt(g.grad[name][0]) + MARK[g.status[name][0]];
  say(table(
    ["t", "z", "σ(z) in f32", "answer", "mse", "bce unfused", "bceWithLogits", "exact σ(z)−t"],
    rows.map((g) => [
      g.t, g.z[0], fmt(g.sigma[0]), Math.abs(g.exact[0]) > 0.5 ? "wrong" : "right",
      cell(g, "mse"), cell(g, "bce"), cell(g, "fused"), fmt(g.exact[0]),
    ]),
    { align: [, , "r", , "r", "r", "r", "r"] },
  ));
  say("  A small gradient is only harmful when the answer is wrong: then it is the only way out.");

  // ---- where each one gives up
  const sweep = {
    t1: gradients(range(0, -120, step), 1),
    t0: gradients(range(0, 120, step), 0),
  };
  const edges = {
    t1: Object.fromEntries(LOSSES.map((n) => [n, transitions(sweep.t1, n)])) as Record<LossName, Edge[]>,
    t0: Object.fromEntries(LOSSES.map((n) => [n, transitions(sweep.t0, n)])) as Record<LossName, Edge[]>,
  };
  say(heading(`Where the gradient is lost, going out along the wrong side (|z| from 0 to 120 in steps of ${step})`));
  const describe = (e: Edge[], t: 0 | 1): string => {
    if (e.length === 0) return `never: |g| ≈ 1 all the way to z = ${t === 1 ? -120 : 120}`;
    const text = (s: Status, g: number) => (s === "inf" && g < 0 ? "−" : "") + STATUS_TEXT[s];
    return e.map(([z, s, g]) => `z ${t === 1 ? "≤" : "≥"} ${z.toFixed(2)}: ${text(s, g)}`).join(" · ");
  };
  say(table(["loss", "t", "gradient on the wrong side"], [1, 0].flatMap((t) => LOSSES.map((n) => [SHORT[n], t, describe(edges[t === 1 ? "t1" : "t0"][n], t as 0 | 1)]))));
  const roundsToOne = edges.t0.bce[0]?.[0] ?? NaN;
  say(`  σ(z) near 0 keeps its precision in float32 (${num(rows.find((g) => g.z[0] === -20)!.sigma[0], 3)} at z = −20), σ(z) near 1`);
  say(`  does not: it rounds to 1 from z ≈ ${roundsToOne.toFixed(2)}, and then log(1 − σ) is clamped. The unfused pair is`);
  say("  exact on one side and broken on the other. The fused node never divides by σ(z) nor takes its log:");
  say("  its backward is σ(z) − t, whatever z is.");

  // ---- training
  const training = STARTS.flatMap((start) => LOSSES.map((name) => train(name, start, steps, lr)));
  say(heading(`Training z = w·x (x = 1, one weight) with SGD lr ${lr} for ${steps} steps from a confidently wrong start`));
  say(table(
    ["start", "loss", "dL/dz at start", "steps to correct", `z after ${steps}`, "P(right class)"],
    training.map((r) => [
      r.start.label, SHORT[r.loss], fmt(r.firstGrad),
      r.stepsToCorrect === null ? `never in ${steps}` : String(r.stepsToCorrect),
      num(r.z[r.z.length - 1], 6), num(r.pCorrect[r.pCorrect.length - 1], 3),
    ]),
    { align: [, , "r", "r", "r", "r"] },
  ));
  const mseA = training.find((r) => r.loss === "mse" && r.start.t === 1)!;
  const spacing = 2 ** (Math.floor(Math.log2(Math.abs(mseA.start.z0))) - 23); // float32's gap between neighbours at |z₀|
  say(`  A: MSE's step lr·|dL/dz| = ${num(lr * Math.abs(mseA.firstGrad), 3)} is below half of float32's spacing at ${Math.abs(mseA.start.z0)}`);
  say(`     (${num(spacing, 2)}), so w − lr·g rounds back to w: the weight does not move at all.`);
  say("  B: σ(20) rounds to 1, so σ′ = 0 for MSE and the log is clamped for unfused BCE: both get exactly 0.");

  // ---- pictures
  const plotStep = opts.fast ? 0.5 : 0.1;
  const plotZ = range(-30, 30, plotStep);
  const files = [
    ...(await writeFigure(opts.outDir, "1-gradients", gradientSpec([gradients(plotZ, 1), gradients(plotZ, 0)], roundsToOne))),
    ...(await writeFigure(opts.outDir, "1-training", trainingSpec(training, steps, lr))),
  ];

  const gradAt = (z: number, t: 0 | 1): Record<LossName, number> => {
    const g = gradients([z], t);
    return { mse: g.grad.mse[0], bce: g.grad.bce[0], fused: g.grad.fused[0] };
  };
  return { rows, sweep, edges, gradAt, training, steps, lr, files };
}

/** from, from ± step, … up to `to` (inclusive), without accumulating rounding error. */
function range(from: number, to: number, step: number): number[] {
  const n = Math.round(Math.abs(to - from) / step);
  const dir = Math.sign(to - from);
  return Array.from({ length: n + 1 }, (_, i) => Number((from + dir * i * step).toFixed(6)));
}

// ---- the figures ------------------------------------------------------------------------------

const COLOR: Record<LossName, string> = { mse: "#d95f02", bce: "#7570b3", fused: "#1b9e77" };
/** Fused thick and light underneath, unfused thin and dashed on top: where they agree, both show. */
const STYLE: Record<LossName, { strokeWidth: number; strokeDash: number[]; opacity: number }> = {
  mse: { strokeWidth: 2.5, strokeDash: [], opacity: 1 },
  bce: { strokeWidth: 2, strokeDash: [6, 4], opacity: 1 },
  fused: { strokeWidth: 7, strokeDash: [], opacity: 0.45 },
};
const WRONG_FILL = "#fde8e4";
const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** The colour channel shared by every panel: one legend, on top. */
const lossColor = {
  field: "loss", type: "nominal" as const, title: null,
  scale: { domain: LOSSES.map((n) => LOSS_LABEL[n]), range: LOSSES.map((n) => COLOR[n]) },
  legend: { orient: "top" as const, direction: "horizontal" as const, labelFontSize: 13, labelLimit: 400, symbolStrokeWidth: 4, symbolSize: 400 },
};

const q = (field: string, extra: object = {}) => ({ field, type: "quantitative" as const, ...extra });

/** One line per loss. */
function lineLayer(values: object[], name: LossName, x: object, y: object): Layer {
  const s = STYLE[name];
  return {
    data: { values },
    mark: { type: "line", strokeWidth: s.strokeWidth, strokeDash: s.strokeDash, opacity: s.opacity, clip: true },
    encoding: { x, y, color: lossColor },
  } as Layer;
}

/** The wrong half of the axis, shaded and labelled. */
function wrongSide(x: object, from: number, to: number, labelY: number, y: object): Layer[] {
  return [
    { data: { values: [{ z: from, z2: to }] }, mark: { type: "rect", color: WRONG_FILL }, encoding: { x, x2: { field: "z2" } } } as Layer,
    {
      data: { values: [{ z: (from + to) / 2, y: labelY, text: "the answer is wrong here" }] },
      mark: { type: "text", fontSize: 13, color: "#c0392b" },
      encoding: { x, y, text: { field: "text" } },
    } as Layer,
  ];
}

/** A horizontal reference line with a label above it, starting at xLabel (or centred there). */
function reference(value: number, label: string, xLabel: number, x: object, y: object, align: "left" | "center" = "left"): Layer[] {
  return [
    { data: { values: [{ y: value }] }, mark: { type: "rule", color: "#777", strokeDash: [3, 3] }, encoding: { y } } as Layer,
    {
      data: { values: [{ z: xLabel, step: xLabel, y: value, text: label }] },
      mark: { type: "text", align, baseline: "bottom", dx: align === "left" ? 4 : 0, dy: -3, fontSize: 11, color: "#555" },
      encoding: { x, y, text: { field: "text" } },
    } as Layer,
  ];
}

const FLOOR = 1e-30; // the bottom of the log axis; exact zeros are drawn as bars just above it
const logAxis = {
  values: [1e-30, 1e-25, 1e-20, 1e-15, 1e-10, 1e-5, 1],
  labelExpr: "datum.value >= 1 ? '1' : '1e' + round(log(datum.value) / LN10)",
};

/** |dL/dz| against z, log y, one panel per target; exact zeros as a bar per loss on the floor. */
function gradientSpec(panels: Gradients[], roundsToOne: number): TopLevelSpec {
  const panel = (g: Gradients) => {
    const x = q("z", { title: "logit z", scale: { domain: [-30, 30], nice: false } });
    const y = q("y", { title: "|dL/dz|  (log scale)", scale: { type: "log", domain: [FLOOR, 10], nice: false }, axis: logAxis });
    const layers: Layer[] = [
      ...(g.t === 1 ? wrongSide(x, -30, 0, 1e-17, y) : wrongSide(x, 0, 30, 1e-17, y)),
      ...(g.t === 1 ? reference(VANISHED, "1e-7: vanished below", -30, x, y) : reference(VANISHED, "1e-7: vanished below", 5, x, y, "center")),
    ];
    // where the gradient is exactly 0 (or not finite): a bar in the loss's colour, each loss in its own lane
    LOSSES.forEach((name, k) => {
      const zeros = g.z.filter((_, i) => g.grad[name][i] === 0 || !Number.isFinite(g.grad[name][i]));
      if (zeros.length === 0) return;
      layers.push({
        data: { values: [{ z: Math.min(...zeros), z2: Math.max(...zeros), y: FLOOR * 10 ** (1 + 1.3 * k), loss: LOSS_LABEL[name] }] },
        mark: { type: "rule", strokeWidth: 6, strokeCap: "butt" },
        encoding: { x, x2: { field: "z2" }, y, color: lossColor },
      } as Layer);
    });
    layers.push({
      data: { values: [{ z: 30, y: FLOOR * 10 ** 5, text: "exactly 0 from here on" }] },
      mark: { type: "text", align: "right", baseline: "bottom", dx: -2, fontSize: 11, color: "#555" },
      encoding: { x, y, text: { field: "text" } },
    } as Layer);
    for (const name of LOSSES) {
      const values = g.z.flatMap((z, i) => {
        const v = Math.abs(g.grad[name][i]);
        return v > 0 && Number.isFinite(v) ? [{ z, y: v, loss: LOSS_LABEL[name] }] : [];
      });
      layers.push(lineLayer(values, name, x, y));
    }
    return {
      title: { text: g.t === 1 ? "t = 1: a positive example" : "t = 0: a negative example", fontSize: 14 },
      width: 420,
      height: 320,
      layer: layers,
    };
  };
  return {
    $schema: SCHEMA,
    title: {
      text: "The gradient that reaches the logit, |dL/dz|, by autograd in float32",
      subtitle: [
        "mse: dies with σ′(z) ≈ e^(−|z|) exactly where the answer is wrong.",
        `bce unfused: ≈ 1 for t = 1 (σ(−30) = 9e-14 is still exact in float32), but exactly 0 for t = 0 once σ(z) rounds to 1 (z ≥ ${roundsToOne.toFixed(1)}).`,
        "bceWithLogits: σ(z) − t, ≈ 1 whenever the answer is wrong.",
      ].flatMap((line) => wrap(line, 95)),
      fontSize: 16, subtitleFontSize: 12, anchor: "start",
    },
    config: { font: FONT, aria: false },
    hconcat: panels.map(panel),
    resolve: { scale: { color: "shared" } },
  } as TopLevelSpec;
}

/** P(right class) and the loss against the step: one column per start. */
function trainingSpec(runs: Run[], steps: number, lr: number): TopLevelSpec {
  const x = q("step", { title: "SGD step", scale: { domain: [0, steps], nice: false } });
  const find = (start: Start, name: LossName) => runs.find((r) => r.start === start && r.loss === name)!;
  const probPanel = (start: Start) => {
    const y = q("y", { title: "P(right class)", scale: { domain: [-0.04, 1.04], nice: false }, axis: { values: [0, 0.25, 0.5, 0.75, 1], format: ".2~f" } });
    const layers: Layer[] = [...reference(0.5, "0.5: the answer turns right", 60, x, y)];
    for (const name of LOSSES) {
      layers.push(lineLayer(find(start, name).pCorrect.map((p, i) => ({ step: i, y: p, loss: LOSS_LABEL[name] })), name, x, y));
    }
    const note = LOSSES.map((n) => {
      const r = find(start, n);
      return `${{ mse: "mse", bce: "unfused", fused: "fused" }[n]} ${r.stepsToCorrect === null ? "never" : r.stepsToCorrect}`;
    }).join(" · ");
    return { title: { text: start.label, subtitle: `steps until right: ${note}`, fontSize: 14, subtitleFontSize: 12 }, width: 400, height: 200, layer: layers };
  };
  const lossPanel = (start: Start) => {
    const y = q("y", { title: "loss (log scale)", scale: { type: "log", domain: [1e-3, 300], nice: false }, axis: { values: [1e-3, 1e-2, 0.1, 1, 10, 100] } });
    const layers = LOSSES.map((name) =>
      lineLayer(find(start, name).lossCurve.map((l, i) => ({ step: i, y: Math.max(l, 1e-3), loss: LOSS_LABEL[name] })), name, x, y));
    return { width: 400, height: 170, layer: layers };
  };
  return {
    $schema: SCHEMA,
    title: {
      text: `Training one weight from a confidently wrong start (z = w·1, SGD lr ${lr})`,
      subtitle: wrap(
        "Top: the probability the model gives the right class. Bottom: the loss as computed (mse ≤ 1; bce unfused in B reads 100, " +
          "its clamp). mse, and unfused bce in B, stay flat: their gradient is 4e-9 or exactly 0, so the weight never moves.",
        90,
      ),
      fontSize: 16, subtitleFontSize: 12, anchor: "start",
    },
    config: { font: FONT, aria: false },
    vconcat: [{ hconcat: STARTS.map(probPanel), bounds: "flush", spacing: 60 }, { hconcat: STARTS.map(lossPanel), bounds: "flush", spacing: 60 }],
    resolve: { scale: { color: "shared" } },
  } as TopLevelSpec;
}

await runAsScript(import.meta.url, {
  script: "lesson1",
  about: [
    "Lesson 1: sigmoid + cross-entropy avoids gradient saturation. Prints dL/dz for mse(sigmoid(z)),",
    "bce(sigmoid(z)) and the fused bceWithLogits(z) (autograd, float32), where each vanishes or breaks,",
    "and trains one weight from a confidently wrong start under each; draws both (SVG and PNG).",
  ].join("\n"),
}, run);
