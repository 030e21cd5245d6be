/**
 * Lesson 4 (`pnpm lesson4`) — dead ReLUs.
 *
 * A ReLU unit computes a = relu(z), z = w·x + b. By the chain rule ∂J/∂w = (∂J/∂a)·relu′(z)·x and
 * ∂J/∂b = (∂J/∂a)·relu′(z), and relu′(z) = 0 for z < 0 (and at 0, the left side). A unit whose z is
 * negative for every input gets exactly 0 from every example, so SGD leaves its weights exactly
 * where they are (w − lr·0 = w). Whether it stays dead depends on its inputs: layer 1's inputs are
 * the data, which never change, so a layer-1 unit dead on every point is dead for good; layer 2's
 * inputs are layer 1's outputs, which move while layer 1 learns, so a layer-2 unit dead on this
 * step's inputs can come back. The lesson separates the two counts (lib/lesson4-track.ts):
 *   dead this step     never positive on the step's forward (`Diagnostics.endEpoch()`);
 *   beyond recovery    dead on every step from some step d to the end, with its incoming weights
 *                      bit-identical from d on;
 * and shows units that came back with their own weights frozen: what changed was their input.
 *
 * One MLP, 2-64-64-1 with ReLU, on two moons, trained by full-batch SGD (each step is one epoch:
 * the whole training set), the same weights at the start of every run:
 *
 *   1. He init (kaimingNormal, biases 0), lr 0.5            healthy
 *   2. bad init: the same weights, every hidden bias −3     most units dead before the first step
 *   3. He init, lr 0.5, and at one step a corrupt example   the note's mechanism: one big input x
 *      whose x is 1000 times too large (and whose label     makes ∂J/∂w = (∂J/∂z)·x big, and one
 *      the network gets wrong)                              update throws weights far negative
 *   4. He init, lr 4 (too large)                            the first few updates throw units dead
 *   5. as 2, with LeakyReLU(0.1)                            the remedy: a unit on the negative side
 *                                                           still passes 0.1 × its gradient, and learns
 *   6. as 4, with LeakyReLU(0.1)                            …but no activation saves a run whose
 *                                                           steps are so big that the loss blows up
 * (Run 1 is the remedy for runs 2 and 4: He init, and a smaller learning rate.)
 *
 * The slope 0.1 rather than PyTorch's default 0.01: with 0.01 the units get a gradient too, but a
 * 100 times smaller one, and the bad-init run barely moves in this many steps (try `--slope 0.01`).
 */
import { concat, manualSeed, noGrad, relu, tensor, type Tensor } from "@backprop/core";
import { Diagnostics, LeakyReLU, Linear, ReLU, SGD, Sequential, bceWithLogits, init, moons, trainTestSplit, type Module } from "@backprop/nn";
import { writeFigure } from "../shared/figure.js";
import { real } from "../shared/flags.js";
import { deadSpec, revivalSpec } from "./lib/lesson4-figures.js";
import { spells, summarise, UnitTracker, type Spell, type UnitHistory, type UnitSummary } from "./lib/lesson4-track.js";
import { claim, heading, printer, runAsScript, type LessonOptions, type LessonResult } from "./lib/run.js";
import { num, table, type Cell } from "./lib/table.js";
// The claim and the runs' numbers are shared with the browser playground's preset (notes/ is browser-safe).
import { BAD_BIAS, CLAIM, LARGE_LR, OUTLIER, SANE_LR, WIDTH } from "./notes/4-dead-relu.js";

export { BAD_BIAS, CLAIM, LARGE_LR, OUTLIER, SANE_LR, WIDTH };

export type RunKey = "he" | "badInit" | "outlier" | "largeLr" | "leakyBadInit" | "leakyLargeLr";

export interface Setup {
  key: RunKey;
  label: string;
  activation: "relu" | "leakyRelu";
  /** Every hidden bias starts at this value (0 for He init). */
  bias: number;
  lr: number;
  /** One corrupt example joins the batch of this step (its x times `scale`). */
  outlier?: { step: number; scale: number };
}

