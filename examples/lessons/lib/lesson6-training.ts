/**
 * Lesson 6's training comparison: one network per activation, everything else the same.
 *
 * The data and the initial weights are the playground's for the lesson's preset (its seeds, its
 * dataset call in float32, its model built in the same order), then converted to float64: float64
 * runs the same reference loops on every backend, so every backend trains the same network to the
 * same digits (in float32 the wasm kernels round differently from the js ones, and after a thousand
 * steps the last digits of the losses would differ).
 *
 *   moons(points, { noise }) with seed 0, 80/20 split (trainTestSplit)
 *   Linear(2, w) → act → Linear(w, w) → act → Linear(w, 1), PyTorch's default init from seed 1:
 *   the activations have no parameters, so every model starts from the very same weights
 *   bceWithLogits, full-batch SGD at one learning rate for all, no momentum
 *
 * Each step: forward (the layers called one by one, to read the pre-activations z), loss, backward,
 * update. losses[k] is the loss after k updates; the step after the last update only measures.
 * `Diagnostics` watches the model throughout (dead ReLU/LeakyReLU/ReLU6 units, saturated
 * sigmoid/tanh/hardtanh/ReLU6 outputs); the lesson reads its reports of the final forward.
 */
import { manualSeed, noGrad, tensor, type Tensor } from "@backprop/core";
import { Diagnostics, Linear, SGD, Sequential, bceWithLogits, moons, trainTestSplit, type Module } from "@backprop/nn";
import { SATURATED, TRAIN } from "../notes/6-zoo.js";
import { entry, type ZooName } from "./lesson6-zoo.js";

export interface TrainConfig {
  points: number;
  noise: number;
  width: number;
  lr: number;
  steps: number;
  target: number;
  dataSeed: number;
  modelSeed: number;
}

export const FULL: TrainConfig = { ...TRAIN };

