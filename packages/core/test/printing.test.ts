/**
 * Printing: console.log/util.inspect give PyTorch's repr, toString() the same text with the shape
 * and dtype always shown, toJSON() the state-dict tensor format. The expected texts are PyTorch
 * 2.13's own (reference/reprs.ts, printed by reference/reprs.py), changed only by the documented
 * differences: dtype=torch.float64 → dtype=float64, grad_fn=<MulBackward0> → grad_fn=<mul> (our
 * op's name), size=(0, 3) → shape=[0, 3].
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { formatFixed, formatScientific } from "../src/format.js";
import { arange, tensor, Tensor, zeros, type DType } from "../src/index.js";
import { NUMBER_FORMATS, REPR_CASES, type ReprCase, type ValuesSpec } from "./reference/reprs.js";

/** The values reprs.py made, by the same arithmetic (integers and one division, or the list itself). */
function valuesOf(spec: ValuesSpec, n: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  switch (spec[0]) {
    case "values": return spec[1];
    case "ramp": { const [, offset, scale] = spec; return idx.map((i) => (i - offset) / scale); }
    case "mix": { const [, a, m, c, d] = spec; return idx.map((i) => (((i * a) % m) - c) / d); }
    case "spike": { const [, k, v] = spec; return idx.map((i) => (i === k ? v : i)); }
    case "pow10": {
      const [, e, s] = spec;
      return idx.map((i) => (i % e >= s ? (i % 7 - 3) * 10 ** (i % e - s) : (i % 7 - 3) / 10 ** (s - i % e)));
    }
  }
}

const OPS: Record<string, (x: Tensor) => Tensor> = { mul2: (x) => x.mul(2), sum: (x) => x.sum(), exp: (x) => x.exp(), neg: (x) => x.neg() };

function build(c: ReprCase): Tensor {
  const n = c.shape.reduce((p, d) => p * d, 1);
  const x = tensor(valuesOf(c.values, n), { dtype: c.dtype, shape: c.shape, requiresGrad: c.requiresGrad });
  return c.op === null ? x : OPS[c.op](x);
}

/** PyTorch's text with our documented differences. */
const ours = (repr: string) => repr
  .replace(/dtype=torch\.(float\d+)/g, "dtype=$1")
  .replace(/grad_fn=<(\w+)Backward0>/g, (_, name: string) => `grad_fn=<${name.toLowerCase()}>`)
  .replace(/size=\((\d+), (\d+)\)/g, "shape=[$1, $2]");

describe("console.log / util.inspect print PyTorch's repr", () => {
  for (const [name, c] of Object.entries(REPR_CASES)) {
    it(name, () => {
      const t = build(c);
      expect(inspect(t)).toBe(ours(c.repr));
    });
  }

  it("the hook is the registered symbol Node looks for, so nothing of Node is imported", () => {
    const t = tensor([1.5, 2]);
    const hook = (t as unknown as Record<symbol, () => string>)[Symbol.for("nodejs.util.inspect.custom")];
    expect(typeof hook).toBe("function");
    expect(hook.call(t)).toBe("tensor([1.5000, 2.0000])");
    expect(inspect({ w: t })).toBe("{ w: tensor([1.5000, 2.0000]) }");
    expect(inspect([tensor(1), tensor(2, { dtype: "float64" })])).toBe("[ tensor(1.), tensor(2., dtype=float64) ]");
  });

  it("every case of the reference changed in at most the documented ways (the comparison is not vacuous)", () => {
    const texts = Object.values(REPR_CASES).map((c) => c.repr);
    expect(texts.filter((r) => r.includes("dtype=torch.float64")).length).toBeGreaterThan(5);
    expect(texts.filter((r) => /grad_fn=<\w+Backward0>/.test(r)).length).toBeGreaterThan(3);
    expect(texts.filter((r) => r.includes("size=(")).length).toBe(2);
    expect(texts.filter((r) => r.includes("...")).length).toBeGreaterThan(5);
    // One element different, one value hidden or shown: the text changes.
    expect(inspect(tensor([1.5, 2.0001]))).not.toBe(inspect(tensor([1.5, 2])));
  });

  it("shows the op that made a tensor as grad_fn=<op>, a leaf that requires grad as requires_grad=True, a name", () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    expect(inspect(x.matmul(x))).toBe("tensor([[ 7., 10.],\n        [15., 22.]], grad_fn=<matmul>)");
    expect(inspect(x.mul(0.5).relu())).toBe("tensor([[0.5000, 1.0000],\n        [1.5000, 2.0000]], grad_fn=<relu>)");
    expect(inspect(x.detach())).toBe("tensor([[1., 2.],\n        [3., 4.]])");
    expect(inspect(tensor([1], { name: "bias" }))).toBe('tensor([1.], name="bias")');
    expect(inspect(tensor([1], { name: "b", requiresGrad: true, dtype: "float64" }))).toBe('tensor([1.], dtype=float64, requires_grad=True, name="b")');
  });

  it("summarises past 1000 elements, not at 1000", () => {
    expect(inspect(arange(1000))).not.toContain("...");
    expect(inspect(arange(1001))).toBe("tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])");
    expect(inspect(zeros([2, 501]))).toBe("tensor([[0., 0., 0.,  ..., 0., 0., 0.],\n        [0., 0., 0.,  ..., 0., 0., 0.]])");
  });
});

