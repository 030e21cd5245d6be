/**
 * Writes the seeded MNIST split that `pnpm mnist` trains on to out/mnist/split/, so that
 * calibrate_cnn.py can train PyTorch on exactly the same digits (not run by pnpm test).
 *
 *   cd examples && npx tsx mnist/dump-split.ts [--seed 0]
 *
 * Files: {train,test}-images.f32 (little-endian float32, [n, 1, 28, 28] row-major, pixels in [0, 1]),
 * {train,test}-labels.i32 (int32), and split.json (the counts, the seed, and which of the package's
 * digits each row is).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadMnist } from "./data.js";
import { outputDir, shownPath } from "../shared/paths.js";

const { values } = parseArgs({ options: { seed: { type: "string", default: "0" } } });
const seed = Number(values.seed);
const split = loadMnist({ train: 8000, test: 2000, seed });
const dir = outputDir("out/mnist/split");
await mkdir(dir, { recursive: true });

const bytes = (a: Float32Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
await writeFile(join(dir, "train-images.f32"), bytes(split.xTrain.data as Float32Array));
await writeFile(join(dir, "test-images.f32"), bytes(split.xTest.data as Float32Array));
await writeFile(join(dir, "train-labels.i32"), bytes(Int32Array.from(split.yTrain.data)));
await writeFile(join(dir, "test-labels.i32"), bytes(Int32Array.from(split.yTest.data)));
await writeFile(join(dir, "split.json"), JSON.stringify({
  seed, train: split.trainIndex.length, test: split.testIndex.length,
  trainIndex: Array.from(split.trainIndex), testIndex: Array.from(split.testIndex),
}));
console.log(`split (seed ${seed}) written to ${shownPath(dir)}`);
