/**
 * The spirals example's training: three spiral arms, an MLP, crossEntropy, AdamW with a one-cycle
 * schedule stepped after every batch, a checkpoint halfway, and a second run resumed from it.
 *
 * `setup` builds everything from the seed — data, split, model, optimizer, scheduler, loader — the
 * way a new process would. The uninterrupted run saves a checkpoint after half the epochs and goes
 * on; the resumed run calls `setup` again (new weights drawn, a new optimizer and scheduler at their
 * first step), loads the checkpoint over it (weights, AdamW's moments and step counts, the
 * scheduler's position and the random generator's state, which decides the batch order of every
 * later epoch) and trains the second half again. The two must agree bit for bit.
 *
 * float64 throughout, as in the regression example: the reference loops run on every kernel
 * backend, so the numbers printed are the same on "js", "wasm" and the fused-multiply-add build.
 */
import { argmax, equal, eq, manualSeed, noGrad, softmax, tensor, type Tensor } from "@backprop/core";
import {
  AdamW, crossEntropy, DataLoader, Linear, OneCycleLR, ReLU, Sequential, spirals, trainTestSplit, type Split,
} from "@backprop/nn";
import { loadCheckpoint, saveCheckpoint } from "@backprop/nn/node";
import type { SpiralsOptions } from "./args.js";

export type TrainOptions = Omit<SpiralsOptions, "out" | "fast">;

export const CLASSES = 3;

/** Everything a run is made of. */
export interface Run {
  data: Split;
  model: Sequential;
  optimizer: AdamW;
  scheduler: OneCycleLR;
  loader: DataLoader;
}

/** Data, model, optimizer, scheduler and loader, from the seed (what a new process would build). */
export function setup(opts: TrainOptions): Run {
  manualSeed(opts.seed);
  const { x, y } = spirals(opts.points, { classes: CLASSES, noise: opts.noise, dtype: "float64" });
  const data = trainTestSplit(x, y, { testFraction: 0.2 });
  const w = opts.width;
  const model = new Sequential(new Linear(2, w), new ReLU(), new Linear(w, w), new ReLU(), new Linear(w, CLASSES)).to("float64");
  const optimizer = new AdamW(model.parameters(), { lr: opts.lr });
  const loader = new DataLoader(data.xTrain, data.yTrain, { batchSize: opts.batchSize });
  const scheduler = new OneCycleLR(optimizer, { maxLr: opts.lr, totalSteps: opts.epochs * loader.length });
  return { data, model, optimizer, scheduler, loader };
}

/** One epoch of minibatches (the scheduler steps after every batch); returns the mean training loss. */
export function trainEpoch({ model, optimizer, scheduler, loader }: Run): number {
  let total = 0;
  for (const batch of loader) {
    optimizer.zeroGrad();
    const loss = crossEntropy(model.forward(batch.x), batch.y);
    loss.backward();
    optimizer.step();
    scheduler.step();
    total += loss.item() * batch.y.size;
  }
  return total / loader.size;
}

/** The share of rows whose largest logit is their class. */
export function accuracy(model: Sequential, x: Tensor, y: Tensor): number {
  return noGrad(() => eq(argmax(model.forward(x), 1), y).mean().item());
}

/** Which epochs print a row: the first, every tenth of the run, the checkpoint's and the last. */
export function logged(epoch: number, epochs: number): boolean {
  const every = Math.max(1, Math.round(epochs / 10));
  return epoch === 1 || epoch % every === 0 || epoch === midpoint(epochs) || epoch === epochs;
}

/** The epoch after which the checkpoint is saved. */
export const midpoint = (epochs: number): number => Math.floor(epochs / 2);

export interface EpochRow {
  epoch: number;
  /** The lr of the epoch's last batch. */
  lr: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Set on the epoch after which the checkpoint was saved. */
  checkpoint: boolean;
}

export interface ResumeReport {
  /** What loadCheckpoint returned. */
  step: number;
  /** The resumed run's loss for each epoch after the checkpoint (resumedLosses[i] is epoch step + 1 + i). */
  resumedLosses: number[];
  /** The uninterrupted run's losses for the same epochs. */
  uninterruptedLosses: number[];
  /** Every epoch's loss identical (Object.is) in both runs. */
  lossesEqual: boolean;
  /** Every parameter identical at the end (core's equal). */
  parametersEqual: boolean;
  /** How many parameter values were compared. */
  parameterCount: number;
  ms: number;
}

