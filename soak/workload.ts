/**
 * What the soak trains: the demo's MLP (2-32-32-1, ReLU) on two moons with bceWithLogits, in
 * mini-batches of 64 from a shuffling DataLoader, so that every step allocates what a real
 * training step does (batch copies, the graph, gradients, optimizer state updates).
 *   "sgd":  SGD with momentum 0.9 (the demo's optimizer)
 *   "adam": Adam, lr 1e-3
 * The demo trains full batch (800 points); at 100k steps that takes ~6 minutes on the js backend,
 * so the soak uses batches of 64 (~1 ms a step): the same network, the same kinds of allocation.
 */
import { manualSeed } from "../packages/core/src/index.js";
import { Adam, DataLoader, Linear, ReLU, SGD, Sequential, bceWithLogits, moons, type Batch, type Optimizer } from "../packages/nn/src/index.js";

export const WORKLOADS = ["sgd", "adam"] as const;
export type Workload = (typeof WORKLOADS)[number];

/** A function that runs one training step and returns the loss. */
export function makeStep(workload: Workload, seed = 0): () => number {
  manualSeed(seed);
  const data = moons(512, { noise: 0.1 });
  const loader = new DataLoader(data.x, data.y, { batchSize: 64 });
  const model = new Sequential(new Linear(2, 32), new ReLU(), new Linear(32, 32), new ReLU(), new Linear(32, 1));
  const optimizer: Optimizer = workload === "sgd" ? new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }) : new Adam(model.parameters(), { lr: 1e-3 });
  let batches: Iterator<Batch> = loader[Symbol.iterator]();
  return () => {
    let next = batches.next();
    if (next.done) {
      batches = loader[Symbol.iterator](); // a new epoch, a new shuffle
      next = batches.next();
    }
    const { x, y } = next.value as Batch;
    optimizer.zeroGrad();
    const loss = bceWithLogits(model.forward(x).reshape([-1]), y);
    loss.backward();
    optimizer.step();
    return loss.item();
  };
}
