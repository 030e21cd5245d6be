/**
 * The spirals example (`pnpm spirals`): the documented run itself (default flags, only the output
 * folder moved) must reach the target, test accuracy ≥ 95%, and resume from its checkpoint
 * bit for bit; the comparison it prints must be able to fail (controls that resume wrongly differ);
 * --fast, --help and bad flags from the command line; the flags.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { equal, manualSeed } from "@backprop/core";
import { loadCheckpoint } from "@backprop/nn/node";
import { PAGE_WIDTH_PX } from "../shared/figure.js";
import { UsageError } from "../shared/flags.js";
import { DEFAULTS, FAST_EPOCHS, helpText, parseSpiralsArgs } from "../spirals/args.js";
import { accuracy, logged, midpoint, predictRegions, resume, setup, trainEpoch, trainSpirals } from "../spirals/train.js";
import { expectPictures } from "./lesson-helpers.js";

const ROOT = resolve(import.meta.dirname, "../..");
const SCRIPT = join(ROOT, "examples/spirals.ts");

/** Run the example as `pnpm spirals` does (node + tsx), from the repository root. */
function runSpirals(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", SCRIPT, ...args], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
}

const out = mkdtempSync(join(tmpdir(), "backprop-spirals-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("pnpm spirals (command line)", () => {
  it("the documented run reaches ≥ 95% test accuracy, saves a checkpoint, resumes from it bit for bit and draws the regions", async () => {
    const dir = join(out, "full");
    const run = runSpirals(["--out", dir]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("60 epochs of 19 batches of 64");
    expect(run.stdout).toContain(`model: ${String(setup(DEFAULTS).model)}\n`); // as PyTorch prints it
    expect(run.stdout).toContain("  (4): Linear(in_features=64, out_features=3, bias=True)\n)\n");
    const accuracy = /test accuracy (\d+\.\d\d)% on 300 held-out points/.exec(run.stdout);
    expect(accuracy).not.toBeNull();
    expect(Number(accuracy![1])).toBeGreaterThanOrEqual(95);
    expect(run.stdout).toContain("(target ≥ 95%: met)");

    const checkpoint = join(dir, "checkpoint.json");
    expect(run.stdout).toMatch(new RegExp(`\\n {3}30 .*   checkpoint saved: ${checkpoint}\\n`));
    expect(run.stdout).toContain(`then loadCheckpoint(${checkpoint}) → step 30. Epochs 31–60 again:`);
    expect(run.stdout).toContain("the resumed run repeats the uninterrupted one bit for bit: all 30 epoch losses and all 4,547 parameters");
    // the printed pairs are the same numbers to the last digit
    const pairs = run.stdout.split("\n").filter((l) => /^\s+\d+ {2}0\.\d+\s+0\.\d+$/.test(l)).map((l) => l.trim().split(/\s+/));
    expect(pairs.map((p) => Number(p[0]))).toEqual([36, 42, 48, 54, 60]);
    for (const [, a, b] of pairs) {
      expect(a).toBe(b);
      expect(a.length).toBeGreaterThan(14); // every digit shown
    }

    // The file is a real checkpoint: it loads into a fresh setup, at epoch 30.
    expect(JSON.parse(readFileSync(checkpoint, "utf8"))).toMatchObject({ format: "backprop-checkpoint", step: 30, optimizer: { type: "AdamW" }, scheduler: { type: "OneCycleLR" } });
    const fresh = setup(DEFAULTS);
    expect(await loadCheckpoint(checkpoint, { model: fresh.model, optimizer: fresh.optimizer, scheduler: fresh.scheduler })).toEqual({ step: 30 });

    expectPictures(dir, [join(dir, "regions.svg"), join(dir, "regions.png")], ["regions"], { maxWidth: PAGE_WIDTH_PX });
  }, 240_000);

  it("--fast runs 16 epochs, with the checkpoint after 8", () => {
    const dir = join(out, "fast");
    const run = runSpirals(["--fast", "--out", dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${FAST_EPOCHS} epochs of 19 batches`);
    expect(run.stdout).toContain("→ step 8. Epochs 9–16 again:");
    expect(run.stdout).toContain("the resumed run repeats the uninterrupted one bit for bit: all 8 epoch losses");
    expect(existsSync(join(dir, "checkpoint.json"))).toBe(true);
    expectPictures(dir, [join(dir, "regions.svg"), join(dir, "regions.png")], ["regions"], { maxWidth: PAGE_WIDTH_PX });
  }, 120_000);

  it("--help prints the flags", () => {
    const run = runSpirals(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${helpText()}\n`);
  }, 60_000);

  it("rejects a bad flag with a clear message and exit code 1, before any work", () => {
    for (const [args, message] of [
      [["--epochs", "1"], "spirals: --epochs expects a whole number from 2 to 10000"],
      [["--noise", "lots"], 'spirals: --noise expects a number, got "lots"'],
      [["--classes", "4"], "spirals: Unknown option '--classes'"],
    ] as const) {
      const run = runSpirals([...args]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain("Run with --help to see the flags.");
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stdout).toBe("");
    }
  }, 60_000);
});

describe("checkpoint and resume", () => {
  const small = { ...DEFAULTS, epochs: 6, points: 300 };

  it("the resumed run equals the uninterrupted one; resuming without the generator's state or the optimizer's does not", async () => {
    const path = join(out, "small.json");
    const result = await trainSpirals(small, path);
    expect(result.resume.step).toBe(3);
    expect(result.resume.resumedLosses).toHaveLength(3);
    expect(result.resume.lossesEqual).toBe(true);
    expect(result.resume.parametersEqual).toBe(true);
    expect(result.resume.parameterCount).toBe(4547);

    // Control 1: the checkpoint loaded, then the generator reseeded: other batch orders, other numbers.
    const reseeded = setup(small);
    await loadCheckpoint(path, { model: reseeded.model, optimizer: reseeded.optimizer, scheduler: reseeded.scheduler });
    manualSeed(1);
    const losses1 = [4, 5, 6].map(() => trainEpoch(reseeded));
    expect(losses1.some((v, i) => v !== result.losses[3 + i])).toBe(true);

    // Control 2: only the weights carried over (AdamW starts its moments again): other numbers too.
    const weightsOnly = setup(small);
    const saved = JSON.parse(readFileSync(path, "utf8"));
    weightsOnly.model.loadStateDict(saved.model);
    weightsOnly.scheduler.loadStateDict(saved.scheduler);
    const losses2 = [4, 5, 6].map(() => trainEpoch(weightsOnly));
    expect(losses2.some((v, i) => v !== result.losses[3 + i])).toBe(true);
    const names = new Map(result.run.model.namedParameters());
    expect(weightsOnly.model.namedParameters().every(([n, p]) => equal(p, names.get(n)!))).toBe(false);

    // and resume() itself reports such a difference: compared with another run's losses, it says so
    const other = await resume(small, path, setup({ ...small, seed: 5 }), result.losses.map((v) => v + 1));
    expect(other.lossesEqual).toBe(false);
    expect(other.parametersEqual).toBe(false);
  }, 120_000);

  it("setup is the same from the same seed: data, split and initial weights", () => {
    const a = setup(small), b = setup(small);
    expect(equal(a.data.xTrain, b.data.xTrain) && equal(a.data.yTest, b.data.yTest)).toBe(true);
    expect(a.model.parameters().every((p, i) => equal(p, b.model.parameters()[i]))).toBe(true);
    expect(a.data.xTrain.dtype).toBe("float64");
    expect(a.data.xTrain.shape).toEqual([240, 2]);
    expect(new Set(a.data.yTrain.data)).toEqual(new Set([0, 1, 2]));
    expect(a.loader.length).toBe(4);
  });

  it("accuracy and the regions agree with the model's argmax", () => {
    const r = setup(small);
    for (let e = 0; e < 3; e++) trainEpoch(r);
    const acc = accuracy(r.model, r.data.xTest, r.data.yTest);
    const logits = r.model.forward(r.data.xTest);
    let right = 0;
    for (let i = 0; i < r.data.yTest.size; i++) {
      const row = Array.from(logits.data.subarray(3 * i, 3 * i + 3));
      if (row.indexOf(Math.max(...row)) === r.data.yTest.data[i]) right++;
    }
    expect(acc).toBe(right / r.data.yTest.size);
    const regions = predictRegions(r.model, 10);
    expect(regions.cells).toHaveLength(100);
    expect(regions.xEdges[0]).toBe(-1.25);
    expect(regions.cells.every((c) => c.label >= 0 && c.label < 3 && c.p >= 1 / 3 && c.p <= 1)).toBe(true);
  });

  it("logs the first epoch, every tenth of the run, the checkpoint's and the last", () => {
    const epochs = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((e) => logged(e, n));
    expect(epochs(60)).toEqual([1, 6, 12, 18, 24, 30, 36, 42, 48, 54, 60]);
    expect(epochs(16)).toEqual([1, 2, 4, 6, 8, 10, 12, 14, 16]);
    expect(epochs(25)).toEqual([1, 3, 6, 9, 12, 15, 18, 21, 24, 25]);
    expect(midpoint(60)).toBe(30);
    expect(midpoint(25)).toBe(12);
  });
});

describe("the spirals flags", () => {
  it("defaults: 60 epochs, 1500 points, noise 0.03, width 64, batches of 64, lr 0.02, seed 0, out/spirals", () => {
    expect(parseSpiralsArgs([])).toEqual({ help: false, options: DEFAULTS });
    expect(DEFAULTS).toEqual({ epochs: 60, points: 1500, noise: 0.03, width: 64, batchSize: 64, lr: 0.02, seed: 0, out: "out/spirals", fast: false });
  });

  it("reads every flag; --fast sets the epochs", () => {
    expect(parseSpiralsArgs(["--epochs", "10", "--points=600", "--noise", "0.05", "--width", "32", "--batch-size", "16", "--lr", "0.01", "--seed", "2", "--out", "x"])).toEqual({
      help: false, options: { epochs: 10, points: 600, noise: 0.05, width: 32, batchSize: 16, lr: 0.01, seed: 2, out: "x", fast: false },
    });
    expect(parseSpiralsArgs(["--fast"])).toEqual({ help: false, options: { ...DEFAULTS, epochs: FAST_EPOCHS, fast: true } });
    for (const flag of ["--epochs", "--points", "--noise", "--width", "--batch-size", "--lr", "--seed", "--out", "--fast", "--help"]) expect(helpText()).toContain(flag);
  });

  it.each([
    [["--epochs", "1"], "--epochs expects a whole number from 2"],
    [["--points", "10"], "--points expects a whole number from 30"],
    [["--noise", "2"], "--noise expects a number from 0 to 1"],
    [["--lr", "0"], "--lr expects a learning rate above 0"],
    [["--batch-size", "0.5"], "--batch-size expects a whole number"],
    [["--batchsize", "8"], "Unknown option '--batchsize'"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseSpiralsArgs(argv)).toThrow(UsageError);
    expect(() => parseSpiralsArgs(argv)).toThrow(message);
  });
});
