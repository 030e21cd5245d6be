/**
 * The MNIST example: the loader (10,000 real digits, a seeded split, shapes, labels, pixel range),
 * its flags, and a short training run on a subset that must beat chance by far.
 */
import { describe, expect, it } from "vitest";
import { DEFAULTS, parseMnistArgs } from "../mnist/args.js";
import { CLASSES, IMAGE_SIZE, loadDigits, loadMnist } from "../mnist/data.js";
import { cosineSchedule, trainMnist } from "../mnist/train.js";
import { UsageError } from "../shared/flags.js";

describe("the MNIST loader", () => {
  it("reads the 10,000 digits the mnist package ships, every class present, pixels in [0, 1]", () => {
    const { images, labels, count } = loadDigits();
    expect(count).toBe(10_000);
    expect(images.length).toBe(count * IMAGE_SIZE);
    const perClass = new Array<number>(CLASSES).fill(0);
    for (const l of labels) perClass[l]++;
    expect(perClass.every((n) => n > 800 && n < 1200)).toBe(true);
    let lo = Infinity, hi = -Infinity;
    for (const v of images) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(lo).toBe(0);
    expect(hi).toBe(1);
  });

  it("splits a seeded subset: right shapes, labels that match their images, no overlap", () => {
    const split = loadMnist({ train: 1000, test: 500, seed: 3 });
    expect(split.xTrain.shape).toEqual([1000, IMAGE_SIZE]);
    expect(split.yTrain.shape).toEqual([1000]);
    expect(split.xTest.shape).toEqual([500, IMAGE_SIZE]);
    expect(split.yTest.shape).toEqual([500]);

    const { images, labels } = loadDigits();
    const check = (x: typeof split.xTrain, y: typeof split.yTrain, index: Int32Array) => {
      for (let r = 0; r < index.length; r++) {
        expect(y.data[r]).toBe(labels[index[r]]);
        expect(Number.isInteger(y.data[r]) && y.data[r] >= 0 && y.data[r] < CLASSES).toBe(true);
      }
      // spot-check whole rows of pixels against the source images
      for (const r of [0, 1, index.length - 1]) {
        expect(Array.from(x.data.subarray(r * IMAGE_SIZE, (r + 1) * IMAGE_SIZE))).toEqual(Array.from(images.subarray(index[r] * IMAGE_SIZE, (index[r] + 1) * IMAGE_SIZE)));
      }
    };
    check(split.xTrain, split.yTrain, split.trainIndex);
    check(split.xTest, split.yTest, split.testIndex);

    const train = new Set(split.trainIndex);
    expect(train.size).toBe(1000);
    expect(split.testIndex.some((i) => train.has(i))).toBe(false);
    expect(new Set(split.yTrain.data).size).toBe(CLASSES); // shuffled: every digit appears

    // reproducible: the same seed gives the same split, another seed another one
    expect(loadMnist({ train: 1000, test: 500, seed: 3 }).trainIndex).toEqual(split.trainIndex);
    expect(loadMnist({ train: 1000, test: 500, seed: 4 }).trainIndex).not.toEqual(split.trainIndex);
  });

  it("defaults to 8,000 training and 2,000 test digits", () => {
    const split = loadMnist();
    expect(split.xTrain.shape).toEqual([8000, IMAGE_SIZE]);
    expect(split.xTest.shape).toEqual([2000, IMAGE_SIZE]);
    expect(() => loadMnist({ train: 9000, test: 2000 })).toThrow(/at most 10000/);
  });
});

describe("training on a subset", () => {
  it("1,000 digits, 3 short epochs: test accuracy far above chance (10%)", () => {
    const data = loadMnist({ train: 1000, test: 500, seed: 0 });
    const { history } = trainMnist(data, { ...DEFAULTS, epochs: 3, seed: 0 });
    expect(history).toHaveLength(3);
    for (const h of history) expect(h.ms).toBeGreaterThan(0);
    expect(history[2].loss).toBeLessThan(history[0].loss);
    expect(history[2].trainAccuracy).toBeGreaterThan(0.8);
    expect(history[2].testAccuracy).toBeGreaterThan(0.75);
  }, 60_000);

  it("the learning rate falls from lr to near 0 along a half cosine", () => {
    expect(cosineSchedule(0.05, 0, 10)).toBe(0.05);
    expect(cosineSchedule(0.05, 5, 10)).toBeCloseTo(0.025);
    expect(cosineSchedule(0.05, 9, 10)).toBeGreaterThan(0);
    expect(cosineSchedule(0.05, 9, 10)).toBeLessThan(0.002);
  });
});

describe("the MNIST flags", () => {
  it("reads --epochs, --batch-size, --lr, --seed, --hidden", () => {
    expect(parseMnistArgs([])).toEqual({ help: false, options: DEFAULTS });
    expect(parseMnistArgs(["--epochs", "2", "--batch-size", "128", "--lr", "0.01", "--seed", "5", "--hidden", "64"])).toEqual({
      help: false, options: { ...DEFAULTS, epochs: 2, batchSize: 128, lr: 0.01, seed: 5, hidden: 64 },
    });
  });

  it.each([
    [["--epochs", "0"], "--epochs expects a whole number from 1"],
    [["--batch-size", "x"], '--batch-size expects a number, got "x"'],
    [["--hidden", "-3"], "ambiguous"],
    [["--lr", "NaN"], '--lr expects a number, got "NaN"'],
    [["--batchsize", "3"], "Unknown option '--batchsize'"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseMnistArgs(argv)).toThrow(UsageError);
    expect(() => parseMnistArgs(argv)).toThrow(message);
  });
});