describe("toString()", () => {
  it("is the same text with the shape and dtype always shown", () => {
    const x = tensor([1.5, 2], { requiresGrad: true });
    expect(x.toString()).toBe("tensor([1.5000, 2.0000], shape=[2], dtype=float32, requires_grad=True)");
    expect(String(x.mul(2))).toBe("tensor([3., 4.], shape=[2], dtype=float32, grad_fn=<mul>)");
    expect(`${tensor(7)}`).toBe("tensor(7., shape=[], dtype=float32)");
    expect(tensor([[1, 2.5], [-3, 4]], { dtype: "float64" }).toString())
      .toBe("tensor([[ 1.0000,  2.5000],\n        [-3.0000,  4.0000]], shape=[2, 2], dtype=float64)");
    expect(zeros([0, 3]).toString()).toBe("tensor([], shape=[0, 3], dtype=float32)");
    expect(tensor([1], { name: "bias" }).toString()).toBe('tensor([1.], shape=[1], dtype=float32, name="bias")');
  });

  it("matches inspect's text apart from those two suffixes, for every reference case", () => {
    for (const c of Object.values(REPR_CASES)) {
      const t = build(c);
      const flat = (s: string) => s.replace(/,\s+shape=\[[\d, ]*\]/, "").replace(/,\s+dtype=float\d+/, "").replace(/\s+/g, " ");
      expect(flat(t.toString()), c.repr).toBe(flat(inspect(t)));
      expect(t.toString()).toContain(`shape=[${t.shape.join(", ")}]`);
      expect(t.toString()).toContain(`dtype=${t.dtype}`);
    }
  });
});

describe("toJSON()", () => {
  it("is the state-dict tensor format { shape, dtype, data }, plain arrays, fresh each time", () => {
    const x = tensor([[1.5, -2], [0.25, 4]], { dtype: "float64", requiresGrad: true });
    const j = x.toJSON();
    expect(j).toEqual({ shape: [2, 2], dtype: "float64", data: [1.5, -2, 0.25, 4] });
    expect(Object.keys(j)).toEqual(["shape", "dtype", "data"]);
    expect(Array.isArray(j.data) && Array.isArray(j.shape)).toBe(true);
    j.shape.push(9);
    j.data[0] = 99;
    expect(x.shape).toEqual([2, 2]);
    expect(x.data[0]).toBe(1.5);
    expect(JSON.stringify(x)).toBe('{"shape":[2,2],"dtype":"float64","data":[1.5,-2,0.25,4]}');
    expect(JSON.stringify({ w: tensor(0.1) })).toBe(`{"w":{"shape":[],"dtype":"float32","data":[${Math.fround(0.1)}]}}`);
    // Read back, the JSON makes the same tensor.
    const back = JSON.parse(JSON.stringify(x)) as { shape: number[]; dtype: DType; data: number[] };
    const y = tensor(back.data, { shape: back.shape, dtype: back.dtype });
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    expect(y.shape).toEqual(x.shape);
  });
});

describe("numbers as Python formats them (exactly rounded, ties to even)", () => {
  it("fixed with 4 and 0 decimals, and scientific with 4", () => {
    for (const [x, f4, f0, e4] of NUMBER_FORMATS) {
      expect(formatFixed(x, 4), `${x} .4f`).toBe(f4);
      expect(formatFixed(x, 0), `${x} .0f`).toBe(f0);
      expect(formatScientific(x, 4), `${x} .4e`).toBe(e4);
    }
  });

  it("agree with JavaScript's own toFixed and toExponential wherever there is no tie", () => {
    let checked = 0;
    for (let i = 0; i < 20000; i++) {
      const x = (((i * 7919) % 100003) - 50001) / 997 * 10 ** ((i % 9) - 4);
      if (Number.isInteger(x * 2 ** 5)) continue; // a possible tie at 4 decimals: JavaScript rounds it up
      expect(formatFixed(x, 4)).toBe(Object.is(x, -0) ? "-0.0000" : x.toFixed(4));
      const [m, e] = x.toExponential(4).split("e");
      expect(formatScientific(x, 4)).toBe(`${m}e${e[0]}${e.slice(1).padStart(2, "0")}`);
      checked++;
    }
    expect(checked).toBeGreaterThan(19000);
  });
});
