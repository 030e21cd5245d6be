/**
 * An MLP for MNIST: Linear(784, hidden) → ReLU → Linear(hidden, 10), trained with crossEntropy
 * (log-softmax + negative log-likelihood in one node) and SGD with momentum on shuffled
 * minibatches, the learning rate falling from lr to 0 along a half cosine over the epochs.
 */
import { manualSeed, noGrad, type Tensor } from "@backprop/core";
import { DataLoader, Linear, ReLU, SGD, Sequential, crossEntropy, type Module } from "@backprop/nn";
import { CLASSES, IMAGE_SIZE, type MnistSplit } from "./data.js";

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** The starting learning rate; epoch e (0-based) uses lr·(1 + cos(π·e/epochs))/2. */
  lr: number;
  momentum: number;
  hidden: number;
  /** Seeds the initial weights and the batch order. */
  seed: number;
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

export function makeModel(hidden: number): Sequential {
  return new Sequential(new Linear(IMAGE_SIZE, hidden), new ReLU(), new Linear(hidden, CLASSES));
}

/** Class indices for crossEntropy, from a tensor of labels stored as numbers. */
const classIndices = (y: Tensor): Int32Array => Int32Array.from(y.data);

/** Fraction of rows whose highest logit is the right digit (evaluated in chunks, without a graph). */
export function accuracy(model: Module, x: Tensor, y: Tensor, chunk = 1000): number {
  let right = 0;
  noGrad(() => {
    for (const batch of new DataLoader(x, y, { batchSize: chunk, shuffle: false })) {
      const predicted = model.forward(batch.x).argmax(1).data;
      for (let i = 0; i < predicted.length; i++) if (predicted[i] === batch.y.data[i]) right++;
    }
  });
  return right / y.size;
}

/** Cosine annealing: lr at the first epoch, falling smoothly towards 0 by the last. */
export function cosineSchedule(lr: number, epoch: number, epochs: number): number {
  return (lr * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;
}

export function trainMnist(data: MnistSplit, opts: TrainOptions, onEpoch: (report: EpochReport) => void = () => {}): { model: Module; history: EpochReport[] } {
  manualSeed(opts.seed);
  const model = makeModel(opts.hidden);
  const optimizer = new SGD(model.parameters(), { lr: opts.lr, momentum: opts.momentum });
  const loader = new DataLoader(data.xTrain, data.yTrain, { batchSize: opts.batchSize }); // reshuffled every epoch

  const history: EpochReport[] = [];
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    optimizer.lr = cosineSchedule(opts.lr, epoch - 1, opts.epochs);
    const start = performance.now();
    let lossSum = 0;
    for (const batch of loader) {
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(batch.x), classIndices(batch.y));
      loss.backward();
      optimizer.step();
      lossSum += loss.item();
    }
    const ms = performance.now() - start;
    const report = {
      epoch, lr: optimizer.lr, ms, loss: lossSum / loader.length,
      trainAccuracy: accuracy(model, data.xTrain, data.yTrain),
      testAccuracy: accuracy(model, data.xTest, data.yTest),
    };
    history.push(report);
    onEpoch(report);
  }
  return { model, history };
}
