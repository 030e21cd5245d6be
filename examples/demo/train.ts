/**
 * The training loop of the demo, written the way you would write it in PyTorch:
 * make the data, build a Sequential MLP, and repeat forward → loss → backward → step.
 */
import { getReluAtZero, manualSeed, noGrad, setReluAtZero, tensor, type Tensor } from "@backprop/core";
import { Linear, ReLU, SGD, Sequential, bceWithLogits, blobs, circles, moons, spirals, trainTestSplit, xor, type Dataset, type Module } from "@backprop/nn";
import type { DatasetName, DemoOptions } from "./args.js";

/** What the training function needs (the output folder and --quiet belong to the caller). */
export type TrainOptions = Omit<DemoOptions, "out" | "quiet">;

export interface Points {
  x: Tensor; // [n, 2]
  y: Tensor; // [n], labels 0 / 1
}

export interface TrainResult {
  model: Module;
  train: Points;
  test: Points;
  /** The training loss before each step (losses[i] is the loss at step i + 1). */
  losses: number[];
  trainAccuracy: number;
  testAccuracy: number;
  /** Wall-clock time of the training loop. */
  ms: number;
}

/** The 2-D problem, as two classes labelled 0 and 1. */
export function makeDataset(name: DatasetName, points: number, noise: number): Dataset {
  switch (name) {
    case "moons":
      return moons(points, { noise });
    case "circles":
      return circles(points, { noise, factor: 0.5 });
    case "spirals":
      return spirals(points, { noise });
    case "xor":
      return xor(points, { noise });
    case "blobs":
      return blobs(points, { centers: [[-1, -1], [1, 1]], std: noise });
  }
}

/** Linear(2, w) → ReLU → … → Linear(w, 1): `depth` hidden layers, one logit out. */
export function makeMLP(width: number, depth: number): Sequential {
  const layers: Module[] = [];
  let inFeatures = 2;
  for (let i = 0; i < depth; i++) {
    layers.push(new Linear(inFeatures, width), new ReLU());
    inFeatures = width;
  }
  layers.push(new Linear(inFeatures, 1));
  return new Sequential(...layers);
}

/** The model's logits as a flat [n] tensor. */
export function logits(model: Module, x: Tensor): Tensor {
  return model.forward(x).reshape([-1]);
}

/** Fraction of points whose predicted class (logit > 0, i.e. p > 0.5) matches the label. */
export function accuracy(model: Module, { x, y }: Points): number {
  const z = noGrad(() => logits(model, x)).data;
  let right = 0;
  for (let i = 0; i < z.length; i++) if ((z[i] > 0 ? 1 : 0) === y.data[i]) right++;
  return right / z.length;
}

/**
 * Train from scratch. Everything random (data, split, initial weights) comes from the one seeded
 * generator, so the same options give the same numbers bit for bit.
 * `onStep(step, loss)` is called after every step (for a progress bar).
 */
export function train(opts: TrainOptions, onStep: (step: number, loss: number) => void = () => {}): TrainResult {
  const previousSide = getReluAtZero();
  setReluAtZero(opts.reluSide); // relu'(0) during backward: "left" = 0, "right" = 1
  try {
    return trainWith(opts, onStep);
  } finally {
    setReluAtZero(previousSide);
  }
}

function trainWith(opts: TrainOptions, onStep: (step: number, loss: number) => void): TrainResult {
  manualSeed(opts.seed);

  const data = makeDataset(opts.dataset, opts.points, opts.noise);
  const { xTrain, yTrain, xTest, yTest } = trainTestSplit(data.x, data.y, { testFraction: 0.2 });

  const model = makeMLP(opts.width, opts.depth);
  const optimizer = new SGD(model.parameters(), { lr: opts.lr, momentum: opts.momentum });

  const losses: number[] = [];
  const start = performance.now();
  for (let step = 1; step <= opts.steps; step++) {
    optimizer.zeroGrad();
    const loss = bceWithLogits(logits(model, xTrain), yTrain); // full batch: all training points
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
    onStep(step, losses[losses.length - 1]);
  }
  const ms = performance.now() - start;

  const trainSet = { x: xTrain, y: yTrain };
  const testSet = { x: xTest, y: yTest };
  return { model, train: trainSet, test: testSet, losses, trainAccuracy: accuracy(model, trainSet), testAccuracy: accuracy(model, testSet), ms };
}

export interface Grid {
  /** Cell edges along x and y (resolution + 1 values each). */
  xEdges: number[];
  yEdges: number[];
  /** p[j][i]: the predicted probability of class 1 at the centre of cell (i, j). */
  p: number[][];
}

/** The model's probability of class 1 on a resolution × resolution grid covering the points (plus a margin). */
export function probabilityGrid(model: Module, points: Tensor[], resolution = 60): Grid {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const t of points) for (let i = 0; i < t.shape[0]; i++) { xs.push(t.data[2 * i]); ys.push(t.data[2 * i + 1]); }
  const edges = (v: number[]): number[] => {
    const lo = Math.min(...v), hi = Math.max(...v);
    const pad = 0.1 * (hi - lo || 1);
    return Array.from({ length: resolution + 1 }, (_, k) => lo - pad + ((hi - lo + 2 * pad) * k) / resolution);
  };
  const xEdges = edges(xs);
  const yEdges = edges(ys);

  const centres = new Float32Array(resolution * resolution * 2);
  for (let j = 0; j < resolution; j++) {
    for (let i = 0; i < resolution; i++) {
      const k = j * resolution + i;
      centres[2 * k] = (xEdges[i] + xEdges[i + 1]) / 2;
      centres[2 * k + 1] = (yEdges[j] + yEdges[j + 1]) / 2;
    }
  }
  const prob = noGrad(() => logits(model, tensor(centres, { shape: [resolution * resolution, 2] })).sigmoid()).data;
  const p = Array.from({ length: resolution }, (_, j) => Array.from(prob.subarray(j * resolution, (j + 1) * resolution)));
  return { xEdges, yEdges, p };
}
