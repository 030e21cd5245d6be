/**
 * Finding 6: an error message quotes at most a short prefix of the caller's value. A 5 MB string
 * used to come back as a 5 MB message; every place nn shows a caller's value (a key, a dtype, a
 * value, an option, a path) goes through core's quote(). Each case checks that the message is
 * short, still names the function and the thing that is wrong, and shows the start of the value.
 */
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { tensor, zeros } from "@backprop/core";
import { Adam, DataLoader, Dropout, LeakyReLU, Linear, Module, ReLU, SGD, init, moons, mse, type StateDict } from "../src/index.js";
import { load, loadSync, save, saveSync } from "../src/node.js";

const HUGE = "x".repeat(5_000_000); // 5 MB
const SHORT = 600; // generous: the messages themselves are a sentence or two

/** The message `f` throws (sync or async). */
async function messageOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected a throw");
}

async function expectShort(f: () => unknown, ...names: RegExp[]): Promise<void> {
  const msg = await messageOf(f);
  expect(msg.length, msg.slice(0, 200)).toBeLessThan(SHORT);
  expect(msg).toMatch(/"xxxxxxxxxx/); // the start of the value is shown…
  expect(msg).toMatch(/5000000 characters/); // …and how long it really was
  for (const n of names) expect(msg).toMatch(n);
}

class Net extends Module {
  fc = new Linear(2, 2);
  forward(x: ReturnType<typeof zeros>) {
    return this.fc.forward(x);
  }
}

const good = (): StateDict => new Net().stateDict();

describe("loadStateDict: a state dict from a hostile file", () => {
  it("a 5 MB key (unexpected, strict)", async () => {
    await expectShort(() => new Net().loadStateDict({ ...good(), [HUGE]: { shape: [1], dtype: "float32", data: [1] } }), /^loadStateDict:/, /unexpected keys/);
  });

  it("a 5 MB dtype string", async () => {
    const sd = good();
    (sd["fc.bias"] as { dtype: string }).dtype = HUGE;
    await expectShort(() => new Net().loadStateDict(sd), /key "fc\.bias": dtype must be/);
  });

  it("a 5 MB string among the values", async () => {
    const sd = good();
    (sd["fc.bias"].data as unknown[])[1] = HUGE;
    await expectShort(() => new Net().loadStateDict(sd), /key "fc\.bias": data\[1\] is/);
  });

  it("a 5 MB strict option", async () => {
    await expectShort(() => new Net().loadStateDict(good(), { strict: HUGE as unknown as boolean }), /strict must be a boolean/);
  });

  it("200,000 unexpected keys: the list is cut, with the count", () => {
    const sd: Record<string, unknown> = { ...good() };
    for (let i = 0; i < 200_000; i++) sd[`k${i}`] = 0;
    const msg = (() => {
      try {
        new Net().loadStateDict(sd as StateDict);
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })();
    expect(msg.length).toBeLessThan(SHORT);
    expect(msg).toMatch(/unexpected keys: "k0", "k1", "k2", "k3", "k4", … 199995 more/);
  });

  it("a file holding a 5 MB key: load names the path and stays short", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backprop-nn-quote-"));
    try {
      const file = path.join(dir, "m.json");
      fs.writeFileSync(file, JSON.stringify({ ...good(), [HUGE]: { shape: [1], dtype: "float32", data: [1] } }));
      await expectShort(() => load(new Net(), file), /^load: ".*m\.json": loadStateDict:/);
      await expectShort(() => loadSync(new Net(), file), /^loadSync: /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("save / load: a 5 MB path or option", () => {
  it("a 5 MB path (the file system refuses it; its error repeats the path, cut too)", async () => {
    const long = path.join(os.tmpdir(), HUGE);
    for (const f of [() => save(new Net(), long), () => saveSync(new Net(), long), () => load(new Net(), long), () => loadSync(new Net(), long)]) {
      const msg = await messageOf(f);
      expect(msg.length).toBeLessThan(SHORT);
      expect(msg).toMatch(/^(save|saveSync|load|loadSync): could not (write|read) "/);
      expect(msg).toMatch(/characters\)/);
    }
  });

  it("a 5 MB option name", async () => {
    await expectShort(() => load(new Net(), "m.json", { [HUGE]: true } as object), /^load: unknown option/);
  });
});

describe("options and arguments across nn", () => {
  it("optimizers, layers, initializers, losses, data", async () => {
    const params = new Linear(2, 2).parameters();
    await expectShort(() => new SGD(params, { lr: 0.1, [HUGE]: 1 } as { lr: number }), /^SGD: unknown option/);
    await expectShort(() => new SGD(params, { lr: HUGE as unknown as number }), /^SGD: lr must be a finite number/);
    await expectShort(() => new Adam(params, { amsgrad: HUGE as unknown as boolean }), /^Adam: amsgrad must be a boolean/);
    await expectShort(() => new Adam(params, { betas: [HUGE, 0.9] as unknown as [number, number] }), /^Adam: betas\[0\] must be in/);
    await expectShort(() => new Linear(2, 2, { [HUGE]: 1 } as object), /^Linear: unknown option/);
    await expectShort(() => new Linear(HUGE as unknown as number, 2), /^Linear: inFeatures must be/);
    await expectShort(() => new Dropout(HUGE as unknown as number), /^Dropout: p must be a probability/);
    await expectShort(() => new ReLU({ atZero: HUGE as "left" }), /^ReLU: atZero must be/);
    await expectShort(() => new LeakyReLU(HUGE as unknown as number), /^LeakyReLU: slope must be/);
    await expectShort(() => init.kaimingUniform(zeros([2, 2]), { mode: HUGE as "fan_in" }), /^init\.kaimingUniform: mode must be/);
    await expectShort(() => init.constant(zeros([2]), HUGE as unknown as number), /^init\.constant: value must be a number/);
    await expectShort(() => mse(tensor([1]), tensor([1]), { reduction: HUGE as "mean" }), /^mse: reduction must be/);
    await expectShort(() => moons(10, { dtype: HUGE as "float32" }), /^moons: dtype must be/);
    await expectShort(() => new DataLoader(zeros([4, 2]), zeros([4]), { batchSize: HUGE as unknown as number }), /batchSize must be a positive integer/);
  });
});
