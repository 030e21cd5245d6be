/**
 * Lesson 4 (`pnpm lesson4`) — dead ReLUs.
 *
 * A ReLU unit whose pre-activation is negative for every input outputs 0 everywhere, so the
 * gradient through it is 0 everywhere too: nothing can move its weights again, and it stays dead.
 *
 * One MLP, 2-64-64-1 with ReLU, on two moons, trained by full-batch SGD (each step is one epoch:
 * the whole training set), the same weights at the start of every run:
 *
 *   1. He init (kaimingNormal, biases 0), lr 0.5            healthy
 *   2. bad init: the same weights, every hidden bias −3     most units dead before the first step
 *   3. He init, lr 4 (too large)                            the first few updates throw units dead
 *   4. as 2, with LeakyReLU(0.1)                            the remedy: a unit on the negative side
 *                                                           still passes 0.1 × its gradient, and learns
 *   5. as 3, with LeakyReLU(0.1)                            …but no activation saves a run whose
 *                                                           steps are so big that the loss blows up
 * (Run 1 is the remedy for runs 2 and 3: He init, and a smaller learning rate.)
 *
 * Two measures per hidden layer, after every step, from the framework's `Diagnostics` monitor:
 *   dead         a unit never positive over the epoch (`deadUnits`, via `endEpoch()`);
 *   no gradient  a unit whose incoming weights got an all-zero gradient row (the `zeroRows` of the
 *                layer's `signAgreement` report): it cannot learn on this step.
 * For ReLU the two nearly coincide (a live unit above a dead layer gets no gradient either); for
 * LeakyReLU "never positive" is not dead: its no-gradient count is 0.
 *
 * The slope 0.1 rather than PyTorch's default 0.01: with 0.01 the units get a gradient too, but a
 * 100 times smaller one, and the bad-init run barely moves in this many steps (try `--slope 0.01`).
 */
import { manualSeed, noGrad, type Tensor } from "@backprop/core";
import { Diagnostics, LeakyReLU, Linear, ReLU, SGD, Sequential, bceWithLogits, init, moons, trainTestSplit, type Module } from "@backprop/nn";
import { FONT, writeFigure, type TopLevelSpec } from "../shared/figure.js";
import { real } from "../shared/flags.js";
import { claim, heading, printer, runAsScript, type LessonOptions, type LessonResult } from "./lib/run.js";
import { num, table, type Cell } from "./lib/table.js";
// The claim and the runs' numbers are shared with the browser playground's preset (notes/ is browser-safe).
import { BAD_BIAS, CLAIM, LARGE_LR, SANE_LR, WIDTH } from "./notes/4-dead-relu.js";

export { BAD_BIAS, CLAIM, LARGE_LR, SANE_LR, WIDTH };

export interface Setup {
  key: "he" | "badInit" | "largeLr" | "leakyBadInit" | "leakyLargeLr";
  label: string;
  activation: "relu" | "leakyRelu";
  /** Every hidden bias starts at this value (0 for He init). */
  bias: number;
  lr: number;
}

export function setups(slope: number): Setup[] {
  return [
    { key: "he", label: `He init, lr ${SANE_LR}`, activation: "relu", bias: 0, lr: SANE_LR },
    { key: "badInit", label: `bad init (biases ${BAD_BIAS}), lr ${SANE_LR}`, activation: "relu", bias: BAD_BIAS, lr: SANE_LR },
    { key: "largeLr", label: `He init, lr ${LARGE_LR} (too large)`, activation: "relu", bias: 0, lr: LARGE_LR },
    { key: "leakyBadInit", label: `bad init + LeakyReLU(${slope})`, activation: "leakyRelu", bias: BAD_BIAS, lr: SANE_LR },
    { key: "leakyLargeLr", label: `lr ${LARGE_LR} + LeakyReLU(${slope})`, activation: "leakyRelu", bias: 0, lr: LARGE_LR },
  ];
}

