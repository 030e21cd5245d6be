/**
 * `pnpm mnist --model cnn`: the documented run itself (default CNN flags, only the output folder
 * moved) must reach the target, test accuracy ≥ 98%, and draw its picture. It trains for
 * about a minute, so it runs once, in the "wasm" project (the default backend), not again on "js".
 * Then the parts, on every backend: the flags, the network's printed tree, the random shifts, and
 * the filters and feature maps read off a model.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { manualSeed, tensor } from "@backprop/core";
import type { Conv2d } from "@backprop/nn";
import { CNN_DEFAULTS, DEFAULTS, helpText, parseMnistArgs } from "../mnist/args.js";
import { randomShift } from "../mnist/augment.js";
import { loadMnist } from "../mnist/data.js";
import { convFeatures } from "../mnist/features.js";
import { makeCnn, modelInput } from "../mnist/models.js";
import { PAGE_WIDTH_PX } from "../shared/figure.js";
import { UsageError } from "../shared/flags.js";
import { expectPictures, pngSize } from "./lesson-helpers.js";

const ROOT = resolve(import.meta.dirname, "../..");
const SCRIPT = join(ROOT, "examples/mnist.ts");

/** Run the example as `pnpm mnist` does (node + tsx), from the repository root. */
function runMnist(args: string[], timeout = 60_000) {
  return spawnSync(process.execPath, ["--import", "tsx", SCRIPT, ...args], { cwd: ROOT, encoding: "utf8", timeout });
}

