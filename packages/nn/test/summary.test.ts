/**
 * Module.summary(inputShape): the exact table (output shape per module from one forward on zeros,
 * own parameter counts summing to the totals, trainable / non-trainable / total), modules called
 * twice or never, several inputs, and that it changes nothing: training flags, running statistics,
 * gradients, the random generator, the forward methods — also when the forward fails.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { manualSeed, rand, tensor, zeros, type Tensor } from "@backprop/core";
import { BatchNorm1d, Dropout, Embedding, Flatten, LayerNorm, Linear, Module, ReLU, Sequential, Tanh } from "../src/index.js";

describe("summary: the table", () => {
  it("an MLP (the example in the doc comment, character for character)", () => {
    const mlp = new Sequential(new Linear(2, 32), new ReLU(), new Linear(32, 1));
    const text = mlp.summary([64, 2]);
    expect(text).toBe([
      "Layer   Type        Output shape  Param #",
      "=========================================",
      "(root)  Sequential  [64, 1]             0",
      "0       Linear      [64, 32]           96",
      "1       ReLU        [64, 32]            0",
      "2       Linear      [64, 1]            33",
      "=========================================",
      "Input shape: [64, 2] (float32)",
      "Trainable params: 129",
      "Non-trainable params: 0",
      "Total params: 129",
    ].join("\n"));
    const source = readFileSync(fileURLToPath(new URL("../src/module.ts", import.meta.url)), "utf8");
    expect(source).toContain(text.split("\n").map((l) => `   *   ${l}`).join("\n"));
    // the README quotes the tree and the table of the same model
    const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
    const quoted = (s: string) => s.split("\n").map((l) => `// ${l}`).join("\n");
    expect(readme).toContain(`console.log(String(net));\n${quoted(mlp.toString())}\n`);
    expect(readme).toContain(`console.log(net.summary([64, 2]));\n${quoted(text)}\n`);
  });

  it("nested modules, buffers and a frozen tensor, a module called twice, one never called, a tensor on the root", () => {
    class Encoder extends Module {
      emb = new Embedding(20, 4);
      norm = new LayerNorm(4);
      forward(i: Tensor) { return this.norm.forward(this.emb.forward(i)); }
    }
    class Model extends Module {
      enc = new Encoder();
      flat = new Flatten();
      bn = new BatchNorm1d(12);
      act = new Tanh();
      head = new Linear(12, 3);
      unused = new Linear(5, 5);
      scale = tensor([2], { requiresGrad: true });
      frozen = zeros([7]);
      forward(i: Tensor) {
        const h = this.act.forward(this.bn.forward(this.flat.forward(this.enc.forward(i))));
        return this.head.forward(this.act.forward(h)).mul(this.scale);
      }
    }
    expect(new Model().summary([8, 3])).toBe([
      "Layer     Type         Output shape  Param #",
      "============================================",
      "(root)    Model        [8, 3]              8",
      "enc       Encoder      [8, 3, 4]           0",
      "enc.emb   Embedding    [8, 3, 4]          80",
      "enc.norm  LayerNorm    [8, 3, 4]           8",
      "flat      Flatten      [8, 12]             0",
      "bn        BatchNorm1d  [8, 12]            49",
      "act       Tanh         [8, 12] ×2          0",
      "head      Linear       [8, 3]             39",
      "unused    Linear       —                  30",
      "============================================",
      "Input shape: [8, 3] (float32)",
      "Trainable params: 182",
      "Non-trainable params: 32",
      "Total params: 214",
    ].join("\n"));
    // root: scale 1 + frozen 7; bn: weight 12 + bias 12 + running mean 12 + variance 12 + the counter 1
  });

  it("the Param # column sums to the total; trainable + non-trainable = every value in the state dict", () => {
    const net = new Sequential(new Linear(4, 6), new BatchNorm1d(6), new ReLU(), new Sequential(new Linear(6, 2), new Linear(2, 2, { bias: false })));
    net[0].parameters()[1].requiresGrad = false; // a frozen bias counts as non-trainable
    const text = net.summary([5, 4]);
    const rows = text.split("\n").slice(2, -5);
    expect(rows).toHaveLength(7);
    const column = rows.reduce((s, r) => s + Number(r.slice(r.lastIndexOf(" ") + 1).replaceAll(",", "")), 0);
    const stateValues = Object.values(net.stateDict()).reduce((s, e) => s + e.data.length, 0);
    expect(column).toBe(stateValues);
    expect(text).toContain(`Total params: ${stateValues}`);
    expect(text).toContain("Trainable params: 54\nNon-trainable params: 19\n"); // 30 − 6 + 12 + 14 + 4 trainable; the bias 6 + 13 buffer values
  });

  it("thousands separators; several inputs; another dtype; non-tensor outputs", () => {
    expect(new Linear(1000, 1000).summary([1, 1000])).toContain("Total params: 1,001,000");
    expect(new Linear(1000, 1000).summary([1, 1000])).toContain("(root)  Linear  [1, 1000]     1,001,000");
    class Pair extends Module {
      a = new Linear(2, 3);
      b = new Linear(4, 3);
      forward(x: Tensor, y: Tensor) { return [this.a.forward(x), this.b.forward(y)]; }
    }
    const text = new Pair().summary([[5, 2], [7, 4]], { dtype: "float64" });
    expect(text).toContain("(root)  Pair    ([5, 3], [7, 3])        0");
    expect(text).toContain("Input shape: [5, 2], [7, 4] (float64)");
    expect(new Linear(2, 2, { dtype: "float64" }).summary([3, 2])).toContain("Input shape: [3, 2] (float64)"); // the parameters' dtype
  });
});

describe("summary changes nothing", () => {
  it("training flags (each as it was), running statistics, gradients, the random generator and the forward methods", () => {
    const bn = new BatchNorm1d(3);
    const drop = new Dropout(0.5);
    const net = new Sequential(new Linear(2, 3), bn, drop, new Linear(3, 1));
    net.forward(tensor([[1, 2], [3, -4]])).sum().backward();
    const grads = net.parameters().map((p) => Array.from(p.grad!.data));
    bn.eval(); // a mix of flags: net and drop training, bn not
    const state = JSON.stringify(net.stateDict());
    manualSeed(9);
    net.summary([4, 2]);
    const next = Array.from(rand([3]).data);
    manualSeed(9);
    expect(Array.from(rand([3]).data)).toEqual(next); // no draw was made
    expect(JSON.stringify(net.stateDict())).toBe(state);
    expect(net.namedModules().map(([, m]) => m.training)).toEqual([true, true, false, true, true]);
    expect(net.parameters().map((p) => Array.from(p.grad!.data))).toEqual(grads);
    for (const [, m] of net.namedModules()) expect(Object.hasOwn(m, "forward")).toBe(false);
    // a forward that is an own property is put back as it was
    class Own extends Module {
      forward = (x: Tensor) => x.mul(2);
    }
    const own = new Own();
    const f = own.forward;
    expect(own.summary([2])).toContain("(root)  Own   [2]                 0");
    expect(own.forward).toBe(f);
    // a module that draws random numbers in eval mode too: the generator is put back afterwards
    class Noisy extends Module {
      forward(x: Tensor) { return x.add(rand(x.shape.slice())); }
    }
    manualSeed(4);
    const expected = Array.from(rand([2]).data);
    manualSeed(4);
    new Noisy().summary([5]);
    expect(Array.from(rand([2]).data)).toEqual(expected);
  });

  it("a failing forward: the error names the shape fed in and the layer's own message; everything is restored", () => {
    const net = new Sequential(new Linear(3, 4), new BatchNorm1d(5));
    expect(() => net.summary([2, 3])).toThrow("summary: the forward pass on zeros of shape [2, 3] (float32) failed: BatchNorm1d(5): expected an input of shape [N, 5] or [N, 5, L], got [2, 4]");
    expect(net.training && net[1].training).toBe(true);
    for (const [, m] of net.namedModules()) expect(Object.hasOwn(m, "forward")).toBe(false);
    expect(() => net.summary([2, -3])).toThrow(/summary: inputShape must be a shape \(an array of non-negative integers, e\.g\. \[64, 2\]\) or a non-empty array of shapes, got \[2, -3\]/);
    expect(() => net.summary([] as number[][])).not.toThrow(/inputShape/); // [] is the shape of a 0-d input
    expect(() => net.summary([2, 3], { dtype: "int8" as "float32" })).toThrow(/summary: dtype must be "float32" or "float64"/);
    expect(() => net.summary([2, 3], { dtpye: "float64" } as object)).toThrow(/summary: unknown option "dtpye"/);
  });

  it("BatchNorm1d runs in eval mode inside summary, so a batch of one is fine", () => {
    const net = new Sequential(new Linear(3, 4), new BatchNorm1d(4));
    expect(net.summary([1, 3])).toContain("1       BatchNorm1d  [1, 4]             17");
    expect(net[1].training).toBe(true);
  });
});
