/**
 * Checkpoints (saveCheckpoint / loadCheckpoint in @backprop/nn/node).
 *
 * The resume test: a run trained N epochs in one go, and the same run interrupted after k epochs,
 * checkpointed, and continued by FRESH objects (a new model with other initial weights, a new
 * optimizer and scheduler, the generator moved on — as a new process would have) after
 * loadCheckpoint: the final parameters must be bit-identical. The runs use dropout and shuffled
 * batches (so the generator's state matters), SGD with Nesterov momentum under a warm-up + cosine
 * SequentialLR, AdamW with two parameter groups under a per-batch OneCycleLR, and Adam under
 * ReduceLROnPlateau. Controls show the test can fail: without the generator's state, or without
 * the optimizer's, the continued run differs.
 *
 * Then: the file's content, every part checked against its target before anything is restored
 * (model, optimizer, scheduler, generator all unchanged on any error), and the file handling.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { useCaseDirs } from "./case-dirs.js";
import * as fs from "node:fs";
import * as path from "node:path";
import { getRngState, manualSeed, noGrad, randomUniform, tensor, type Tensor } from "@backprop/core";
import {
  Adam, AdamW, bceWithLogits, CosineAnnealingLR, DataLoader, Dropout, ExponentialLR, Linear, LinearLR, moons, OneCycleLR, ReduceLROnPlateau, ReLU,
  SequentialLR, Sequential, SGD, StepLR, Tanh, type Module, type Optimizer, type Scheduler,
} from "../src/index.js";
import { loadCheckpoint, loadCheckpointSync, save, saveCheckpoint, saveCheckpointSync } from "../src/node.js";
import { estimateJsonChars, MAX_JSON_CHARS } from "../src/file/limit.js";
import { Big } from "./fixtures/big-model.js";

// A rename that fails (a full disk, a crash between the steps of a save), switched on per test.
const faults = vi.hoisted(() => ({ rename: false }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...real,
    rename: async (...args: Parameters<typeof real.rename>) => {
      if (faults.rename) throw Object.assign(new Error("EIO: simulated rename failure"), { code: "EIO" });
      return real.rename(...args);
    },
  };
});
afterEach(() => {
  faults.rename = false;
});

let dir = "";
useCaseDirs("backprop-nn-ckpt-", (d) => { dir = d; });
const listing = () => fs.readdirSync(dir).sort();

// ---------------------------------------------------------------------------------------------
// The training runs

interface Run {
  model: Module;
  optimizer: Optimizer;
  scheduler: Scheduler;
  /** Called once per batch after optimizer.step() (per-batch schedulers step here). */
  afterBatch(): void;
  /** Called once per epoch with the epoch's mean loss. */
  afterEpoch(loss: number): void;
}

function net(): Sequential {
  return new Sequential(new Linear(2, 16), new ReLU(), new Dropout(0.25), new Linear(16, 16), new Tanh(), new Dropout(0.1), new Linear(16, 1));
}

const BATCHES = 5; // 80 points in batches of 16