const out = mkdtempSync(join(tmpdir(), "backprop-mnist-cnn-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The network as PyTorch's print(model) shows it. */
const TREE = `Sequential(
  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
  (1): BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
  (2): ReLU()
  (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  (4): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))
  (5): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
  (6): ReLU()
  (7): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  (8): Flatten(start_dim=1, end_dim=-1)
  (9): Linear(in_features=400, out_features=120, bias=True)
  (10): ReLU()
  (11): Linear(in_features=120, out_features=84, bias=True)
  (12): ReLU()
  (13): Linear(in_features=84, out_features=10, bias=True)
)`;

describe.runIf(process.env.BACKPROP_BACKEND !== "js")("pnpm mnist --model cnn (the documented run, once, on the default backend)", () => {
  it("reaches ≥ 98% test accuracy and draws the filters and feature maps", () => {
    const dir = join(out, "full");
    const run = runMnist(["--model", "cnn", "--out", dir], 900_000);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`model: ${TREE}\n`);
    expect(run.stdout).toContain(`batches of 32, each training image moved by up to 2 pixels at random, ${CNN_DEFAULTS.epochs} epochs\n`);
    const epochs = run.stdout.split("\n").filter((l) => /^\s+\d+\s+0\.\d{4}\s+\d+ ms\s/.test(l));
    expect(epochs).toHaveLength(CNN_DEFAULTS.epochs);
    const accuracy = /\ntest accuracy (\d+\.\d\d)% \(target ≥ 98%: met\) after (\d+) epochs/.exec(run.stdout);
    expect(accuracy, run.stdout).not.toBeNull();
    expect(Number(accuracy![1])).toBeGreaterThanOrEqual(98);
    expect(Number(accuracy![2])).toBe(CNN_DEFAULTS.epochs);

    expect(run.stdout).toContain(`picture in ${dir}: cnn-features.svg, cnn-features.png\n`);
    expectPictures(dir, [join(dir, "cnn-features.svg"), join(dir, "cnn-features.png")], ["cnn-features"], { maxWidth: PAGE_WIDTH_PX });
    const { width, height } = pngSize(join(dir, "cnn-features.png"));
    expect(width).toBeGreaterThan(1000);
    expect(height).toBeGreaterThan(700);
    expect(height).toBeLessThan(1600);
  }, 900_000);
});

describe("the CNN's flags", () => {
  it("--model cnn brings the CNN's defaults; flags given still win; mlp stays the default", () => {
    expect(parseMnistArgs([])).toEqual({ help: false, options: DEFAULTS });
    expect(DEFAULTS.model).toBe("mlp");
    expect(parseMnistArgs(["--model", "mlp"])).toEqual({ help: false, options: DEFAULTS });
    expect(parseMnistArgs(["--model", "cnn"])).toEqual({ help: false, options: CNN_DEFAULTS });
    expect(CNN_DEFAULTS).toEqual({ ...DEFAULTS, model: "cnn", epochs: CNN_DEFAULTS.epochs, shift: 2 });
    expect(parseMnistArgs(["--epochs", "2", "--model", "cnn", "--shift", "0", "--out", "pics"])).toEqual({
      help: false, options: { ...CNN_DEFAULTS, epochs: 2, shift: 0, out: "pics" },
    });
  });

  it.each([
    [["--model", "lenet"], '--model expects one of mlp, cnn; got "lenet"'],
    [["--model"], "argument missing"],
    [["--model", "cnn", "--hidden", "64"], "--hidden sets the MLP's hidden layer; --model cnn has no such layer"],
    [["--model=cnn", "--hidden=64"], "--hidden sets the MLP's hidden layer"],
    [["--shift", "9"], '--shift expects a whole number from 0 to 8, got "9"'],
    [["--model", "cnn", "--epochs", "0"], "--epochs expects a whole number from 1"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseMnistArgs(argv)).toThrow(UsageError);
    expect(() => parseMnistArgs(argv)).toThrow(message);
  });

  it("--help lists --model, --shift and --out, and the CNN's defaults", () => {
    const help = helpText();
    expect(help).toMatch(/\n {2}--model NAME +mlp \(784-hidden-10\) or cnn \(LeNet-style.*\(default: mlp\)\n/);
    expect(help).toMatch(/\n {2}--shift N +move each training image.*\(default: 0\)\n/);
    expect(help).toMatch(/\n {2}--out DIR +.*\(default: out\/mnist\)\n/);
    expect(help).toContain(`With --model cnn, --epochs defaults to ${CNN_DEFAULTS.epochs} and --shift to 2.`);
    const run = runMnist(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${help}\n`);
  });

  it("a bad value from the command line: the message, a pointer to --help, exit code 1", () => {
    const run = runMnist(["--model", "rnn"]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe('mnist: --model expects one of mlp, cnn; got "rnn"\nRun with --help to see the flags.\n');
  });
});

describe("the CNN", () => {
  it("prints as PyTorch's print(model) does, with LeNet's shapes and 61,750 parameters", () => {
    manualSeed(0);
    const model = makeCnn();
    expect(String(model)).toBe(TREE);
    const shapes = model.namedParameters().map(([name, p]) => `${name} [${p.shape.join(", ")}]`);
    expect(shapes).toEqual([
      "0.weight [6, 1, 5, 5]", "0.bias [6]", "1.weight [6]", "1.bias [6]",
      "4.weight [16, 6, 5, 5]", "4.bias [16]", "5.weight [16]", "5.bias [16]",
      "9.weight [120, 400]", "9.bias [120]", "11.weight [84, 120]", "11.bias [84]", "13.weight [10, 84]", "13.bias [10]",
    ]);
    expect(model.parameters().reduce((n, p) => n + p.size, 0)).toBe(61_750);
    // a batch of images in, ten logits per image out
    expect(model.forward(modelInput("cnn", loadMnist({ train: 3, test: 1 }).xTrain)).shape).toEqual([3, 10]);
  });

  it("reads the first layer's filters and both conv layers' feature maps (after ReLU) for one digit", () => {
    manualSeed(0);
    const model = makeCnn();
    model.eval();
    const data = loadMnist({ train: 10, test: 2 });
    const image = modelInput("cnn", data.xTest.slice([0, 0], [1, 784]));
    const f = convFeatures(model, image);
    expect([f.image.h, f.image.w]).toEqual([28, 28]);
    expect(Array.from(f.image.values)).toEqual(Array.from(data.xTest.data.subarray(0, 784)));
    expect(f.filters.map((m) => [m.h, m.w])).toEqual(Array(6).fill([5, 5]));
    expect(Array.from(f.filters[1].values)).toEqual(Array.from((model[0] as Conv2d).weight.data.subarray(25, 50)));
    expect(f.maps.map((layer) => [layer.length, layer[0].h, layer[0].w])).toEqual([[6, 28, 28], [16, 10, 10]]);
    expect(f.stages).toEqual(["Conv2d → BatchNorm2d → ReLU", "Conv2d → BatchNorm2d → ReLU"]);
    for (const layer of f.maps) for (const m of layer) expect(m.values.every((v) => v >= 0)).toBe(true);
    // the first maps are conv → BatchNorm2d → ReLU of the image, computed here step by step
    const first = model[2].forward(model[1].forward(model[0].forward(image)));
    expect(Array.from(f.maps[0][3].values)).toEqual(Array.from(first.data.subarray(3 * 784, 4 * 784)));
  });
});

describe("random shifts (data augmentation)", () => {
  // A 28×28 image with one bright pixel at row 10, column 20, and one at the corner (0, 0).
  const image = new Float32Array(784);
  image[10 * 28 + 20] = 1;
  image[0] = 0.5;

  it("moves each image by whole pixels within ±maxShift, letting in zeros; the same seed, the same shifts", () => {
    manualSeed(7);
    const batch = tensor(new Float32Array(Array.from({ length: 50 }, () => Array.from(image)).flat()), { shape: [50, 1, 28, 28] });
    const moved = randomShift(batch, 2);
    expect(moved.shape).toEqual([50, 1, 28, 28]);
    const offsets = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const img = moved.data.subarray(i * 784, (i + 1) * 784);
      const at = img.indexOf(1);
      const [r, c] = [Math.floor(at / 28), at % 28];
      const [dy, dx] = [r - 10, c - 20];
      expect(Math.abs(dy) <= 2 && Math.abs(dx) <= 2).toBe(true);
      offsets.add(`${dy},${dx}`);
      // the corner pixel survives only when moved down and right (or not at all); nothing else appears
      const sum = Array.from(img).reduce((a, v) => a + v, 0);
      expect(sum).toBe(dy >= 0 && dx >= 0 ? 1.5 : 1);
      if (dy >= 0 && dx >= 0) expect(img[dy * 28 + dx]).toBe(0.5);
    }
    expect(offsets.size).toBeGreaterThan(15); // of the 25 possible
    manualSeed(7);
    expect(Array.from(randomShift(batch, 2).data)).toEqual(Array.from(moved.data));
    expect(Array.from(batch.data.subarray(0, 784))).toEqual(Array.from(image)); // the input is untouched
  });

  it("works on rows of 784 pixels too (the MLP's input), and maxShift 0 changes nothing", () => {
    manualSeed(1);
    const rows = tensor(image, { shape: [1, 784] });
    expect(randomShift(rows, 1).shape).toEqual([1, 784]);
    expect(randomShift(rows, 0)).toBe(rows);
  });
});
