/**
 * State dicts: the plain-JSON format, load round trips, and the all-or-nothing validation
 * (every key, shape and value checked before any tensor is written; errors name the key).
 */
import { describe, expect, it } from "vitest";
import { manualSeed, mul, noGrad, tensor, zeros, type Tensor } from "@backprop/core";
import { Linear, Module, Sequential, ReLU, type StateDict } from "../src/index.js";

class Net extends Module {
  fc1: Linear;
  fc2: Linear;
  running = zeros([3]); // frozen buffer: saved and loaded, never trained
  constructor(dtype: "float32" | "float64" = "float32") {
    super();
    this.fc1 = new Linear(2, 3, { dtype });
    this.fc2 = new Linear(3, 1, { dtype });
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x).relu());
  }
}

const KEYS = ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "running"];

function seeded(seed: number, dtype: "float32" | "float64" = "float32"): Net {
  manualSeed(seed);
  const net = new Net(dtype);
  net.running.copy_(tensor([seed, seed + 1, seed + 2]));
  return net;
}

/** Every tensor's values, by name (a deep copy, to compare before/after). */
function snapshot(m: Module): Record<string, number[]> {
  return Object.fromEntries(m.namedTensors().map(([n, t]) => [n, Array.from(t.data)]));
}

const viaJson = (sd: StateDict): StateDict => JSON.parse(JSON.stringify(sd)) as StateDict;