const SETUPS: Record<string, { epochs: number; stopAt: number; build(): Run }> = {
  "SGD (Nesterov momentum, weight decay) under SequentialLR: LinearLR warm-up, then CosineAnnealingLR": {
    epochs: 10, stopAt: 4,
    build() {
      const model = net();
      const optimizer = new SGD(model, { lr: 0.2, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
      const warm = new LinearLR(optimizer, { startFactor: 0.2, totalIters: 3 });
      const cos = new CosineAnnealingLR(optimizer, { tMax: 7, etaMin: 0.01 });
      const scheduler = new SequentialLR(optimizer, { schedulers: [warm, cos], milestones: [3] });
      return { model, optimizer, scheduler, afterBatch() {}, afterEpoch: () => scheduler.step() };
    },
  },
  "AdamW with two parameter groups under a per-batch OneCycleLR (lr and beta1 cycled)": {
    epochs: 8, stopAt: 3,
    build() {
      const model = net();
      const [weights, biases] = [model.namedParameters().filter(([k]) => k.endsWith("weight")), model.namedParameters().filter(([k]) => k.endsWith("bias"))];
      const optimizer = new AdamW([{ params: weights.map(([, t]) => t) }, { params: biases.map(([, t]) => t), weightDecay: 0, lr: 0.02 }], { lr: 0.01 });
      const scheduler = new OneCycleLR(optimizer, { maxLr: [0.05, 0.1], totalSteps: 8 * BATCHES });
      return { model, optimizer, scheduler, afterBatch: () => scheduler.step(), afterEpoch() {} };
    },
  },
  "Adam (amsgrad) under ReduceLROnPlateau fed the epoch loss": {
    epochs: 10, stopAt: 6,
    build() {
      const model = net();
      const optimizer = new Adam(model, { lr: 0.05, amsgrad: true });
      const scheduler = new ReduceLROnPlateau(optimizer, { patience: 0, factor: 0.5, threshold: 0.05 });
      return { model, optimizer, scheduler, afterBatch() {}, afterEpoch: (loss) => scheduler.step(loss) };
    },
  },
};

function data(): { x: Tensor; y: Tensor } {
  manualSeed(7);
  return moons(80, { noise: 0.2 });
}

/** Train epochs [from, to); returns each epoch's mean loss. */
function train(run: Run, x: Tensor, y: Tensor, from: number, to: number): number[] {
  const loader = new DataLoader(x, y, { batchSize: 16 }); // shuffled: each epoch draws a permutation
  const losses: number[] = [];
  run.model.train();
  for (let epoch = from; epoch < to; epoch++) {
    let sum = 0;
    for (const b of loader) {
      run.optimizer.zeroGrad();
      const loss = bceWithLogits(run.model.forward(b.x).squeeze(-1), b.y); // dropout draws from the generator
      loss.backward();
      run.optimizer.step();
      run.afterBatch();
      sum += loss.item();
    }
    losses.push(sum / BATCHES);
    run.afterEpoch(sum / BATCHES);
  }
  return losses;
}

const weights = (m: Module) => m.namedTensors().map(([k, t]) => [k, Array.from(t.data)] as const);

/** A new process's view: other weights drawn, the generator elsewhere. */
function freshProcess(build: () => Run): Run {
  manualSeed(12345);
  for (let i = 0; i < 17; i++) randomUniform();
  return build();
}

describe("a run resumed from a checkpoint ends bit-identical to the uninterrupted run", () => {
  it.each(Object.entries(SETUPS))("%s", async (_, setup) => {
    const { x, y } = data();
    manualSeed(1);
    const whole = setup.build();
    const wholeLosses = train(whole, x, y, 0, setup.epochs);
    const rngAfterWhole = getRngState();

    manualSeed(1);
    const first = setup.build();
    const firstLosses = train(first, x, y, 0, setup.stopAt);
    expect(firstLosses).toEqual(wholeLosses.slice(0, setup.stopAt));
    const file = path.join(dir, "run.ckpt.json");
    await saveCheckpoint(file, { model: first.model, optimizer: first.optimizer, scheduler: first.scheduler, step: setup.stopAt });

    const resumed = freshProcess(setup.build);
    expect(weights(resumed.model)).not.toEqual(weights(first.model));
    const { step } = await loadCheckpoint(file, { model: resumed.model, optimizer: resumed.optimizer, scheduler: resumed.scheduler });
    expect(step).toBe(setup.stopAt);
    expect(weights(resumed.model)).toEqual(weights(first.model));
    const restLosses = train(resumed, x, y, step, setup.epochs);

    expect(restLosses).toEqual(wholeLosses.slice(setup.stopAt));
    expect(weights(resumed.model)).toEqual(weights(whole.model)); // every parameter, bit for bit
    expect(resumed.optimizer.stateDict()).toEqual(whole.optimizer.stateDict());
    expect(resumed.scheduler.stateDict()).toEqual(whole.scheduler.stateDict());
    expect(getRngState()).toEqual(rngAfterWhole); // the same draws were made after the checkpoint
  });

  it("controls: without the generator's state, or without the optimizer's, the continued run differs", async () => {
    const setup = Object.values(SETUPS)[0];
    const { x, y } = data();
    manualSeed(1);
    const whole = setup.build();
    train(whole, x, y, 0, setup.epochs);
    manualSeed(1);
    const first = setup.build();
    train(first, x, y, 0, setup.stopAt);
    const file = path.join(dir, "run.ckpt.json");
    await saveCheckpoint(file, { model: first.model, optimizer: first.optimizer, scheduler: first.scheduler, step: setup.stopAt });

    // 1. the generator moved on after loading: other dropout masks and batch orders
    const a = freshProcess(setup.build);
    await loadCheckpoint(file, { model: a.model, optimizer: a.optimizer, scheduler: a.scheduler });
    randomUniform();
    train(a, x, y, setup.stopAt, setup.epochs);
    expect(weights(a.model)).not.toEqual(weights(whole.model));

    // 2. everything restored but the optimizer's state (momentum buffers from zero)
    const b = freshProcess(setup.build);
    await loadCheckpoint(file, { model: b.model, optimizer: b.optimizer, scheduler: b.scheduler });
    b.optimizer.loadStateDict({ ...b.optimizer.stateDict(), state: {} });
    train(b, x, y, setup.stopAt, setup.epochs);
    expect(weights(b.model)).not.toEqual(weights(whole.model));
  });

  it("the sync variants resume the same way", () => {
    const setup = Object.values(SETUPS)[2];
    const { x, y } = data();
    manualSeed(1);
    const whole = setup.build();
    train(whole, x, y, 0, setup.epochs);
    manualSeed(1);
    const first = setup.build();
    train(first, x, y, 0, setup.stopAt);
    const file = path.join(dir, "sync.json");
    saveCheckpointSync(file, { model: first.model, optimizer: first.optimizer, scheduler: first.scheduler, step: setup.stopAt });
    const resumed = freshProcess(setup.build);
    expect(loadCheckpointSync(file, { model: resumed.model, optimizer: resumed.optimizer, scheduler: resumed.scheduler })).toEqual({ step: setup.stopAt });
    train(resumed, x, y, setup.stopAt, setup.epochs);
    expect(weights(resumed.model)).toEqual(weights(whole.model));
  });
});

// ---------------------------------------------------------------------------------------------

function small(): { model: Linear; optimizer: SGD; scheduler: StepLR } {
  manualSeed(3);
  const model = new Linear(3, 2);
  const optimizer = new SGD(model, { lr: 0.1, momentum: 0.9 });
  const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
  model.weight.grad = tensor([[1, 2, 3], [4, 5, 6]]);
  model.bias!.grad = tensor([1, -1]);
  optimizer.step();
  scheduler.step();
  return { model, optimizer, scheduler };
}

/** Everything loadCheckpoint could change, to compare before and after a failed load. */
function everything(t: { model: Module; optimizer: Optimizer; scheduler?: Scheduler }): string {
  const rng = getRngState();
  return JSON.stringify([weights(t.model), t.optimizer.stateDict(), t.scheduler?.stateDict() ?? null, rng]);
}

describe("the file", () => {
  it("holds format, version, step, the model, optimizer (with its type) and scheduler states, and the generator's state", async () => {
    const s = small();
    manualSeed(42);
    randomUniform();
    const rng = getRngState();
    const file = path.join(dir, "c.json");
    await saveCheckpoint(file, { ...s, step: 17 });
    expect(getRngState()).toEqual(rng); // saving draws nothing
    const c = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(Object.keys(c)).toEqual(["format", "version", "step", "model", "optimizer", "scheduler", "rng"]);
    expect([c.format, c.version, c.step]).toEqual(["backprop-checkpoint", 1, 17]);
    expect(c.model).toEqual(s.model.stateDict());
    expect(c.optimizer).toEqual({ type: "SGD", state: s.optimizer.stateDict() });
    expect(c.scheduler).toEqual(s.scheduler.stateDict());
    expect(c.rng).toEqual(rng);
    expect(listing()).toEqual(["c.json"]);
  });

  it("without a scheduler, scheduler is null; NaN and ±Infinity in tensors round-trip", async () => {
    manualSeed(3);
    const model = new Linear(2, 2, { dtype: "float64" });
    const optimizer = new Adam(model);
    noGrad(() => model.bias!.copy_(tensor([NaN, -Infinity], { dtype: "float64" })));
    model.weight.grad = tensor([[Infinity, 1], [2, 3]], { dtype: "float64" });
    optimizer.step(); // its moments hold Infinity / NaN now
    const file = path.join(dir, "nan.json");
    await saveCheckpoint(file, { model, optimizer, step: 0 });
    expect(JSON.parse(fs.readFileSync(file, "utf8")).scheduler).toBeNull();
    manualSeed(4);
    const model2 = new Linear(2, 2, { dtype: "float64" });
    const optimizer2 = new Adam(model2);
    await loadCheckpoint(file, { model: model2, optimizer: optimizer2 });
    expect(Array.from(model2.bias!.data)).toEqual([NaN, -Infinity]);
    expect(optimizer2.stateDict()).toEqual(optimizer.stateDict());
    expect(Array.from(optimizer2.state.get(model2.weight)!.expAvgSq.data)[0]).toBe(Infinity);
  });
});

describe("loadCheckpoint checks every part against its target first; on any problem nothing changes", () => {
  async function saved(): Promise<string> {
    const s = small();
    const file = path.join(dir, "good.json");
    await saveCheckpoint(file, { ...s, step: 5 });
    return file;
  }

  function target() {
    manualSeed(99);
    const model = new Linear(3, 2);
    const optimizer = new SGD(model, { lr: 0.3, momentum: 0.5 });
    const scheduler = new StepLR(optimizer, { stepSize: 3 });
    return { model, optimizer, scheduler };
  }

  async function rejects(file: string, t: { model: Module; optimizer: Optimizer; scheduler?: Scheduler }, re: RegExp): Promise<void> {
    manualSeed(5);
    const before = everything(t);
    await expect(loadCheckpoint(file, t)).rejects.toThrow(re);
    expect(() => loadCheckpointSync(file, t)).toThrow(re);
    expect(everything(t)).toBe(before);
  }

  const edit = async (file: string, change: (c: any) => unknown) => {
    const c = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.writeFileSync(file, JSON.stringify(change(c) ?? c));
  };

  it("a model of another shape (its last key), naming the part and the key", async () => {
    const file = await saved();
    await edit(file, (c) => { c.model.bias.shape = [3]; c.model.bias.data = [1, 2, 3]; });
    await rejects(file, target(), /loadCheckpoint(Sync)?: ".*good\.json": model: loadStateDict: key "bias": shape \[3\] does not match/);
  });

  it("an optimizer of another type", async () => {
    const file = await saved();
    const model = new Linear(3, 2);
    await rejects(file, { model, optimizer: new Adam(model) }, /holds the state of "SGD", but the optimizer given is "Adam"/);
  });

  it("an optimizer with other groups", async () => {
    const file = await saved();
    const model = new Linear(3, 2);
    const optimizer = new SGD([{ params: [model.weight] }, { params: [model.bias!] }], { lr: 0.1 });
    await rejects(file, { model, optimizer, scheduler: new StepLR(optimizer, { stepSize: 1 }) }, /optimizer: the state dict has 1 parameter group, this optimizer has 2/);
  });

  it("a bad optimizer state entry (the file was edited)", async () => {
    const file = await saved();
    await edit(file, (c) => { c.optimizer.state.state["1"].momentum_buffer.data = [1]; });
    await rejects(file, target(), /optimizer: state\["1"\]\.momentum_buffer: data has 1 values, but shape \[2\] needs 2/);
  });

  it("a scheduler of another type, a missing scheduler, an unexpected one", async () => {
    const file = await saved();
    const t = target();
    await rejects(file, { ...t, scheduler: new ExponentialLR(t.optimizer, { gamma: 0.9 }) }, /scheduler: the state dict is of a "StepLR", not of a "ExponentialLR"/);
    const u = target();
    await rejects(file, { model: u.model, optimizer: u.optimizer }, /the checkpoint holds the state of a "StepLR" scheduler; pass it as \{ scheduler \}/);
    const noSched = path.join(dir, "nosched.json");
    const s = small();
    await saveCheckpoint(noSched, { model: s.model, optimizer: s.optimizer, step: 0 });
    await rejects(noSched, target(), /holds no scheduler state, but a StepLR was given/);
  });

  it("a bad generator state (restores nothing: the model is checked after it and the generator put back)", async () => {
    const file = await saved();
    await edit(file, (c) => { c.rng.state = [0, 0, 0, 0]; });
    await rejects(file, target(), /rng: setRngState: state is all zeros/);
    const file2 = await saved();
    await edit(file2, (c) => { c.model.weight.data[5] = "x"; });
    await rejects(file2, target(), /model: loadStateDict: key "weight": data\[5\] is "x", not a number/);
  });

  it("not JSON, a torn file, a state-dict file, another version, a missing part, a bad step", async () => {
    const file = await saved();
    const text = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, text.slice(0, text.length >> 1));
    await rejects(file, target(), /is not valid JSON/);
    const m = small().model;
    await save(m, file);
    await rejects(file, target(), /is not a checkpoint .*a file written by save\(\) holds a model's state dict only/);
    fs.writeFileSync(file, text);
    await edit(file, (c) => { c.version = 2; });
    await rejects(file, target(), /checkpoint version 2 is not one this version of @backprop\/nn reads/);
    fs.writeFileSync(file, text);
    await edit(file, (c) => { delete c.rng; });
    await rejects(file, target(), /the checkpoint lacks "rng"/);
    fs.writeFileSync(file, text);
    await edit(file, (c) => { c.step = -1; });
    await rejects(file, target(), /step must be an integer >= 0, got -1/);
    await rejects(path.join(dir, "absent.json"), target(), /loadCheckpoint(Sync)?: could not read ".*absent\.json"/);
  });

  it("a good file into the same targets works after all those failures", async () => {
    const file = await saved();
    const t = target();
    expect(await loadCheckpoint(file, t)).toEqual({ step: 5 });
    expect(t.optimizer.stateDict()).toEqual(small().optimizer.stateDict());
    expect(t.scheduler.stateDict()).toEqual(small().scheduler.stateDict());
  });
});

describe("saveCheckpoint's checks and file handling", () => {
  it("bad arguments: nothing is written", async () => {
    const s = small();
    const file = path.join(dir, "x.json");
    const other = new SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
    await expect(saveCheckpoint(file, { ...s, step: -1 })).rejects.toThrow(/saveCheckpoint: step must be an integer >= 0, got -1/);
    await expect(saveCheckpoint(file, { ...s, step: 1.5 })).rejects.toThrow(/step must be an integer >= 0, got 1\.5/);
    await expect(saveCheckpoint(file, { model: s.model, optimizer: s.optimizer } as never)).rejects.toThrow(/step must be an integer >= 0, got undefined/);
    await expect(saveCheckpoint(file, { ...s, scheduler: new StepLR(other, { stepSize: 1 }), step: 0 })).rejects.toThrow(/the scheduler \(StepLR\) was made on another optimizer/);
    await expect(saveCheckpoint(file, { ...s, step: 0, epoch: 3 } as never)).rejects.toThrow(/unknown key "epoch"/);
    await expect(saveCheckpoint(file, { ...s, model: {} as Module, step: 0 })).rejects.toThrow(/model must be a Module/);
    await expect(saveCheckpoint("", { ...s, step: 0 })).rejects.toThrow(/path must be a non-empty string/);
    await expect(loadCheckpoint(file, { ...s, step: 0 } as never)).rejects.toThrow(/loadCheckpoint: unknown key "step"/);
    expect(listing()).toEqual([]);
  });

  it("a missing directory is named plainly (no temporary file's name), before anything is written", async () => {
    const s = small();
    const missing = path.join(dir, "no", "such");
    const file = path.join(missing, "c.json");
    const re = new RegExp(`saveCheckpoint: could not write ".*c\\.json": the directory ".*no/such" does not exist`);
    await expect(saveCheckpoint(file, { ...s, step: 0 })).rejects.toThrow(re);
    expect(() => saveCheckpointSync(file, { ...s, step: 0 })).toThrow(/saveCheckpointSync: .*the directory ".*no\/such" does not exist/);
    await expect(saveCheckpoint(file, { ...s, step: 0 })).rejects.not.toThrow(/\.tmp/);
    expect(listing()).toEqual([]);
  });

  it("replaces an existing checkpoint atomically; a failed save leaves it as it was and no temporary file", async () => {
    const s = small();
    const file = path.join(dir, "c.json");
    await saveCheckpoint(file, { ...s, step: 1 });
    await saveCheckpoint(file, { ...s, step: 2 });
    const bytes = fs.readFileSync(file, "utf8");
    expect(JSON.parse(bytes).step).toBe(2);
    faults.rename = true;
    await expect(saveCheckpoint(file, { ...s, step: 3 })).rejects.toThrow(/saveCheckpoint: could not write ".*c\.json" \(any previous file there is unchanged\): EIO: simulated rename failure/);
    expect(fs.readFileSync(file, "utf8")).toBe(bytes);
    expect(listing()).toEqual(["c.json"]);
  });
});

describe("the JSON size limit counts the optimizer's state", () => {
  it("a model that fits alone, with Adam's two moments, is refused at once and nothing is written", async () => {
    const size = Math.ceil(MAX_JSON_CHARS / 45); // ~12M values: ~20 characters each, so the model alone is well under the limit
    const big = new Big(size, 0);
    big.weight.requiresGrad = true;
    expect(estimateJsonChars(big.namedTensors())).toBeLessThan(0.6 * MAX_JSON_CHARS); // the model alone would be saved
    const optimizer = new Adam(big);
    big.weight.grad = big.weight.detach();
    optimizer.step(); // the moments: two more tensors of the same size
    big.weight.grad = null;
    const file = path.join(dir, "big.json");
    for (const f of [() => saveCheckpoint(file, { model: big, optimizer, step: 0 }), async () => saveCheckpointSync(file, { model: big, optimizer, step: 0 })]) {
      const start = performance.now();
      const err = await f().then(() => null, (e: Error) => e);
      expect(performance.now() - start).toBeLessThan(1000);
      expect(err?.message).toMatch(new RegExp(`^saveCheckpoint(Sync)?: the state dict holds ${(3 * size).toLocaleString("en-US")} values, about \\d+ MB of JSON, more than the`));
      expect(err?.message).toMatch(/nothing was written/);
    }
    expect(listing()).toEqual([]);
  });
});
