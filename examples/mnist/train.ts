/**
 * Training on MNIST: the MLP or the CNN of models.ts, with crossEntropy (log-softmax + negative
 * log-likelihood in one node) and SGD with momentum on shuffled minibatches, the learning rate
 * falling from lr to 0 along a half cosine over the epochs.
 */
import { manualSeed, noGrad, type Tensor } from "@backprop/core";
import { DataLoader, SGD, crossEntropy, type Module, type Sequential } from "@backprop/nn";
import type { MnistSplit } from "./data.js";
import { randomShift } from "./augment.js";
import { makeModel, modelInput, type ModelKind } from "./models.js";

export interface TrainOptions {
  /** "mlp" or "cnn" (models.ts). */
  model: ModelKind;
  epochs: number;
  batchSize: number;
  /** The starting learning rate; epoch e (0-based) uses lr·(1 + cos(π·e/epochs))/2. */
  lr: number;
  momentum: number;
  /** The MLP's hidden units (the CNN has no such setting). */
  hidden: number;
  /** Seeds the initial weights and the batch order. */
  seed: number;
  /** Move each training image of the CNN by up to this many pixels at random (augment.ts); 0: never. */
  shift: number;
}

export interface EpochReport {
  epoch: number;
  /** The learning rate used in this epoch. */
  lr: number;
  /** Time spent training in this epoch (evaluation excluded). */
  ms: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
}

/** Class indices for crossEntropy, from a tensor of labels stored as numbers. */
const classIndices = (y: Tensor): Int32Array => Int32Array.from(y.data);

/**
 * Fraction of rows whose highest logit is the right digit (evaluated in chunks, without a graph,
 * in evaluation mode: BatchNorm2d uses its running statistics, not the chunk's).
 */
export function accuracy(model: Module, x: Tensor, y: Tensor, chunk = 1000): number {
  let right = 0;
  const training = model.training;
  model.eval();
  noGrad(() => {
    for (const batch of new DataLoader(x, y, { batchSize: chunk, shuffle: false })) {
      const predicted = model.forward(batch.x).argmax(1).data;
      for (let i = 0; i < predicted.length; i++) if (predicted[i] === batch.y.data[i]) right++;
    }
  });
  model.train(training);
  return right / y.size;
}

/** Cosine annealing: lr at the first epoch, falling smoothly towards 0 by the last. */
export function cosineSchedule(lr: number, epoch: number, epochs: number): number {
  return (lr * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;
}

export interface TrainHooks {
  /** Called once the model is built, before the first epoch (to print it, say). */
  onSetup?: (model: Sequential) => void;
  onEpoch?: (report: EpochReport) => void;
}

export function trainMnist(data: MnistSplit, opts: TrainOptions, { onSetup, onEpoch }: TrainHooks = {}): { model: Sequential; history: EpochReport[] } {
  manualSeed(opts.seed);
  const model = makeModel(opts.model, opts.hidden);
  onSetup?.(model);
  const xTrain = modelInput(opts.model, data.xTrain), xTest = modelInput(opts.model, data.xTest);
  const optimizer = new SGD(model.parameters(), { lr: opts.lr, momentum: opts.momentum });
  const loader = new DataLoader(xTrain, data.yTrain, { batchSize: opts.batchSize }); // reshuffled every epoch

  const history: EpochReport[] = [];
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    optimizer.lr = cosineSchedule(opts.lr, epoch - 1, opts.epochs);
    const start = performance.now();
    let lossSum = 0;
    for (const batch of loader) {
      optimizer.zeroGrad();
      const x = opts.shift > 0 ? randomShift(batch.x, opts.shift) : batch.x;
      const loss = crossEntropy(model.forward(x), classIndices(batch.y));
      loss.backward();
      optimizer.step();
      lossSum += loss.item();
    }
    const ms = performance.now() - start;
    const report = {
      epoch, lr: optimizer.lr, ms, loss: lossSum / loader.length,
      trainAccuracy: accuracy(model, xTrain, data.yTrain),
      testAccuracy: accuracy(model, xTest, data.yTest),
    };
    history.push(report);
    onEpoch?.(report);
  }
  return { model, history };
}