export interface Data {
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

const toF64 = (t: Tensor): Tensor => tensor(Float64Array.from(t.data), { shape: t.shape.slice(), dtype: "float64" });

/** The playground's points for these settings (float32, as it draws them), in float64. */
export function makeData(c: TrainConfig): Data {
  manualSeed(c.dataSeed);
  const { x, y } = moons(c.points, { noise: c.noise });
  const s = trainTestSplit(x, y, { testFraction: 0.2 });
  return { xTrain: toF64(s.xTrain), yTrain: toF64(s.yTrain).reshape([-1, 1]), xTest: toF64(s.xTest), yTest: toF64(s.yTest).reshape([-1, 1]) };
}

/** The network with activation `name`: the playground's init (float32, seed modelSeed), then float64. */
export function makeModel(name: ZooName, c: TrainConfig): Sequential {
  manualSeed(c.modelSeed);
  const e = entry(name);
  const model = new Sequential(new Linear(2, c.width), e.module(), new Linear(c.width, c.width), e.module(), new Linear(c.width, 1));
  return model.to("float64");
}

export interface TrainRun {
  name: ZooName;
  /** The loss after k updates, k = 0 … steps. */
  losses: number[];
  /** The first k with losses[k] ≤ target, or null. */
  stepsToTarget: number | null;
  trainAccuracy: number;
  testAccuracy: number;
  /** At the start: the mean |f′(z)| over every example and unit of each hidden layer, and ‖∂J/∂W₁‖. */
  startSlope: [number, number];
  startGradW1: number;
  /**
   * How far each hidden layer's outputs are from centred at the start: per unit, the share of its
   * mean square that is its mean, m²/E[h²] (0: centred, 1: a constant), averaged over the units.
   * Near 1 the next layer's inputs are one-signed and nearly alike (lesson 3).
   */
  startOffset: [number, number];
  /** Diagnostics on the final forward: dead units per layer (null: not a ReLU-type layer), and which. */
  dead: [number, number] | null;
  deadUnits: [number[], number[]] | null;
  /** Diagnostics on the final forward: the saturated share of each layer's outputs (null: not observed). */
  saturated: [number, number] | null;
  /** Units with |f′(z)| < SATURATED on every training example at the end, per layer (by backprop), and which. */
  noGradient: [number, number];
  noGradientUnits: [number[], number[]];
  /** The largest pre-activation z of any hidden unit on any training example, over the whole run. */
  maxZ: number;
  /** The weights at the start (to show they are the same for every activation). */
  startWeights: Float64Array;
}

/** mean |f′(z)| over all of z and the columns (units) where |f′| < SATURATED in every row. */
function slopeStats(act: Module, z: Tensor): { mean: number; flat: number[] } {
  const leaf = tensor(Float64Array.from(z.data), { shape: z.shape.slice(), dtype: "float64", requiresGrad: true });
  act.forward(leaf).sum().backward();
  const g = leaf.grad!.data;
  const [n, units] = z.shape;
  let sum = 0;
  const flat: number[] = [];
  for (let j = 0; j < units; j++) {
    let all = true;
    for (let i = 0; i < n; i++) {
      const v = Math.abs(g[i * units + j]);
      sum += v;
      if (v >= SATURATED) all = false;
    }
    if (all) flat.push(j);
  }
  return { mean: sum / g.length, flat };
}

/** The mean over the units (columns) of m²/E[h²], m the unit's mean output. */
function offsetShare(h: Tensor): number {
  const [n, units] = h.shape;
  const d = h.data;
  let share = 0;
  for (let j = 0; j < units; j++) {
    let m = 0, sq = 0;
    for (let i = 0; i < n; i++) {
      m += d[i * units + j];
      sq += d[i * units + j] ** 2;
    }
    share += sq === 0 ? 0 : (m / n) ** 2 / (sq / n);
  }
  return share / units;
}
function maxOf(t: Tensor): number {
  const d = t.data;
  let m = -Infinity;
  for (let i = 0; i < d.length; i++) if (d[i] > m) m = d[i];
  return m;
}

function accuracy(model: Sequential, x: Tensor, y: Tensor): number {
  const z = noGrad(() => model.forward(x)).data;
  let right = 0;
  for (let i = 0; i < z.length; i++) if ((z[i] > 0 ? 1 : 0) === y.data[i]) right++;
  return right / z.length;
}

export function train(name: ZooName, data: Data, c: TrainConfig): TrainRun {
  const model = makeModel(name, c);
  const [l1, a1, l2, a2, l3] = [model[0], model[1], model[2], model[3], model[4]] as [Linear, Module, Linear, Module, Linear];
  const startWeights = Float64Array.from(model.parameters().flatMap((p) => Array.from(p.data)));
  const optimizer = new SGD(model.parameters(), { lr: c.lr });
  const diagnostics = new Diagnostics(model);
  const losses: number[] = [];
  let maxZ = -Infinity;
  let start: Pick<TrainRun, "startSlope" | "startGradW1" | "startOffset"> | null = null;
  let deadUnits: [number[], number[]] | null = null;
  let saturated: [number, number] | null = null;
  let noGradientUnits: [number[], number[]] = [[], []];

  for (let k = 0; k <= c.steps; k++) {
    optimizer.zeroGrad();
    const z1 = l1.forward(data.xTrain);
    const h1 = a1.forward(z1);
    const z2 = l2.forward(h1);
    const h2 = a2.forward(z2);
    const loss = bceWithLogits(l3.forward(h2), data.yTrain);
    loss.backward();
    losses.push(loss.item());
    maxZ = Math.max(maxZ, maxOf(z1), maxOf(z2));
    if (k === 0) {
      const [s1, s2] = [slopeStats(a1, z1), slopeStats(a2, z2)];
      let sq = 0;
      for (const v of l1.weight.grad!.data) sq += v * v;
      start = { startSlope: [s1.mean, s2.mean], startGradW1: Math.sqrt(sq), startOffset: [offsetShare(h1), offsetShare(h2)] };
    }
    if (k === c.steps) {
      // the final forward: what Diagnostics saw of it, and the units left without a gradient
      const report = diagnostics.step();
      const epoch = diagnostics.endEpoch();
      if (epoch.dead.length === 2) deadUnits = [epoch.dead[0].units, epoch.dead[1].units];
      if (report.saturation.length === 2) saturated = [report.saturation[0].fraction!, report.saturation[1].fraction!];
      noGradientUnits = [slopeStats(a1, z1).flat, slopeStats(a2, z2).flat];
      break;
    }
    optimizer.step();
    diagnostics.step();
    diagnostics.endEpoch(); // one step is one epoch (full batch): dead means dead on this forward
  }
  diagnostics.detach();
  const reached = losses.findIndex((l) => l <= c.target);
  return {
    name, losses, stepsToTarget: reached < 0 ? null : reached,
    trainAccuracy: accuracy(model, data.xTrain, data.yTrain), testAccuracy: accuracy(model, data.xTest, data.yTest),
    ...start!, dead: deadUnits && [deadUnits[0].length, deadUnits[1].length], deadUnits, saturated,
    noGradient: [noGradientUnits[0].length, noGradientUnits[1].length], noGradientUnits, maxZ, startWeights,
  };
}

/**
 * The best a straight line can do: logistic regression (Linear(2, 1), no hidden layer) trained the
 * same way, from seed modelSeed. The plateau of the slow runs sits at its loss.
 */
export function trainLine(data: Data, c: TrainConfig): { loss: number; trainAccuracy: number } {
  manualSeed(c.modelSeed);
  const model = new Sequential(new Linear(2, 1)).to("float64");
  const optimizer = new SGD(model.parameters(), { lr: c.lr });
  let loss = NaN;
  for (let k = 0; k <= c.steps; k++) {
    optimizer.zeroGrad();
    const l = bceWithLogits(model.forward(data.xTrain), data.yTrain);
    loss = l.item();
    if (k === c.steps) break;
    l.backward();
    optimizer.step();
  }
  return { loss, trainAccuracy: accuracy(model, data.xTrain, data.yTrain) };
}

/** The largest one-step rise of the loss (losses[k] / losses[k − 1]) and its step k. */
export function largestRise(losses: number[]): { step: number; from: number; to: number } {
  let best = { step: 0, from: losses[0], to: losses[0] };
  for (let k = 1; k < losses.length; k++) if (losses[k] / losses[k - 1] > best.to / best.from) best = { step: k, from: losses[k - 1], to: losses[k] };
  return best;
}
