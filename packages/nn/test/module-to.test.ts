/**
 * Module.to(dtype): every tensor field of every module (arrays too, tied weights kept tied,
 * gradients converted), values exact to float64 and rounded to nearest to float32, requiresGrad
 * and names kept, new tensor objects (so an optimizer built before holds the old ones), the same
 * objects when nothing changes, and a bad dtype refused before anything changes.
 */
import { describe, expect, it } from "vitest";
import { manualSeed, tensor, zeros, type Tensor } from "@backprop/core";
import { BatchNorm1d, LayerNorm, Linear, Module, ReLU, Sequential } from "../src/index.js";

class Net extends Module {
  enc = new Linear(3, 4);
  dec = new Linear(4, 3);
  blocks: Module[] = [new Sequential(new Linear(3, 3), new ReLU()), new LayerNorm(3)];
  extra = [tensor([0.1, 0.2], { requiresGrad: true, name: "extra0" }), zeros([2])];
  bn = new BatchNorm1d(3);
  constructor() {
    super();
    this.dec.weight = this.enc.weight.T.detach(); // a different tensor …
    this.dec.weight.requiresGrad = true;
    this.blocks.push(this.enc); // … and the same module met twice
  }
  forward(x: Tensor): Tensor {
    let h = this.dec.forward(this.enc.forward(x));
    h = (this.blocks[0] as Sequential).forward(h);
    return this.bn.forward((this.blocks[1] as LayerNorm).forward(h));
  }
}

const snapshot = (m: Module) => m.namedTensors().map(([n, t]) => [n, t.dtype, t.requiresGrad, Array.from(t.data)] as const);

describe("Module.to(dtype)", () => {
  it("converts every tensor of every module (fields, arrays, buffers) and their gradients; names and requiresGrad kept; returns this", () => {
    manualSeed(1);
    const net = new Net();
    net.forward(tensor([[1, 2, 3], [-1, 0.5, 2]])).sum().backward();
    const before = snapshot(net);
    const grads = net.parameters().map((p) => (p.grad ? Array.from(p.grad.data) : null));
    expect(grads.filter((g) => g === null)).toHaveLength(1); // extra[0] is not used by forward
    const names = net.namedTensors().map(([n]) => n);
    expect(net.to("float64")).toBe(net);
    expect(net.namedTensors().map(([n]) => n)).toEqual(names);
    const after = snapshot(net);
    after.forEach(([n, dtype, rg, data], i) => {
      expect([n, dtype]).toEqual([n, "float64"]);
      expect(rg).toBe(before[i][2]);
      expect(data).toEqual(before[i][3]); // float32 → float64 is exact
    });
    expect(net.parameters().map((p) => (p.grad ? Array.from(p.grad.data) : null))).toEqual(grads);
    expect(net.parameters().every((p) => (p.grad === null || p.grad.dtype === "float64") && p.isLeaf)).toBe(true);
    expect(net.extra[0].name).toBe("extra0");
    expect(net.blocks[2]).toBe(net.enc);
    // it still runs, in float64, and trains the new tensors
    net.zeroGrad();
    const y = net.forward(tensor([[1, 2, 3], [0, 0, 1]], { dtype: "float64" }));
    expect(y.dtype).toBe("float64");
    y.sum().backward();
    expect(net.enc.weight.grad!.dtype).toBe("float64");
  });

  it("to float32 rounds each value to the nearest float32", () => {
    const l = new Linear(2, 2, { dtype: "float64" });
    l.weight.data.set([0.1, 1 / 3, 1e-50, 2 ** 128]);
    l.to("float32");
    expect(Array.from(l.weight.data)).toEqual([Math.fround(0.1), Math.fround(1 / 3), 0, Infinity]);
    expect(l.weight.dtype).toBe("float32");
  });

  it("tied tensors stay tied: one new tensor in both fields", () => {
    const a = new Linear(2, 2), b = new Linear(2, 2);
    b.weight = a.weight;
    const tied = new Sequential(a, b).to("float64");
    expect(b.weight).toBe(a.weight);
    expect(tied.namedParameters().map(([n]) => n)).toEqual(["0.weight", "0.bias", "1.bias"]);
  });

  it("new tensor objects: an optimizer's list made before `to` holds the old, float32 ones (convert first, then build the optimizer)", () => {
    const l = new Linear(2, 1);
    const old = l.parameters();
    l.to("float64");
    expect(l.parameters().some((p) => old.includes(p))).toBe(false);
    expect(old.map((p) => p.dtype)).toEqual(["float32", "float32"]);
  });

  it("tensors already of that dtype are kept as they are (the same objects)", () => {
    const net = new Sequential(new Linear(2, 2), new BatchNorm1d(2));
    const tensors = net.namedTensors().map(([, t]) => t);
    net.to("float32");
    expect(net.namedTensors().map(([, t]) => t.dtype)).toEqual(["float32", "float32", "float32", "float32", "float32", "float32", "float64"]); // the counter stays float64
    expect(net.namedTensors().map(([, t]) => t)).toEqual(tensors);
    net.namedTensors().forEach(([, t], i) => expect(t).toBe(tensors[i]));
  });

  it("a bad dtype is refused, naming it, before anything changes", () => {
    const l = new Linear(2, 2);
    const w = l.weight;
    expect(() => l.to("float16" as "float32")).toThrow('Module.to: dtype must be "float32" or "float64", got "float16"');
    expect(l.weight).toBe(w);
  });
});