export interface Data {
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

export function makeData(points: number, seed: number): Data {
  manualSeed(seed);
  const { x, y } = moons(points, { noise: 0.1 });
  return trainTestSplit(x, y, { testFraction: 0.2 });
}

/**
 * Linear(2, 64) → act → Linear(64, 64) → act → Linear(64, 1). The weights are He (kaiming) normal
 * from the same seed in every run; the hidden biases are `setup.bias`, the output bias 0.
 */
export function makeModel(setup: Setup, slope: number, seed: number): Sequential {
  manualSeed(seed);
  const act = (): Module => (setup.activation === "relu" ? new ReLU() : new LeakyReLU(slope));
  const model = new Sequential(new Linear(2, WIDTH), act(), new Linear(WIDTH, WIDTH), act(), new Linear(WIDTH, 1));
  for (const [name, p] of model.namedParameters()) {
    if (name.endsWith("weight")) init.kaimingNormal(p, { nonlinearity: "relu" });
    else init.constant(p, name.startsWith("4.") ? 0 : setup.bias);
  }
  return model;
}

/** Per step, for hidden layers 1 and 2. */
export type PerLayer = [number, number];

export interface Trace {
  setup: Setup;
  /** dead[k]: fraction of units never positive over the training set at step k + 1 (the forward before its update). */
  dead: PerLayer[];
  /** noGradient[k]: fraction of units whose incoming weight-gradient row was all zero at step k + 1. */
  noGradient: PerLayer[];
  /** The loss at each step (before its update). */
  losses: number[];
  /** The step at which the loss stopped being finite, or null. Training stops there. */
  divergedAt: number | null;
  finalLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
}

function accuracy(model: Module, x: Tensor, y: Tensor): number {
  const z = noGrad(() => model.forward(x).reshape([-1])).data;
  let right = 0;
  for (let i = 0; i < z.length; i++) if ((z[i] > 0 ? 1 : 0) === y.data[i]) right++;
  return right / z.length;
}

/** Full-batch SGD for `steps` steps with a Diagnostics monitor on the model. */
export function train(setup: Setup, data: Data, steps: number, slope: number, seed = 1): Trace {
  const model = makeModel(setup, slope, seed);
  const optimizer = new SGD(model.parameters(), { lr: setup.lr });
  const diagnostics = new Diagnostics(model);
  const dead: PerLayer[] = [];
  const noGradient: PerLayer[] = [];
  const losses: number[] = [];
  let divergedAt: number | null = null;
  for (let step = 1; step <= steps; step++) {
    optimizer.zeroGrad();
    const loss = bceWithLogits(model.forward(data.xTrain).reshape([-1]), data.yTrain);
    losses.push(loss.item());
    if (!Number.isFinite(losses[losses.length - 1])) {
      divergedAt = step;
      break;
    }
    loss.backward();
    optimizer.step();
    const report = diagnostics.step(); // sign agreement (and its all-zero rows) of each Linear's weight gradient
    const epoch = diagnostics.endEpoch(); // full batch: this step's forward saw the whole epoch
    dead.push([epoch.dead[0].fraction!, epoch.dead[1].fraction!]);
    noGradient.push([report.signAgreement[0].zeroRows / WIDTH, report.signAgreement[1].zeroRows / WIDTH]);
  }
  diagnostics.detach();
  const finalLoss = losses[losses.length - 1];
  return {
    setup, dead, noGradient, losses, divergedAt, finalLoss,
    trainAccuracy: accuracy(model, data.xTrain, data.yTrain), testAccuracy: accuracy(model, data.xTest, data.yTest),
  };
}

// ---- the lesson ---------------------------------------------------------------------------------

export interface DeadReluResult extends LessonResult {
  runs: Record<Setup["key"], Trace>;
}

const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;
const pair = (v: PerLayer | undefined): string => (v ? `${pct(v[0])} / ${pct(v[1])}` : "—");

export async function run(opts: LessonOptions & { slope?: number }): Promise<DeadReluResult> {
  const say = printer(opts);
  const slope = opts.slope ?? 0.1;
  const points = opts.fast ? 250 : 500;
  const steps = opts.fast ? 80 : 300;
  say(claim(CLAIM));

  const data = makeData(points, 0);
  say(`\nMLP 2-${WIDTH}-${WIDTH}-1 on two moons (${data.yTrain.size} training, ${data.yTest.size} test points), bceWithLogits,`);
  say(`full-batch SGD for ${steps} steps, the same initial weights in every run.`);
  say("dead: never positive over the epoch (deadUnits). no grad: the unit's weight-gradient row is all zero.");
  say("Each cell: hidden layer 1 / hidden layer 2.");

  const traces = setups(slope).map((s) => train(s, data, steps, slope));
  const runs = Object.fromEntries(traces.map((t) => [t.setup.key, t])) as Record<Setup["key"], Trace>;

  say(heading("dead units: at the start, after 1 and 5 updates, at the end"));
  // (a run that overflowed has no end: its row stops at its last finite step)
  const end = (t: Trace, v: PerLayer[]) => (t.divergedAt !== null ? `NaN at ${t.divergedAt}` : pair(v.at(-1)));
  say(table(["run", "start", "after 1", "after 5", "end", "no grad at end"], traces.map((t): Cell[] => [
    t.setup.label, pair(t.dead[0]), pair(t.dead[1]), pair(t.dead[5]), end(t, t.dead), end(t, t.noGradient),
  ])));

  say(heading("results"));
  say(table(["run", "loss at start", "final loss", "train acc", "test acc"], traces.map((t): Cell[] => [
    t.setup.label, num(t.losses[0], 3), t.divergedAt !== null ? `NaN from step ${t.divergedAt}` : num(t.finalLoss, 3),
    t.divergedAt !== null ? "—" : pct(t.trainAccuracy), t.divergedAt !== null ? "—" : pct(t.testAccuracy),
  ])));

  const { he, badInit, largeLr, leakyBadInit, leakyLargeLr } = runs;
  say();
  say(`Bad init: ${pct(badInit.dead[0][0])} / ${pct(badInit.dead[0][1])} of the units are dead before the first update and stay so; the loss does not move`);
  say(`(${num(badInit.losses[0])} → ${num(badInit.finalLoss)}). Too-large lr: from ${pair(largeLr.dead[0])} dead, ${pair(largeLr.dead[5])} after 5 updates, for good.`);
  say(`He init with lr ${SANE_LR}: ${pair(he.dead.at(-1))} dead at the end, loss ${num(he.finalLoss)}. LeakyReLU under the bad init: every unit still`);
  say(`gets a gradient (${pair(leakyBadInit.noGradient.at(-1))} with no gradient), and the loss falls ${num(leakyBadInit.losses[0])} → ${num(leakyBadInit.finalLoss)}.`);
  if (leakyLargeLr.divergedAt !== null) {
    say(`LeakyReLU does not rescue lr ${LARGE_LR}, though: the loss overflows at step ${leakyLargeLr.divergedAt}. That cure is the smaller learning rate.`);
  }

  const files = await writeFigure(opts.outDir, "4-dead-units", deadSpec(traces, steps));
  return { runs, files };
}

// ---- the picture --------------------------------------------------------------------------------

const COLORS: Record<Setup["key"], string> = {
  he: "#1a9850",
  badInit: "#d73027",
  largeLr: "#f46d43",
  leakyBadInit: "#4575b4",
  leakyLargeLr: "#abd9e9",
};

/**
 * Two rows of two panels: (dead, no gradient) × (hidden layer 1, hidden layer 2), one line per run,
 * the step on a log axis (the large learning rate does its damage in the first few steps). The
 * LeakyReLU run that diverges is left out: its few steps before the overflow say nothing about deadness.
 */
export function deadSpec(traces: Trace[], steps: number): TopLevelSpec {
  const shown = traces.filter((t) => t.divergedAt === null);
  const labels = shown.map((t) => t.setup.label);
  const encoding = {
    x: { field: "step", type: "quantitative", title: "step (log scale)", scale: { type: "log", domain: [1, steps] } },
    y: { field: "fraction", type: "quantitative", title: "fraction of units", scale: { domain: [-0.02, 1.02] }, axis: { format: "%", values: [0, 0.25, 0.5, 0.75, 1] } },
    color: { field: "run", type: "nominal", title: null, scale: { domain: labels, range: shown.map((t) => COLORS[t.setup.key]) } },
    strokeDash: { field: "run", type: "nominal", title: null, scale: { domain: labels, range: shown.map((t) => (t.setup.activation === "relu" ? [1, 0] : [7, 3])) } },
  };
  // the bad-init line is drawn wide and first, so the lines lying on top of it leave it visible
  const wide = JSON.stringify(shown.find((t) => t.setup.key === "badInit")?.setup.label ?? "");
  const layer = [
    { transform: [{ filter: `datum.run === ${wide}` }], mark: { type: "line", clip: true, strokeWidth: 6 }, encoding },
    { transform: [{ filter: `datum.run !== ${wide}` }], mark: { type: "line", clip: true, strokeWidth: 2.2 }, encoding },
  ];
  const row = (key: "dead" | "noGradient", title: string) => ({
    title: { text: title, anchor: "start" as const, fontSize: 13 },
    data: {
      values: shown.flatMap((t) => t[key].flatMap((v, k) => [0, 1].map((layer) => ({
        run: t.setup.label, step: k + 1, layer: `hidden layer ${layer + 1}`, fraction: v[layer],
      })))),
    },
    facet: { column: { field: "layer", type: "nominal", title: null, header: { labelFontSize: 12 } } },
    spec: { width: 300, height: 150, layer },
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Lesson 4: dead units during training (2-64-64-1 MLP, two moons, full-batch SGD)", anchor: "start", fontSize: 15 },
    config: { font: FONT, aria: false, legend: { orient: "bottom", columns: 2, labelLimit: 400, symbolType: "stroke", symbolStrokeWidth: 3, symbolSize: 300 } },
    vconcat: [
      row("dead", "dead: never positive over the whole epoch (Diagnostics · deadUnits)"),
      row("noGradient", "no gradient: the unit's weight-gradient row is all zero, it cannot learn (signAgreement · zeroRows)"),
      {
        title: { text: "training loss (the too-large rate spikes far above the top in its first steps)", anchor: "start" as const, fontSize: 13 },
        // capped at 2: the too-large rate's spikes (10⁴ and more) would only break the drawing
        data: { values: shown.flatMap((t) => t.losses.map((loss, k) => ({ run: t.setup.label, step: k + 1, loss: Math.min(loss, 2) }))) },
        width: 300,
        height: 150,
        layer: layer.map((l) => ({
          ...l,
          encoding: { ...encoding, y: { field: "loss", type: "quantitative", title: "bceWithLogits", scale: { domain: [0, 1.2], nice: false } } },
        })),
      },
    ],
    resolve: { scale: { color: "shared", strokeDash: "shared" } },
  } as TopLevelSpec;
}

await runAsScript(import.meta.url, {
  script: "lesson4",
  about: [
    "Lesson 4: dead ReLUs. The same 2-64-64-1 MLP on two moons, trained with He init and a sane learning",
    "rate, with a bad init (biases −3), with a too-large learning rate, and with LeakyReLU as the remedy;",
    "prints the dead fraction of each hidden layer over training and draws it.",
  ].join("\n"),
  extra: {
    defaults: { slope: 0.1 },
    flags: { slope: { value: "X", help: "negative-side slope of the LeakyReLU runs", parse: real((v) => v > 0 && v < 1, "a slope between 0 and 1") } },
  },
}, run);
