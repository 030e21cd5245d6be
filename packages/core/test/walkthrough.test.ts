/**
 * formatBackward / explainBackward: the backward walkthrough printed over traceBackward. Every
 * number it prints is checked against the tensors of the steps it prints.
 */
import { describe, expect, it } from "vitest";
import {
  add, concat, div, explainBackward, formatBackward, linear, mul, record, tensor, traceBackward, type BackwardStep, type Tensor,
} from "../src/index.js";
import { formatNumber, summary } from "../src/viz/labels.js";

const f64 = (v: number, name?: string) => tensor(v, { dtype: "float64", requiresGrad: true, ...(name !== undefined && { name }) });

/** micrograd's README expression, with micrograd's variable names on the final values. */
function micrograd() {
  const a = f64(-4, "a");
  const b = f64(2, "b");
  let c = a.add(b);
  let d = a.mul(b).add(b.pow(3));
  c = c.add(c.add(1));
  c = c.add(add(1, c).add(a.neg()));
  d = d.add(d.mul(2).add(b.add(a).relu()));
  d = d.add(mul(3, d).add(b.sub(a).relu()));
  c.name = "c";
  d.name = "d";
  const e = c.sub(d);
  e.name = "e";
  const f = e.pow(2);
  f.name = "f";
  let g = f.div(2.0);
  g = g.add(div(10.0, f));
  g.name = "g";
  return { a, b, c, d, e, f, g };
}

/** The text split into one block per step ("step k/N …" up to the next blank line). */
function blocks(text: string): string[] {
  return text.split("\n\n").filter((b) => /^step \d+\/\d+ /.test(b));
}

/** A number as printed (4 decimals, or exponent notation) → its value. */
const NUM = String.raw`-?\d+(?:\.\d+)?(?:e-?\d+)?`;
const close = (printed: string, actual: number) => {
  const v = Number(printed);
  expect(Math.abs(v - actual), `${printed} vs ${actual}`).toBeLessThanOrEqual(Math.max(5e-5, 5e-4 * Math.abs(actual)));
};

/** How the walkthrough refers to a tensor (the rule in the module). */
const refer = (t: Tensor) => t.name ?? `t${t.id} (${t.op ?? (t.requiresGrad ? "leaf" : "constant")})`;