export function setups(slope: number, outlier: { step: number; scale: number } = OUTLIER): Setup[] {
  return [
    { key: "he", label: `He init, lr ${SANE_LR}`, activation: "relu", bias: 0, lr: SANE_LR },
    { key: "badInit", label: `bad init (biases ${BAD_BIAS}), lr ${SANE_LR}`, activation: "relu", bias: BAD_BIAS, lr: SANE_LR },
    {
      key: "outlier", label: `He, lr ${SANE_LR}, one x ×${outlier.scale} at step ${outlier.step}`, activation: "relu", bias: 0, lr: SANE_LR,
      outlier,
    },
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

/** The outlier's update, written out for one layer-2 unit it killed (chain rule with the run's numbers). */
export interface OutlierUpdate {
  step: number;
  /** The corrupt example: its x, its label (the class the network got wrong) and the logit before the update. */
  x: [number, number];
  label: number;
  logit: number;
  /** Examples in that step's batch (the training set and the outlier): the mean divides by it. */
  batch: number;
  /** The largest input of layer 2 (a layer-1 output) on the outlier, and on the ordinary data. */
  hMaxOutlier: number;
  hMaxData: number;
  /** Layer-2 units alive before the update and dead right after it; of those, still dead at the end. */
  killed: number[];
  killedForGood: number[];
  /** The unit written out (−1 if the update killed none). */
  unit: number;
  /** ∂J/∂zⱼ from the outlier's share of the loss (with the 1/batch of the mean). */
  delta: number;
  /** Components of the outlier's share of ∂J/∂wⱼ = δⱼ·h that are > 0, < 0, = 0. */
  positive: number;
  negative: number;
  zero: number;
  /** The largest component of the outlier's share of the gradient, and of the whole batch's row. */
  outlierGradMax: number;
  batchGradMax: number;
  /** The output layer's weight from the unit (the chain's next factor). */
  outWeight: number;
  /** The unit's largest z over the training set before and after the update. */
  maxZBefore: number;
  maxZAfter: number;
  /** The update's change of the unit's z on the training points: the most negative and the least negative. */
  zChange: [number, number];
}

export interface Trace {
  setup: Setup;
  /** dead[k]: fraction of units never positive on the forward of step k + 1 (after k updates). */
  dead: PerLayer[];
  /** noGradient[k]: fraction of units whose incoming weight-gradient row was all zero at step k + 1. */
  noGradient: PerLayer[];
  /** maxZ[layer][k][u]: unit u's largest pre-activation over the training set after k updates. */
  maxZ: [Float64Array[], Float64Array[]];
  /** Unit by unit: when dead, when the weights changed; and what follows from it. */
  history: [UnitHistory, UnitHistory];
  units: [UnitSummary, UnitSummary];
  /** The loss at each step (before its update). */
  losses: number[];
  /** The step at which the loss stopped being finite, or null. Training stops there. */
  divergedAt: number | null;
  finalLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  outlier: OutlierUpdate | null;
}

function accuracy(model: Module, x: Tensor, y: Tensor): number {
  const z = noGrad(() => model.forward(x).reshape([-1])).data;
  let right = 0;
  for (let i = 0; i < z.length; i++) if ((z[i] > 0 ? 1 : 0) === y.data[i]) right++;
  return right / z.length;
}

/** Each hidden unit's pre-activations over the rows of x (layer 1: Linear 0; layer 2: Linear 2), and their largest. */
function preActivations(model: Sequential, x: Tensor): { max: [Float64Array, Float64Array]; z2: Float64Array } {
  return noGrad(() => {
    const z1 = (model[0] as Linear).forward(x);
    const z2 = (model[2] as Linear).forward(model[1].forward(z1));
    const max = (z: Tensor) => Float64Array.from(z.max(0).data);
    return { max: [max(z1), max(z2)], z2: Float64Array.from(z2.data) };
  });
}

/** The outlier's own share of the loss, on detached copies of the weights: h = layer 1's outputs, δ = ∂J/∂z of layer 2, ∂J/∂W₂. */
function outlierShare(model: Sequential, x: Tensor, label: number, batch: number): { h: Float64Array; delta: Float64Array; grad: Float64Array; outWeights: Float64Array } {
  const [l0, l2, l4] = [model[0], model[2], model[4]] as Linear[];
  const w2 = l2.weight.detach().clone();
  w2.requiresGrad = true;
  const h = relu(x.matmul(l0.weight.detach().T).add(l0.bias!.detach()));
  const z = h.matmul(w2.T).add(l2.bias!.detach());
  z.retainGrad();
  const logit = relu(z).matmul(l4.weight.detach().T).add(l4.bias!.detach()).reshape([-1]);
  bceWithLogits(logit, tensor([label]), { reduction: "sum" }).div(batch).backward();
  return { h: Float64Array.from(h.data), delta: Float64Array.from(z.grad!.data), grad: Float64Array.from(w2.grad!.data), outWeights: Float64Array.from(l4.weight.data) };
}

/** Full-batch SGD for `steps` steps with a Diagnostics monitor on the model and a unit tracker on each hidden layer. */
export function train(setup: Setup, data: Data, steps: number, slope: number, seed = 1): Trace {
  const model = makeModel(setup, slope, seed);
  const linears = [model[0], model[2]] as Linear[];
  const optimizer = new SGD(model.parameters(), { lr: setup.lr });
  const diagnostics = new Diagnostics(model);
  const trackers = linears.map((l) => new UnitTracker({ weight: l.weight, bias: l.bias, units: WIDTH })) as [UnitTracker, UnitTracker];
  const dead: PerLayer[] = [];
  const noGradient: PerLayer[] = [];
  const maxZ: [Float64Array[], Float64Array[]] = [[], []];
  const losses: number[] = [];
  let divergedAt: number | null = null;
  let outlier: OutlierUpdate | null = null;
  const z2Around: Float64Array[] = []; // layer 2's z on the data just before and just after the outlier's update
  let pending: { x: Tensor; label: number; logit: number; batch: number; share: ReturnType<typeof outlierShare>; row: Float64Array } | null = null;
  for (let step = 1; step <= steps; step++) {
    const { max: [m1, m2], z2 } = preActivations(model, data.xTrain);
    maxZ[0].push(m1);
    maxZ[1].push(m2);
    if (setup.outlier && (step === setup.outlier.step || step === setup.outlier.step + 1)) z2Around.push(z2);
    let x = data.xTrain;
    let y = data.yTrain;
    if (setup.outlier?.step === step) {
      // one corrupt example: the first training point with its x scaled up, labelled with the class the network gets wrong
      const big = x.slice([0, 0], [1, 2]).mul(setup.outlier.scale);
      const logit = noGrad(() => model.forward(big)).item();
      const label = logit > 0 ? 0 : 1;
      x = concat([x, big]);
      y = concat([y, tensor([label])]);
      const batch = x.shape[0];
      pending = { x: big, label, logit, batch, share: outlierShare(model, big, label, batch), row: new Float64Array(0) };
    }
    optimizer.zeroGrad();
    const loss = bceWithLogits(model.forward(x).reshape([-1]), y);
    losses.push(loss.item());
    if (!Number.isFinite(losses[losses.length - 1])) {
      divergedAt = step;
      maxZ[0].pop();
      maxZ[1].pop();
      break;
    }
    loss.backward();
    if (pending && setup.outlier?.step === step) pending.row = Float64Array.from(linears[1].weight.grad!.data);
    optimizer.step();
    const report = diagnostics.step(); // sign agreement (and its all-zero rows) of each Linear's weight gradient
    const epoch = diagnostics.endEpoch(); // full batch: this step's forward saw the whole epoch
    dead.push([epoch.dead[0].fraction!, epoch.dead[1].fraction!]);
    noGradient.push([report.signAgreement[0].zeroRows / WIDTH, report.signAgreement[1].zeroRows / WIDTH]);
    trackers.forEach((t, i) => {
      t.recordDead(epoch.dead[i].units);
      t.recordUpdate();
    });
    if (pending && outlier === null) outlier = { step, ...pendingFacts(pending) };
  }
  diagnostics.detach();
  const history = trackers.map((t) => t.history) as [UnitHistory, UnitHistory];
  const units = history.map(summarise) as [UnitSummary, UnitSummary];
  if (outlier) completeOutlier(outlier, history[1], units[1], maxZ, z2Around, pending!);
  const finalLoss = losses[losses.length - 1];
  return {
    setup, dead, noGradient, maxZ, history, units, losses, divergedAt, finalLoss, outlier,
    trainAccuracy: accuracy(model, data.xTrain, data.yTrain), testAccuracy: accuracy(model, data.xTest, data.yTest),
  };
}

type Pending = { x: Tensor; label: number; logit: number; batch: number; share: ReturnType<typeof outlierShare>; row: Float64Array };

function pendingFacts(p: Pending): Omit<OutlierUpdate, "step"> {
  return {
    x: [p.x.data[0], p.x.data[1]], label: p.label, logit: p.logit, batch: p.batch,
    hMaxOutlier: Math.max(...p.share.h), hMaxData: 0,
    killed: [], killedForGood: [], unit: -1, delta: 0, positive: 0, negative: 0, zero: 0, outlierGradMax: 0, batchGradMax: 0, outWeight: 0,
    maxZBefore: NaN, maxZAfter: NaN, zChange: [NaN, NaN],
  };
}

/** After training: which layer-2 units the outlier's update killed, and one of them written out. */
function completeOutlier(o: OutlierUpdate, h2: UnitHistory, s2: UnitSummary, maxZ: Trace["maxZ"], z2Around: Float64Array[], p: Pending): void {
  const k = o.step - 1; // forward index of the outlier's step
  const after = k + 1;
  const maxZ2 = maxZ[1];
  o.hMaxData = Math.max(0, ...maxZ[0][k]); // layer 1's largest output on the training set: its largest z, if positive
  if (after >= h2.dead.length) return;
  o.killed = Array.from({ length: WIDTH }, (_, u) => u).filter((u) => maxZ2[k][u] > 0 && h2.dead[after][u] === 1);
  o.killedForGood = o.killed.filter((u) => s2.beyondRecovery.includes(u));
  // the unit pushed furthest below 0, among those killed for good (else among those killed)
  const pool = o.killedForGood.length > 0 ? o.killedForGood : o.killed;
  if (pool.length === 0) return;
  const u = pool.reduce((a, b) => (maxZ2[after][b] < maxZ2[after][a] ? b : a));
  const row = Array.from(p.share.grad.subarray(u * WIDTH, (u + 1) * WIDTH));
  o.unit = u;
  o.delta = p.share.delta[u];
  o.positive = row.filter((v) => v > 0).length;
  o.negative = row.filter((v) => v < 0).length;
  o.zero = row.filter((v) => v === 0).length;
  o.outlierGradMax = Math.max(...row.map(Math.abs));
  const batchRow = Array.from(p.row.subarray(u * WIDTH, (u + 1) * WIDTH));
  o.batchGradMax = Math.max(...batchRow.map(Math.abs));
  o.outWeight = p.share.outWeights[u];
  o.maxZBefore = maxZ2[k][u];
  o.maxZAfter = maxZ2[after][u];
  const [before, afterZ] = z2Around;
  const drops = Array.from({ length: before.length / WIDTH }, (_, i) => afterZ[i * WIDTH + u] - before[i * WIDTH + u]);
  o.zChange = [Math.min(...drops), Math.max(...drops)];
}

// ---- the lesson ---------------------------------------------------------------------------------

export interface DeadReluResult extends LessonResult {
  runs: Record<RunKey, Trace>;
  /**
   * The He run's clearest comeback of a layer-2 unit (see clearestRevival): dead
   * after updates from … to − 1, positive after update `to`; its weights through the spell (frozen:
   * bit-identical), and its largest z over the data at the spell's last step and just after.
   */
  revival: { unit: number; from: number; to: number; frozen: boolean; zDead: number; zBack: number } | null;
}

const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;
/** A unit index as subscript digits (z₆, v₁₄). */
const sub = (n: number): string => String(n).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]);
const count = (f: number): string => String(Math.round(f * WIDTH));