export interface SpiralsResult {
  run: Run;
  rows: EpochRow[];
  /** The uninterrupted run's loss per epoch (losses[i] is epoch i + 1). */
  losses: number[];
  trainAccuracy: number;
  testAccuracy: number;
  resume: ResumeReport;
  /** Wall-clock time of the uninterrupted run. */
  ms: number;
}

export interface Hooks {
  /** Called once the uninterrupted run is set up, before the first epoch. */
  onSetup?: (run: Run) => void;
  /** Called after each logged epoch (see logged). */
  onEpoch?: (row: EpochRow) => void;
}

/** Train without a break (saving the checkpoint halfway), then resume from the checkpoint and compare. */
export async function trainSpirals(opts: TrainOptions, checkpointPath: string, hooks: Hooks = {}): Promise<SpiralsResult> {
  const run = setup(opts);
  hooks.onSetup?.(run);
  const mid = midpoint(opts.epochs);
  const rows: EpochRow[] = [];
  const losses: number[] = [];
  const start = performance.now();
  let saving = 0;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const loss = trainEpoch(run);
    losses.push(loss);
    if (epoch === mid) {
      const t = performance.now();
      await saveCheckpoint(checkpointPath, { model: run.model, optimizer: run.optimizer, scheduler: run.scheduler, step: epoch });
      saving += performance.now() - t;
    }
    if (logged(epoch, opts.epochs)) {
      const { xTrain, yTrain, xTest, yTest } = run.data;
      const row = {
        epoch, lr: run.optimizer.paramGroups[0].lr, loss,
        trainAccuracy: accuracy(run.model, xTrain, yTrain), testAccuracy: accuracy(run.model, xTest, yTest), checkpoint: epoch === mid,
      };
      rows.push(row);
      hooks.onEpoch?.(row);
    }
  }
  const ms = performance.now() - start - saving;
  const { xTrain, yTrain, xTest, yTest } = run.data;
  return {
    run, rows, losses, ms,
    trainAccuracy: accuracy(run.model, xTrain, yTrain),
    testAccuracy: accuracy(run.model, xTest, yTest),
    resume: await resume(opts, checkpointPath, run, losses),
  };
}

/** A fresh run, the checkpoint loaded over it, the remaining epochs trained and compared with `reference`. */
export async function resume(opts: TrainOptions, checkpointPath: string, reference: Run, referenceLosses: number[]): Promise<ResumeReport> {
  const start = performance.now();
  const fresh = setup(opts);
  const { step } = await loadCheckpoint(checkpointPath, { model: fresh.model, optimizer: fresh.optimizer, scheduler: fresh.scheduler });
  const resumedLosses: number[] = [];
  for (let epoch = step + 1; epoch <= opts.epochs; epoch++) resumedLosses.push(trainEpoch(fresh));
  const ms = performance.now() - start;
  const uninterruptedLosses = referenceLosses.slice(step);
  const ours = fresh.model.namedParameters(), theirs = new Map(reference.model.namedParameters());
  return {
    step, resumedLosses, uninterruptedLosses, ms,
    lossesEqual: resumedLosses.length === uninterruptedLosses.length && resumedLosses.every((v, i) => Object.is(v, uninterruptedLosses[i])),
    parametersEqual: ours.length === theirs.size && ours.every(([name, p]) => theirs.has(name) && equal(p, theirs.get(name)!)),
    parameterCount: ours.reduce((n, [, p]) => n + p.size, 0),
  };
}

export interface Regions {
  xEdges: number[];
  yEdges: number[];
  /** For each cell (row j from the bottom, column i): the predicted class and its probability. */
  cells: { i: number; j: number; label: number; p: number }[];
}

/** The model's class and its probability at the centre of each cell of an n × n grid over [−lim, lim]². */
export function predictRegions(model: Sequential, n = 100, lim = 1.25): Regions {
  const edges = Array.from({ length: n + 1 }, (_, k) => -lim + (2 * lim * k) / n);
  const centres = edges.slice(1).map((e, k) => (e + edges[k]) / 2);
  const points = new Float64Array(n * n * 2);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      points[2 * (j * n + i)] = centres[i];
      points[2 * (j * n + i) + 1] = centres[j];
    }
  }
  const probs = noGrad(() => softmax(model.forward(tensor(points, { shape: [n * n, 2] })), 1));
  const cells = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const k = j * n + i;
      let label = 0;
      for (let c = 1; c < CLASSES; c++) if (probs.data[k * CLASSES + c] > probs.data[k * CLASSES + label]) label = c;
      cells.push({ i, j, label, p: probs.data[k * CLASSES + label] });
    }
  }
  return { xEdges: edges, yEdges: edges, cells };
}