describe("stateDict format", () => {
  it("holds every tensor field, trainable or frozen, as { shape, dtype, data } of plain arrays", () => {
    const net = seeded(1);
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual(KEYS);
    expect(sd["fc1.weight"].shape).toEqual([3, 2]);
    expect(sd["fc2.bias"].shape).toEqual([1]);
    expect(sd["running"]).toEqual({ shape: [3], dtype: "float32", data: [1, 2, 3] });
    for (const [name, t] of net.namedTensors()) {
      const e = sd[name];
      expect(Object.keys(e).sort()).toEqual(["data", "dtype", "shape"]);
      expect(Array.isArray(e.shape) && Array.isArray(e.data)).toBe(true);
      expect(e.data).toEqual(Array.from(t.data));
      expect(e.dtype).toBe("float32");
    }
    expect(seeded(1, "float64").stateDict()["fc1.bias"].dtype).toBe("float64");
  });

  it("survives JSON.stringify/parse exactly (float32 values as their exact doubles)", () => {
    const sd = seeded(2).stateDict();
    expect(viaJson(sd)).toEqual(sd);
  });

  it("is a copy: changing it does not change the module, and the other way round", () => {
    const net = seeded(3);
    const sd = net.stateDict();
    const w0 = net.fc1.weight.data[0];
    sd["fc1.weight"].data[0] = 123;
    sd["fc1.weight"].shape[0] = 99;
    expect(net.fc1.weight.data[0]).toBe(w0);
    expect(net.fc1.weight.shape).toEqual([3, 2]);
    net.running.fill_(7);
    expect(sd["running"].data).toEqual([3, 4, 5]);
  });

  it("Sequential keys follow PyTorch", () => {
    expect(Object.keys(new Sequential(new Linear(1, 2), new ReLU(), new Linear(2, 1)).stateDict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
  });
});

describe("loadStateDict round trip", () => {
  it("copies every value (through JSON) in place: same tensors, same outputs", () => {
    const a = seeded(10), b = seeded(20);
    const tensorsBefore = b.namedTensors().map(([, t]) => t);
    expect(snapshot(b)).not.toEqual(snapshot(a));
    expect(b.loadStateDict(viaJson(a.stateDict()))).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(snapshot(b)).toEqual(snapshot(a));
    expect(b.namedTensors().map(([, t]) => t)).toEqual(tensorsBefore);
    for (const t of tensorsBefore) expect(t === b.running || t.requiresGrad).toBe(true);
    expect(b.fc1.weight.isLeaf).toBe(true);
    const x = tensor([[0.5, -1], [2, 3]]);
    expect(Array.from(b.forward(x).data)).toEqual(Array.from(a.forward(x).data));
  });

  it("works on parameters outside noGrad, and bumps their version (an old graph cannot backward)", () => {
    const a = seeded(1), b = seeded(2);
    const y = mul(b.fc1.weight, b.fc1.weight).sum();
    b.loadStateDict(a.stateDict());
    expect(() => y.backward()).toThrow();
    b.forward(tensor([[1, 1]])).sum().backward(); // a fresh graph is fine
    expect(b.fc1.weight.grad).not.toBeNull();
  });

  it("casts values to each tensor's dtype: a float64 file into a float32 model and back", () => {
    const f64 = seeded(5, "float64");
    noGradSet(f64.fc1.bias!, [0.1, 0.2, 1 / 3]);
    const f32 = seeded(6);
    f32.loadStateDict(viaJson(f64.stateDict()));
    expect(f32.fc1.bias!.dtype).toBe("float32");
    expect(Array.from(f32.fc1.bias!.data)).toEqual([0.1, 0.2, 1 / 3].map(Math.fround));
    expect(f32.fc1.bias!.data[0]).not.toBe(0.1);
    const back = seeded(7, "float64");
    back.loadStateDict(f32.stateDict());
    expect(back.fc1.bias!.dtype).toBe("float64");
    expect(Array.from(back.fc1.bias!.data)).toEqual([0.1, 0.2, 1 / 3].map(Math.fround));
  });
});

function noGradSet(t: Tensor, values: number[]): void {
  noGrad(() => t.copy_(tensor(values, { dtype: t.dtype })));
}

describe("strict and non-strict loading", () => {
  it("strict (default): missing and unexpected keys are an error naming them, and nothing changes", () => {
    const net = seeded(1);
    const before = snapshot(net);
    const sd = seeded(2).stateDict();
    delete (sd as Partial<StateDict>)["fc2.bias"];
    sd["extra.weight"] = { shape: [1], dtype: "float32", data: [1] };
    let msg = "";
    try {
      net.loadStateDict(sd);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/missing keys: "fc2\.bias"/);
    expect(msg).toMatch(/unexpected keys: "extra\.weight"/);
    expect(msg).toMatch(/nothing was loaded/);
    expect(snapshot(net)).toEqual(before);
    delete (sd as Partial<StateDict>)["extra.weight"];
    expect(() => net.loadStateDict(sd, { strict: true })).toThrow(/missing keys: "fc2\.bias"/);
    expect(snapshot(net)).toEqual(before);
  });

  it("non-strict loads the matching keys and returns { missingKeys, unexpectedKeys }", () => {
    const net = seeded(1);
    const src = seeded(2);
    const sd = src.stateDict();
    delete (sd as Partial<StateDict>)["fc2.weight"];
    delete (sd as Partial<StateDict>)["running"];
    sd["head.bias"] = { shape: [2], dtype: "float32", data: [1, 2] };
    const before = snapshot(net);
    expect(net.loadStateDict(sd, { strict: false })).toEqual({ missingKeys: ["fc2.weight", "running"], unexpectedKeys: ["head.bias"] });
    const after = snapshot(net);
    expect(after["fc1.weight"]).toEqual(snapshot(src)["fc1.weight"]);
    expect(after["fc2.bias"]).toEqual(snapshot(src)["fc2.bias"]);
    expect(after["fc2.weight"]).toEqual(before["fc2.weight"]);
    expect(after["running"]).toEqual(before["running"]);
  });

  it("non-strict still validates the matching keys and changes nothing on error", () => {
    const net = seeded(1);
    const before = snapshot(net);
    const sd = seeded(2).stateDict();
    sd["fc2.bias"].data = [1, 2];
    expect(() => net.loadStateDict(sd, { strict: false })).toThrow(/key "fc2\.bias"/);
    expect(snapshot(net)).toEqual(before);
  });

  it("rejects a bad strict option and a non-object state dict", () => {
    const net = seeded(1);
    expect(() => net.loadStateDict(net.stateDict(), { strict: "no" as unknown as boolean })).toThrow(/strict must be a boolean/);
    for (const bad of [null, [], 3, "x"]) expect(() => net.loadStateDict(bad as unknown as StateDict)).toThrow(/expected a state dict object/);
  });
});

describe("a bad entry in one key: an error naming it, and no tensor changed", () => {
  // Each case spoils one key; "running" (the last key) and "fc1.weight" (the first) are both tried,
  // so a loader that writes as it validates would already have changed the earlier tensors.
  const cases: [string, string, (e: Record<string, unknown>) => void, RegExp][] = [
    ["bad shape", "running", (e) => { e.shape = [1, 3]; }, /shape \[1, 3\] does not match the module's \[3\]/],
    ["transposed shape", "fc1.weight", (e) => { e.shape = [2, 3]; }, /shape \[2, 3\] does not match/],
    ["non-integer shape", "running", (e) => { e.shape = [1.5]; }, /shape must be an array of non-negative integers/],
    ["missing shape", "running", (e) => { delete e.shape; }, /shape must be an array/],
    ["short data", "running", (e) => { e.data = [1, 2]; }, /data has 2 values, but shape \[3\] needs 3/],
    ["long data", "fc1.weight", (e) => { e.data = Array(7).fill(0); }, /data has 7 values/],
    ["string value", "running", (e) => { e.data = [1, "2", 3]; }, /data\[1\] is "2", not a number/],
    ["null value (a NaN through JSON)", "running", (e) => { e.data = [1, 2, null]; }, /data\[2\] is null, not a number/],
    ["data not an array", "fc2.bias", (e) => { e.data = { 0: 1 }; }, /data must be an array/],
    ["bad dtype", "running", (e) => { e.dtype = "int32"; }, /dtype must be "float32" or "float64", got "int32"/],
    ["missing dtype", "fc2.weight", (e) => { delete e.dtype; }, /dtype must be/],
  ];

  it.each(cases)("%s (in %s)", (_, key, spoil, why) => {
    const net = seeded(1);
    const before = snapshot(net);
    const versions = net.namedTensors().map(([, t]) => t._version.n);
    const sd = viaJson(seeded(2).stateDict());
    spoil(sd[key] as unknown as Record<string, unknown>);
    let msg = "";
    try {
      net.loadStateDict(sd);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain(`key "${key}"`);
    expect(msg).toMatch(why);
    expect(msg).toMatch(/nothing was loaded/);
    expect(snapshot(net)).toEqual(before);
    expect(net.namedTensors().map(([, t]) => t._version.n)).toEqual(versions);
  });

  it("an entry that is not an object", () => {
    const net = seeded(1);
    const before = snapshot(net);
    for (const bad of [null, 5, [1, 2, 3]]) {
      const sd = seeded(2).stateDict() as unknown as Record<string, unknown>;
      sd["fc2.bias"] = bad;
      expect(() => net.loadStateDict(sd as unknown as StateDict)).toThrow(/key "fc2\.bias": entry must be an object/);
    }
    expect(snapshot(net)).toEqual(before);
  });
});