/**
 * The clearest comeback of a run's layer-2 unit: of the dead spells that ended with the unit
 * positive again, the one after which its largest z over the data was highest. (Most comebacks are
 * units whose largest z hovers within 10⁻³ of 0; for those, the last bits of the arithmetic decide
 * the update at which they flip, and that differs between kernel builds. The clearest does not.)
 */
function clearestRevival(t: Trace): DeadReluResult["revival"] {
  const { dead, changed } = t.history[1];
  let best: DeadReluResult["revival"] = null;
  for (let u = 0; u < WIDTH; u++) {
    for (let from = 0; from < dead.length; from++) {
      if (!dead[from][u] || (from > 0 && dead[from - 1][u])) continue;
      let to = from;
      while (to < dead.length && dead[to][u]) to++;
      if (to === dead.length) continue;
      const zBack = t.maxZ[1][to][u];
      if (best && zBack <= best.zBack) continue;
      let frozen = true;
      for (let k = from; k < to; k++) if (changed[k][u]) frozen = false;
      best = { unit: u, from, to, frozen, zDead: t.maxZ[1][to - 1][u], zBack };
    }
  }
  return best;
}

/** A comeback counts as on the edge when the unit's largest z over the data is below this. */
const EDGE = 0.005;

/** Layer-2 units that came back, but never with their largest z over the data above `edge`. */
function edgeUnits(t: Trace, edge: number): number {
  const { dead } = t.history[1];
  return t.units[1].revived.filter((u) => {
    for (let k = 1; k < dead.length; k++) if (dead[k - 1][u] && !dead[k][u] && t.maxZ[1][k][u] >= edge) return false;
    return true;
  }).length;
}