describe("formatBackward on micrograd's expression", () => {
  const m = micrograd();
  const steps = traceBackward(m.g);
  const text = formatBackward(steps);
  const bs = blocks(text);

  it("prints one block per step, in execution order", () => {
    expect(steps).toHaveLength(25);
    expect(bs).toHaveLength(steps.length);
    bs.forEach((block, i) => {
      const s = steps[i];
      const header = block.split("\n")[0];
      expect(header.startsWith(`step ${i + 1}/${steps.length}  ${refer(s.output)} = ${s.op}(`)).toBe(true);
    });
  });

  it("starts with the output's op and an upstream gradient of 1 (the seed)", () => {
    expect(bs[0]).toMatch(/^step 1\/25 {2}g = add\(/);
    expect(bs[0]).toMatch(/\n {2}upstream {2}1 {2}\(the seed\)/);
    expect(text.split("\n")[0]).toContain("Backward from g");
  });

  it("shows each step's rule", () => {
    bs.forEach((block, i) => expect(block.split("\n")[1]).toBe(`  rule      ${steps[i].rule}`));
    expect(text).toContain("da = g·b, db = g·a"); // mul
    expect(text).toContain("dx = g·[x > 0]"); // relu
    expect(text).toContain("da = g/b, db = −g·a/b²"); // div
  });

  it("prints the numbers of the tensors: output value, upstream and what each input receives", () => {
    bs.forEach((block, i) => {
      const s = steps[i];
      const lines = block.split("\n");
      close(new RegExp(`= (${NUM})$`).exec(lines[0])![1], s.output.item());
      close(new RegExp(`^ {2}upstream {2}(${NUM})`).exec(lines[2])![1], s.upstream.item());
      const inputLines = lines.slice(3);
      expect(inputLines).toHaveLength(s.inputs.length);
      inputLines.forEach((line, j) => {
        const x = s.inputs[j];
        expect(line.startsWith(`  ${s.inputNames[j]}: ${refer(x)} = `)).toBe(true);
        close(new RegExp(`^ {2}\\S+: .+? = (${NUM})`).exec(line)![1], x.item());
        const gx = s.inputGrads[j];
        if (gx === null) expect(line).toContain("no gradient");
        else close(new RegExp(`← (${NUM})`).exec(line)![1], gx.item());
      });
    });
  });

  it("adds up a tensor's contributions and shows the sum where one was used twice", () => {
    // f feeds both g₁ = f/2 and 10/f: its upstream is the sum of both contributions
    const fStep = steps.findIndex((s) => s.output === m.f);
    const sources = steps.flatMap((s, i) => s.inputs.map((x, j) => [x, i, s.inputGrads[j]] as const)).filter(([x]) => x === m.f);
    expect(sources).toHaveLength(2);
    const expected = `= ${formatNumber(sources[0][2]!.item())} + ${formatNumber(sources[1][2]!.item())}, from steps ${sources[0][1] + 1} and ${sources[1][1] + 1}`;
    expect(bs[fStep].split("\n")[2]).toContain(expected);
    // a node used once gets no such note
    const eStep = steps.findIndex((s) => s.output === m.e);
    expect(bs[eStep].split("\n")[2]).not.toContain("from steps");
  });

  it("accumulates the leaves' shares: the last one for a and b shows the final .grad", () => {
    expect(m.a.grad!.item()).toBeCloseTo(138.8338, 4);
    expect(m.b.grad!.item()).toBeCloseTo(645.5773, 4);
    const lastFor = (name: string) => text.split("\n").filter((l) => l.includes(`${name}.grad so far`)).pop()!;
    expect(lastFor("a")).toMatch(/a\.grad so far 138\.8338$/);
    expect(lastFor("b")).toMatch(/b\.grad so far 645\.5773$/);
    // the running totals grow by exactly what each line receives
    let total = 0;
    for (const line of text.split("\n").filter((l) => /^ {2}\w: a = /.test(l))) {
      const got = Number(new RegExp(`← (${NUM})`).exec(line)![1]);
      total += got;
      const so = /a\.grad so far (\S+)$/.exec(line);
      if (so) close(so[1], total);
      else expect(line).toMatch(/into a\.grad$/); // the first share
    }
    expect(text).toMatch(/Accumulated into \.grad by this backward:\n {2}a\.grad {2}138\.8338\n {2}b\.grad {2}645\.5773\n$/);
  });

  it("names tensors by name when set, by id and op otherwise", () => {
    expect(text).toMatch(/\n {2}a: c = -1 /); // e = c − d
    expect(text).toMatch(/\n {2}b: d = 6 /);
    const relu = steps.find((s) => s.op === "relu")!;
    expect(relu.output.name).toBeUndefined();
    expect(text).toContain(`t${relu.output.id} (relu) = relu(t${relu.inputs[0].id})`);
    const constant = steps[1].inputs[0]; // the 10 of 10/f
    expect(constant.requiresGrad).toBe(false);
    expect(bs[1]).toContain(`a: t${constant.id} (constant) = 10`);
    expect(bs[1]).toContain("no gradient: needs none");
  });

  it("explainBackward runs the same backward and prints the same text", () => {
    const fresh = micrograd();
    const ids = (s: string) => s.replace(/t\d+/g, "t#").replace(/ +/g, " "); // ids (and so the padding) differ
    expect(ids(explainBackward(fresh.g))).toBe(ids(text));
    expect(fresh.a.grad!.item()).toBe(m.a.grad!.item()); // it accumulated, as backward does
  });
});

describe("formatBackward on a small MLP", () => {
  // x [4, 3] (data), W1 [3, 5], b1 [5], W2 [5, 1]: loss = mean((relu(x·W1 + b1)·W2 − y)²)
  function mlp() {
    const x = tensor([[1, -2, 0.5], [0.3, 0.8, -1], [-1.5, 0.2, 2], [0.7, 0.7, 0.7]], { name: "x" });
    const y = tensor([[1], [0], [-1], [2]], { name: "y" });
    const W1 = tensor([[0.2, -0.5, 1.0, 0.3, -0.8], [0.7, 0.1, -0.3, 0.5, 0.2], [-0.4, 0.9, 0.6, -0.2, 0.1]], { requiresGrad: true, name: "W1" });
    const b1 = tensor([0.1, -0.2, 0.05, 0, 0.3], { requiresGrad: true, name: "b1" });
    const W2 = tensor([[1], [-2], [0.5], [3], [-1]], { requiresGrad: true, name: "W2" });
    const h = x.matmul(W1).add(b1).relu();
    const loss = h.matmul(W2).sub(y).square().mean();
    return { x, W1, b1, W2, h, loss };
  }

  it("summarises big tensors as [shape] and the first values, small ones in full", () => {
    const net = mlp();
    const steps = traceBackward(net.loss);
    const text = formatBackward(steps, { maxElements: 5 });
    expect(blocks(text)).toHaveLength(steps.length);
    expect(steps.map((s) => s.op)).toEqual(["mean", "square", "sub", "matmul", "relu", "add", "matmul"]);
    // W1 [3, 5] has 15 > 5 elements: shape, 5 values, the rest counted
    const w1 = net.W1.grad!;
    const w1Line = text.split("\n").filter((l) => l.includes("W1.grad")).pop()!;
    expect(w1Line).toContain(`[3, 5] [${Array.from(w1.data.subarray(0, 5), (v) => formatNumber(v)).join(", ")}, … +10 more]`);
    // b1 [5] fits: all five values
    expect(text).toContain(`b1 = [5] [0.1, -0.2, 0.05, 0, 0.3]`);
    // the matmul rule with its transposes, and the data input that needs no gradient
    const last = blocks(text).pop()!;
    expect(last).toContain("dA = g·Bᵀ, dB = Aᵀ·g");
    expect(last).toMatch(/A: x = \[4, 3\] \[1, -2, 0\.5, 0\.3, 0\.8, … \+7 more\]\s+no gradient: needs none/);
    // every upstream has the shape of its step's output
    blocks(text).forEach((b, i) => {
      const up = b.split("\n")[2];
      if (steps[i].upstream.size > 1) expect(up).toContain(`upstream  [${steps[i].output.shape.join(", ")}] `);
    });
    expect(text).toMatch(/Accumulated into \.grad by this backward:\n {2}W1\.grad {2}\[3, 5\] /);
  });

  it("nests small matrices by rows", () => {
    const net = mlp();
    const text = formatBackward(traceBackward(net.loss), { maxElements: 100 });
    expect(text).toContain("W2 = [5, 1] [[1], [-2], [0.5], [3], [-1]]");
    expect(text).toContain("x = [4, 3] [[1, -2, 0.5], [0.3, 0.8, -1], [-1.5, 0.2, 2], [0.7, 0.7, 0.7]]");
  });
});

describe("formatBackward options and edge cases", () => {
  it("digits sets the decimals; unknown options and bad values throw", () => {
    const x = f64(1 / 3, "x");
    const steps = traceBackward(x.mul(3).exp());
    expect(formatBackward(steps, { digits: 2 })).toContain("x = 0.33 ");
    expect(formatBackward(steps)).toContain("x = 0.3333 ");
    expect(() => formatBackward(steps, { digit: 2 } as never)).toThrow(/formatBackward.*digit/);
    expect(() => formatBackward(steps, { maxElements: -1 })).toThrow(/maxElements/);
  });

  it("explainBackward takes a seed, or options in its place", () => {
    const x = tensor([1, 2], { dtype: "float64", requiresGrad: true, name: "x" });
    const text = explainBackward(x.mul(3), tensor([1, -1], { dtype: "float64" }));
    expect(text).toContain("upstream  [2] [1, -1]  (the seed)");
    expect(text).toContain("x = [2] [1, 2]");
    expect(Array.from(x.grad!.data)).toEqual([3, -3]);
    const y = f64(2, "y");
    expect(explainBackward(y.mul(y), { digits: 1 })).toMatch(/y\.grad so far 4$/m);
    expect(() => explainBackward(y.mul(y), { digits: 1 }, { digits: 2 })).toThrow(/seed must be a Tensor/);
  });

  it("says so when there is nothing to walk through", () => {
    const steps: BackwardStep[] = [];
    expect(formatBackward(steps)).toMatch(/No backward steps/);
  });
});

describe("the label helpers", () => {
  it("formatNumber: up to 4 decimals, exponent for tiny and huge", () => {
    expect(formatNumber(138.83381)).toBe("138.8338");
    expect(formatNumber(16)).toBe("16");
    expect(formatNumber(Math.fround(0.1))).toBe("0.1");
    expect(formatNumber(-0)).toBe("0");
    expect(formatNumber(-0.00004)).toBe("-4e-5"); // fixed decimals would print 0
    expect(formatNumber(-5.7787e-5)).toBe("-5.779e-5");
    expect(formatNumber(2.5e7)).toBe("2.5e7");
    expect(formatNumber(NaN)).toBe("nan");
    expect(formatNumber(-Infinity)).toBe("-inf");
    expect(formatNumber(0.123456, 2)).toBe("0.12");
  });

  it("each op names its inputs as its rule does (OpRecord.inputNames), not by parsing the rule", () => {
    const x = tensor([[1, 2]], { requiresGrad: true }), W = tensor([[3, 4]], { requiresGrad: true });
    const names = (t: Tensor) => t._node!.inputNames;
    expect(names(linear(x, W))).toEqual(["x", "W"]); // no bias: was "input 0", "input 1"
    expect(names(linear(x, W, tensor([5], { requiresGrad: true })))).toEqual(["x", "W", "b"]);
    expect(names(x.matmul(W.T))).toEqual(["A", "B"]);
    expect(names(x.mul(W))).toEqual(["a", "b"]);
    expect(names(x.exp())).toEqual(["x"]);
    expect(names(concat([x, W, x], 0))).toEqual(["x₀", "x₁", "x₂"]);
    const steps = traceBackward(linear(x, W).sum());
    expect(steps.find((s) => s.op === "linear")!.inputNames).toEqual(["x", "W"]);
    expect(() => record(tensor([1]), { op: "mine", rule: "dx = g", inputs: [x], inputNames: ["x", "y"], backward: (g) => [g] }))
      .toThrow("record: mine has 1 input(s) but 2 inputNames");
  });

  it("summary: a number for one element, [shape] values otherwise", () => {
    expect(summary(tensor([[2.5]]), 6, 4)).toBe("2.5");
    expect(summary(tensor([1, 2, 3]), 6, 4)).toBe("[3] [1, 2, 3]");
    expect(summary(tensor([1, 2, 3, 4, 5, 6, 7]), 3, 4)).toBe("[7] [1, 2, 3, … +4 more]");
    expect(summary(tensor([[1, 2], [3, 4]]), 6, 4)).toBe("[2, 2] [[1, 2], [3, 4]]");
  });
});