export async function run(opts: LessonOptions & { slope?: number }): Promise<DeadReluResult> {
  const say = printer(opts);
  const slope = opts.slope ?? 0.1;
  const points = opts.fast ? 250 : 500;
  const steps = opts.fast ? 80 : 300;
  say(claim(CLAIM));

  say(heading("the chain rule at a dead unit"));
  say("A hidden unit computes a = relu(z), z = w·x + b, where x is the unit's input: the data for layer 1,");
  say("layer 1's outputs (all ≥ 0) for layer 2. By the chain rule");
  say("  ∂J/∂w = (∂J/∂a)·relu′(z)·x      ∂J/∂b = (∂J/∂a)·relu′(z)      relu′(z) = 0 for z < 0 (and at 0)");
  say("so a unit with z < 0 on every input gets exactly 0 from every example, and SGD leaves its weights bit for");
  say("bit where they are (w − lr·0 = w). Only its input x can bring it back: layer 1's inputs are the data,");
  say("which never change, so a layer-1 unit dead on every point stays dead. Layer 2's inputs move while layer 1");
  say("learns, so a layer-2 unit dead on this step's inputs can come back.");

  const data = makeData(points, 0);
  say(heading("the runs"));
  say(`MLP 2-${WIDTH}-${WIDTH}-1 on two moons (${data.yTrain.size} training, ${data.yTest.size} test points), bceWithLogits,`);
  say(`full-batch SGD for ${steps} steps, the same initial weights in every run. Counts are units of ${WIDTH} per layer.`);
  say("dead: never positive on the step's forward, the whole training set (Diagnostics · endEpoch).");
  say("beyond recovery: dead on every step from some step on to the end, its incoming weights bit-identical since.");
  say("came back: dead on some step, positive on a later one.");

  const traces = setups(slope).map((s) => train(s, data, steps, slope));
  const runs = Object.fromEntries(traces.map((t) => [t.setup.key, t])) as Record<RunKey, Trace>;

  say(heading("dead units per layer: at the start, after 1 and 5 updates, at the end"));
  const rows: Cell[][] = [];
  for (const t of traces) {
    for (const layer of [0, 1] as const) {
      const diverged = t.divergedAt !== null;
      const end = diverged ? `NaN at step ${t.divergedAt}` : count(t.dead.at(-1)![layer]);
      rows.push([
        layer === 0 ? t.setup.label : "", `layer ${layer + 1}`, count(t.dead[0][layer]), count(t.dead[1][layer]), count(t.dead[5][layer]), end,
        diverged ? "—" : t.units[layer].beyondRecovery.length, t.units[layer].revived.length,
      ]);
    }
  }
  say(table(["run", "", "start", "after 1", "after 5", "end", "beyond recovery", "came back"], rows, { align: ["l", "l", "r", "r", "r", "r", "r", "r"] }));

  say(heading("results"));
  say(table(["run", "loss at start", "final loss", "train acc", "test acc"], traces.map((t): Cell[] => [
    t.setup.label, num(t.losses[0], 3), t.divergedAt !== null ? `NaN from step ${t.divergedAt}` : num(t.finalLoss, 3),
    t.divergedAt !== null ? "—" : pct(t.trainAccuracy), t.divergedAt !== null ? "—" : pct(t.testAccuracy),
  ])));

  const { he, badInit, outlier, largeLr, leakyBadInit, leakyLargeLr } = runs;
  const revival = clearestRevival(he);

  say(heading("dead this step is not dead for good: layer 2 of the He run"));
  const l2 = he.dead.map((d) => Math.round(d[1] * WIDTH));
  const low = l2.indexOf(Math.min(...l2.slice(1)), 1);
  say(`Layer 2's dead count goes ${l2[0]} at the start, ${l2[1]} after 1 update, down to ${l2[low]} after ${low} updates, and ${l2.at(-1)} at the end: units come and go.`);
  say(`${he.units[1].revived.length} units of layer 2 died and came back; ${he.units[0].revived.length} of layer 1 (its inputs, the data, never change).`);
  if (revival) {
    const spell = revival.to - revival.from === 1 ? `after update ${revival.from}` : `after updates ${revival.from} to ${revival.to - 1}`;
    say(`The clearest comeback: unit ${revival.unit} of layer 2, dead ${spell}, positive again after update ${revival.to}.`);
    say(`Its incoming weights stayed ${revival.frozen ? "bit-identical" : "NOT identical (!)"} through its dead steps (its gradient was exactly 0), yet`);
    say(`its largest z over the data went from ${num(revival.zDead, 2)} to ${num(revival.zBack, 2)}: layer 1's update had changed the unit's inputs h.`);
    const edge = edgeUnits(he, EDGE);
    say(`Of the ${he.units[1].revived.length} units that came back, ${edge} came back only to the edge: after each of their comebacks their largest`);
    say(`z over the data was below ${EDGE}. Such units flicker between dead and alive.`);
  }
  say(`Beyond recovery at the end: layer 1 ${he.units[0].beyondRecovery.length}, layer 2 ${he.units[1].beyondRecovery.length} (units ${he.units[1].beyondRecovery.join(", ") || "none"}).`);

  const o = outlier.outlier;
  if (o) {
    say(heading(`one big input, one update: the outlier at step ${o.step}`));
    say(`At step ${o.step} the batch holds the ${data.yTrain.size} training points and one corrupt example: the first point with its x`);
    say(`${OUTLIER.scale} times too large, x = (${num(o.x[0], 4)}, ${num(o.x[1], 4)}), labelled ${o.label}, the class the network gets wrong (logit below ${Math.ceil(o.logit / 1000) * 1000}).`);
    say(`Its inputs to layer 2 (layer 1's outputs h) are as large: up to ${num(o.hMaxOutlier, 4)}, against at most ${num(o.hMaxData, 3)} on the data.`);
    if (o.unit >= 0) {
      const u = o.unit;
      const sigma = 1 / (1 + Math.exp(-o.logit));
      const dLogit = (sigma - o.label) / o.batch;
      say(`The chain rule for unit ${u} of layer 2, from the outlier's share of the mean loss (1/${o.batch} of it; v: the output layer's weights):`);
      say(`  ∂J/∂logit = (σ(logit) − t)/${o.batch} = (${num(sigma, 3)} − ${o.label})/${o.batch} = ${num(dLogit, 4)}`);
      say(`  ∂J/∂z${sub(u)} = ∂J/∂logit · v${sub(u)} · relu′(z${sub(u)}) = (${num(dLogit, 4)})(${num(o.outWeight, 4)})(1) = ${num(o.delta, 4)}`);
      say(`  ∂J/∂w${sub(u)}ₖ = ∂J/∂z${sub(u)} · hₖ: ${o.positive} components > 0, ${o.zero} = 0, ${o.negative} < 0 (h ≥ 0: one sign, as in lesson 3); the largest ${num(o.outlierGradMax, 4)}`);
      say(`The whole batch's row of the gradient (the ${o.batch - 1} ordinary examples too) has largest component ${num(o.batchGradMax, 4)}: nearly all the outlier's.`);
      const fell = o.zChange[1] < 0;
      say(`The update −lr·∂J/∂w at lr ${SANE_LR} lowers those weights by up to ${num(SANE_LR * o.batchGradMax, 4)}, and z ${fell ? "fell on every one" : "did NOT fall on all"} of the ${o.batch - 1} points`);
      say(`(by ${num(-o.zChange[1], 2)} to ${num(-o.zChange[0], 2)}): the unit's largest z over the data went from ${num(o.maxZBefore, 2)} to ${num(o.maxZAfter, 2)}, dead on every input.`);
    }
    say(`That one update killed ${o.killed.length} units of layer 2 that were alive; ${o.killedForGood.length} of them were still dead at the end, beyond recovery.`);
  }

  say(heading("what the numbers say"));
  say("Two mechanisms kill units. A bad init needs no update: every hidden bias at −3 puts z = w·x − 3 below 0 on");
  say(`every point for ${count(badInit.dead[0][0])} / ${count(badInit.dead[0][1])} units of layers 1 / 2 before training starts; they stay dead and the loss does not move`);
  say(`(${num(badInit.losses[0])} → ${num(badInit.finalLoss)}). The note's mechanism is one update that is too big: −lr·(∂J/∂z)·x is large when lr is`);
  say(`(lr ${LARGE_LR}: ${count(largeLr.dead[0][0])} / ${count(largeLr.dead[0][1])} dead at the start, ${count(largeLr.dead[5][0])} / ${count(largeLr.dead[5][1])} after 5 updates, ${largeLr.units[0].beyondRecovery.length} / ${largeLr.units[1].beyondRecovery.length} beyond recovery at the end)`);
  if (o) say(`or when x is (one x ×${OUTLIER.scale}: ${o.killed.length} units of layer 2 killed in one update, ${o.killedForGood.length} of them for good).`);
  say(`The remedies: He init with lr ${SANE_LR} ends with ${he.units[0].beyondRecovery.length} / ${he.units[1].beyondRecovery.length} units beyond recovery and loss ${num(he.finalLoss)}. LeakyReLU under the bad`);
  say(`init: units never positive (${count(leakyBadInit.dead.at(-1)![0])} / ${count(leakyBadInit.dead.at(-1)![1])} at the end) still get a gradient, their weights keep changing (beyond`);
  say(`recovery: ${leakyBadInit.units[0].beyondRecovery.length} / ${leakyBadInit.units[1].beyondRecovery.length}), and the loss falls ${num(leakyBadInit.losses[0])} → ${num(leakyBadInit.finalLoss)}.`);
  if (leakyLargeLr.divergedAt !== null) {
    say(`LeakyReLU does not rescue lr ${LARGE_LR}, though: the loss overflows at step ${leakyLargeLr.divergedAt}. That cure is the smaller learning rate.`);
  }

  const files = [
    ...(await writeFigure(opts.outDir, "4-dead-units", deadSpec(traces, steps))),
    ...(await writeFigure(opts.outDir, "4-revival", revivalSpec([
      { title: `He init, lr ${SANE_LR}, layer 2: units come back`, spells: spells(he.history[1], he.units[1]), steps: he.dead.length },
      { title: `One x ×${OUTLIER.scale} at step ${OUTLIER.step}, layer 2`, spells: spells(outlier.history[1], outlier.units[1]), steps: outlier.dead.length, mark: OUTLIER.step },
      { title: `lr ${LARGE_LR} (too large), layer 1: none comes back`, spells: spells(largeLr.history[0], largeLr.units[0]), steps: largeLr.dead.length },
      { title: `lr ${LARGE_LR} (too large), layer 2`, spells: spells(largeLr.history[1], largeLr.units[1]), steps: largeLr.dead.length },
    ] satisfies { title: string; spells: Spell[]; steps: number; mark?: number }[]))),
  ];
  return { runs, revival, files };
}

await runAsScript(import.meta.url, {
  script: "lesson4",
  about: [
    "Lesson 4: dead ReLUs. The same 2-64-64-1 MLP on two moons, trained with He init and a sane learning",
    "rate, with a bad init (biases −3), with one corrupt example whose x is 1000 times too large, with a",
    "too-large learning rate, and with LeakyReLU as the remedy; prints the dead units of each hidden layer,",
    "those that came back and those beyond recovery, and draws them.",
  ].join("\n"),
  extra: {
    defaults: { slope: 0.1 },
    flags: { slope: { value: "X", help: "negative-side slope of the LeakyReLU runs", parse: real((v) => v > 0 && v < 1, "a slope between 0 and 1") } },
  },
}, run);
