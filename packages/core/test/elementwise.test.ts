/**
 * Elementwise ops of @backprop/core: binary arithmetic with broadcasting, unary math, clamp,
 * where and the comparisons. Values are checked against formulas written with Math.*, gradients
 * with gradcheck (float64, central differences) on random inputs kept away from kinks.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  Tensor, tensor, gradcheck, noGrad,
  add, sub, mul, div, pow, maximum, minimum,
  neg, exp, log, sqrt, abs, square, clamp,
  where, gt, ge, lt, le, eq,
} from "../src/index.js";
import { expectClose } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// helpers

type Shape = number[];
type Bin = (a: Tensor | number, b: Tensor | number) => Tensor;

const sizeOf = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);

/** A float64 tensor with the given flat values and shape. */
function t64(values: readonly number[], shape: Shape = [values.length], requiresGrad = false): Tensor {
  return tensor(Float64Array.from(values), { shape, requiresGrad });
}

function t32(values: readonly number[], shape: Shape = [values.length], requiresGrad = false): Tensor {
  return tensor(Float32Array.from(values), { shape, requiresGrad });
}

function broadcastShape(a: Shape, b: Shape): Shape {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1, db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error("test bug: shapes do not broadcast");
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Flat index into an operand of shape `s` for the output multi-index `idx` (NumPy broadcasting). */
function sourceIndex(idx: number[], s: Shape): number {
  let flat = 0;
  const off = idx.length - s.length;
  for (let i = 0; i < s.length; i++) flat = flat * s[i] + (s[i] === 1 ? 0 : idx[off + i]);
  return flat;
}

function multiIndex(flat: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return idx;
}

/** The reference result of a broadcasting binary op, computed element by element. */
function refBinary(a: readonly number[], sa: Shape, b: readonly number[], sb: Shape, f: (x: number, y: number) => number) {
  const shape = broadcastShape(sa, sb);
  const data = Array.from({ length: sizeOf(shape) }, (_, o) => {
    const idx = multiIndex(o, shape);
    return f(a[sourceIndex(idx, sa)], b[sourceIndex(idx, sb)]);
  });
  return { shape, data };
}

/** Every pair (a_i, b_j) the broadcast puts side by side. */
function broadcastPairs(a: readonly number[], sa: Shape, b: readonly number[], sb: Shape): [number, number][] {
  const shape = broadcastShape(sa, sb);
  return Array.from({ length: sizeOf(shape) }, (_, o) => {
    const idx = multiIndex(o, shape);
    return [a[sourceIndex(idx, sa)], b[sourceIndex(idx, sb)]] as [number, number];
  });
}

// ---------------------------------------------------------------------------------------------
// arbitraries

const SHAPE_PAIRS: [Shape, Shape][] = [
  [[3, 1], [1, 4]],
  [[2, 3], [3]],
  [[], [2, 2]],
  [[4], []],
  [[2, 3], [2, 3]],
  [[2, 1, 3], [4, 1]],
  [[3], [2, 1]],
  [[1], [3]],
];

const UNARY_SHAPES: Shape[] = [[], [3], [2, 3], [2, 1, 2]];

const num = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
/** |v| in [min, max] with either sign: keeps values away from 0. */
const awayFromZero = (min: number, max: number) => fc.tuple(num(min, max), fc.boolean()).map(([m, s]) => (s ? m : -m));
const values = (n: number, el: fc.Arbitrary<number>) => fc.array(el, { minLength: n, maxLength: n });

function pairArb(elA: fc.Arbitrary<number>, elB: fc.Arbitrary<number>) {
  return fc.constantFrom(...SHAPE_PAIRS).chain(([sa, sb]) =>
    fc.record({ sa: fc.constant(sa), sb: fc.constant(sb), a: values(sizeOf(sa), elA), b: values(sizeOf(sb), elB) }),
  );
}

function unaryArb(el: fc.Arbitrary<number>) {
  return fc.constantFrom(...UNARY_SHAPES).chain((s) => fc.record({ s: fc.constant(s), a: values(sizeOf(s), el) }));
}

const RUNS = { numRuns: 25 };

// ---------------------------------------------------------------------------------------------
// binary arithmetic

interface BinaryCase {
  name: string;
  fn: Bin;
  method: (a: Tensor, b: Tensor | number) => Tensor;
  ref: (a: number, b: number) => number;
  /** Hand-derived partial derivatives. */
  da: (a: number, b: number) => number;
  db: (a: number, b: number) => number;
  elA: fc.Arbitrary<number>;
  elB: fc.Arbitrary<number>;
  /** Inputs must differ (maximum/minimum: keep away from ties). */
  distinct?: boolean;
  /** A sample point inside the domain, for the dtype tests. */
  sample: [number, number];
}

const BINARY: BinaryCase[] = [
  { name: "add", fn: add, method: (a, b) => a.add(b), ref: (a, b) => a + b, da: () => 1, db: () => 1,
    elA: num(-5, 5), elB: num(-5, 5), sample: [1.5, -0.25] },
  { name: "sub", fn: sub, method: (a, b) => a.sub(b), ref: (a, b) => a - b, da: () => 1, db: () => -1,
    elA: num(-5, 5), elB: num(-5, 5), sample: [1.5, -0.25] },
  { name: "mul", fn: mul, method: (a, b) => a.mul(b), ref: (a, b) => a * b, da: (_a, b) => b, db: (a) => a,
    elA: num(-5, 5), elB: num(-5, 5), sample: [1.5, -0.25] },
  { name: "div", fn: div, method: (a, b) => a.div(b), ref: (a, b) => a / b, da: (_a, b) => 1 / b, db: (a, b) => -a / (b * b),
    elA: num(-5, 5), elB: awayFromZero(0.5, 4), sample: [1.5, -0.25] },
  { name: "pow", fn: pow, method: (a, b) => a.pow(b), ref: (a, b) => Math.pow(a, b),
    da: (a, b) => b * Math.pow(a, b - 1), db: (a, b) => Math.pow(a, b) * Math.log(a),
    elA: num(0.5, 2.5), elB: num(-2, 2), sample: [1.5, -0.5] },
  { name: "maximum", fn: maximum, method: (a, b) => a.maximum(b), ref: (a, b) => Math.max(a, b),
    da: (a, b) => (a > b ? 1 : 0), db: (a, b) => (b > a ? 1 : 0),
    elA: num(-5, 5), elB: num(-5, 5), distinct: true, sample: [1.5, -0.25] },
  { name: "minimum", fn: minimum, method: (a, b) => a.minimum(b), ref: (a, b) => Math.min(a, b),
    da: (a, b) => (a < b ? 1 : 0), db: (a, b) => (b < a ? 1 : 0),
    elA: num(-5, 5), elB: num(-5, 5), distinct: true, sample: [1.5, -0.25] },
];

describe.each(BINARY)("$name", (c) => {
  it("matches the formula and gradcheck on broadcastable shape pairs (float64)", () => {
    fc.assert(
      fc.property(pairArb(c.elA, c.elB), ({ sa, sb, a, b }) => {
        if (c.distinct) fc.pre(broadcastPairs(a, sa, b, sb).every(([p, q]) => Math.abs(p - q) > 1e-3));
        const x = t64(a, sa), y = t64(b, sb);
        const out = c.fn(x, y);
        const ref = refBinary(a, sa, b, sb, c.ref);
        expect(out.shape).toEqual(ref.shape);
        expect(out.dtype).toBe("float64");
        expectClose(out.data, ref.data);
        // method form ≡ function form
        expect(Array.from(c.method(x, y).data)).toEqual(Array.from(out.data));
        const r = gradcheck((p, q) => c.fn(p, q), [x, y]);
        expect(r.failures).toEqual([]);
        expect(r.kinks).toEqual([]);
        expect(r.ok).toBe(true);
      }),
      RUNS,
    );
  });

  it("computes the hand-derived gradients and sums them back to each input's shape", () => {
    // x: [3, 1], y: [1, 4], result [3, 4]; a non-uniform seed makes the sums informative.
    const a = [0.75, 1.25, 2];
    const b = [0.6, 1.1, 1.7, 2.3].map((v, j) => (c.distinct ? v + 0.01 * j + 0.013 : v));
    const x = t64(a, [3, 1], true), y = t64(b, [1, 4], true);
    const out = c.fn(x, y);
    expect(out.shape).toEqual([3, 4]);
    const seed = Array.from({ length: 12 }, (_, k) => 0.5 + 0.25 * k);
    out.backward(t64(seed, [3, 4]));
    expect(x.grad!.shape).toEqual([3, 1]);
    expect(y.grad!.shape).toEqual([1, 4]);
    const gx = a.map((ai, i) => b.reduce((s, bj, j) => s + seed[i * 4 + j] * c.da(ai, bj), 0));
    const gy = b.map((bj, j) => a.reduce((s, ai, i) => s + seed[i * 4 + j] * c.db(ai, bj), 0));
    expectClose(x.grad!.data, gx, 1e-12);
    expectClose(y.grad!.data, gy, 1e-12);
  });

  it("accepts a number on either side (weak scalar: the tensor's dtype wins)", () => {
    const [va, vb] = c.sample;
    const x32 = t32([va, va * 2]);
    const right = c.fn(x32, vb);
    const left = c.fn(vb, x32);
    expect(right.dtype).toBe("float32");
    expect(left.dtype).toBe("float32");
    expectClose(right.data, [va, va * 2].map((v) => Math.fround(c.ref(Math.fround(v), Math.fround(vb)))), 0);
    expectClose(left.data, [va, va * 2].map((v) => Math.fround(c.ref(Math.fround(vb), Math.fround(v)))), 0);
    expect(Array.from(c.method(x32, vb).data)).toEqual(Array.from(right.data));

    const x64 = t64([va]);
    expect(c.fn(x64, vb).dtype).toBe("float64");
    expect(c.fn(vb, x64).dtype).toBe("float64");
    expectClose(c.fn(x64, vb).data, [c.ref(va, vb)]);
    expectClose(c.fn(vb, x64).data, [c.ref(vb, va)]);
  });

  it("gradcheck with a number operand on either side", () => {
    const [va, vb] = c.sample;
    const x = t64([va, va + 0.3, va + 0.7]);
    expect(gradcheck((p) => c.fn(p, vb), [x]).ok).toBe(true);
    if (c.name !== "pow") expect(gradcheck((p) => c.fn(vb + 10, p), [x]).ok).toBe(true);
    else expect(gradcheck((p) => c.fn(2, p), [x]).ok).toBe(true); // 2^p: exponent is the tensor
  });

  it("promotes float32 with float64 to float64; a float32 leaf still gets a float32 gradient", () => {
    const [va, vb] = c.sample;
    const x = t32([va], [1], true), y = t64([vb], [1], true);
    const out = c.fn(x, y);
    expect(out.dtype).toBe("float64");
    expect(c.fn(y, x).dtype).toBe("float64");
    expect(c.fn(x, t32([vb])).dtype).toBe("float32");
    out.sum().backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(y.grad!.dtype).toBe("float64");
    const fa = Math.fround(va);
    expectClose(x.grad!.data, [Math.fround(c.da(fa, vb))], 1e-6);
    expectClose(y.grad!.data, [c.db(fa, vb)], 1e-12);
  });

  it("rejects incompatible broadcast shapes, naming the op and both shapes", () => {
    const x = t64([1, 2, 3, 4, 5, 6], [2, 3]), y = t64([1, 2, 3, 4], [4]);
    const msg = new RegExp(`${c.name}.*\\[2, 3\\].*\\[4\\]`);
    expect(() => c.fn(x, y)).toThrow(msg);
    expect(() => c.method(x, y)).toThrow(msg);
    expect(() => c.fn(t64([1, 2], [2, 1]), t64([1, 2, 3, 4, 5, 6], [3, 2]))).toThrow(new RegExp(`${c.name}.*\\[2, 1\\].*\\[3, 2\\]`));
  });

  it("rejects non-tensor, non-number operands with an error naming the op", () => {
    const x = t64([1, 2]);
    const bad = c.fn as (a: unknown, b: unknown) => Tensor;
    expect(() => bad(x, "2")).toThrow(new RegExp(`^${c.name}:.*string`));
    expect(() => bad([1, 2], x)).toThrow(new RegExp(`^${c.name}:.*tensor\\(\\)`));
    expect(() => bad(x, null)).toThrow(new RegExp(`^${c.name}:.*null`));
    expect(() => bad(undefined, x)).toThrow(new RegExp(`^${c.name}:`));
    expect(() => bad(x, { data: [1] })).toThrow(new RegExp(`^${c.name}:`));
  });
});

describe("binary ops: broadcasting gradients", () => {
  it("the gradient of a [3,1] input in a [3,4] result has shape [3,1] and equals the row sums", () => {
    const x = t64([1, 2, 3], [3, 1], true);
    const y = t64(Array.from({ length: 12 }, (_, k) => k * 0.5), [3, 4], true);
    const seed = Array.from({ length: 12 }, (_, k) => k + 1);
    add(x, y).backward(t64(seed, [3, 4]));
    expect(x.grad!.shape).toEqual([3, 1]);
    expect(x.grad!.toArray()).toEqual([[1 + 2 + 3 + 4], [5 + 6 + 7 + 8], [9 + 10 + 11 + 12]]);
    expect(y.grad!.shape).toEqual([3, 4]);
    expect(Array.from(y.grad!.data)).toEqual(seed);
  });

  it("a 0-d input broadcast to [2,2] gets a 0-d gradient (the total), and [4]×[] the same", () => {
    const s = t64([3], [], true), m = t64([1, 2, 3, 4], [2, 2], true);
    mul(s, m).backward(t64([1, 1, 2, 2], [2, 2]));
    expect(s.grad!.shape).toEqual([]);
    expect(s.grad!.item()).toBe(1 * 1 + 2 * 1 + 3 * 2 + 4 * 2);
    expect(Array.from(m.grad!.data)).toEqual([3, 3, 6, 6]);

    const v = t64([1, 2, 3, 4], [4], true), z = t64([2], [], true);
    sub(v, z).sum().backward();
    expect(z.grad!.shape).toEqual([]);
    expect(z.grad!.item()).toBe(-4);
    expect(Array.from(v.grad!.data)).toEqual([1, 1, 1, 1]);
  });

  it("[2,3]×[3]: the [3] input gets the column sums", () => {
    const x = t64([1, 2, 3, 4, 5, 6], [2, 3], true), y = t64([10, 20, 30], [3], true);
    mul(x, y).sum().backward();
    expect(y.grad!.shape).toEqual([3]);
    expect(Array.from(y.grad!.data)).toEqual([1 + 4, 2 + 5, 3 + 6]);
    expect(Array.from(x.grad!.data)).toEqual([10, 20, 30, 10, 20, 30]);
  });

  it("a float32 [3,1] leaf in a float64 [3,4] result gets a float32 [3,1] gradient", () => {
    const x = t32([1, 2, 3], [3, 1], true), y = t64([1, 2, 3, 4], [1, 4], true);
    const out = mul(x, y);
    expect(out.dtype).toBe("float64");
    out.sum().backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(x.grad!.shape).toEqual([3, 1]);
    expect(Array.from(x.grad!.data)).toEqual([10, 10, 10]);
    expect(y.grad!.dtype).toBe("float64");
    expect(Array.from(y.grad!.data)).toEqual([6, 6, 6, 6]);
  });

  it("where with shapes that cannot broadcast names the op and the shapes", () => {
    expect(() => where(t64([1, 0]), t64([1, 2, 3]), 0)).toThrow(/where.*\[2\].*\[3\]/);
  });
});

describe("pow", () => {
  it("number exponents: values and gradients (integer exponents on negative bases too)", () => {
    const xs = [-2, -0.5, 0.5, 1.5, 3];
    for (const p of [2, 3, -1, 1]) {
      const x = t64(xs, [5], true);
      const out = pow(x, p);
      expectClose(out.data, xs.map((v) => Math.pow(v, p)));
      out.sum().backward();
      expectClose(x.grad!.data, xs.map((v) => p * Math.pow(v, p - 1)));
      expect(gradcheck((t) => pow(t, p), [t64(xs)]).ok).toBe(true);
    }
  });

  it("fractional number exponents on positive bases: values and gradcheck", () => {
    fc.assert(
      fc.property(unaryArb(num(0.2, 4)), num(-2.5, 2.5), ({ s, a }, p) => {
        const x = t64(a, s);
        expectClose(pow(x, p).data, a.map((v) => Math.pow(v, p)));
        expectClose(x.pow(p).data, a.map((v) => Math.pow(v, p)));
        const r = gradcheck((t) => pow(t, p), [x]);
        expect(r.failures).toEqual([]);
        expect(r.ok).toBe(true);
      }),
      RUNS,
    );
  });

  it("a number base with a tensor exponent: d/dp b^p = b^p·ln b", () => {
    const p = t64([-1, 0, 0.5, 2], [4], true);
    const out = pow(3, p);
    expect(out.dtype).toBe("float64");
    expectClose(out.data, [1 / 3, 1, Math.sqrt(3), 9]);
    out.sum().backward();
    expectClose(p.grad!.data, [-1, 0, 0.5, 2].map((v) => Math.pow(3, v) * Math.log(3)));
  });

  it("the exponent 0 gives 1 and a zero gradient everywhere, even at base 0 (no NaN; as PyTorch)", () => {
    const x = t64([0, 2, -1], [3], true);
    const out = pow(x, 0);
    expect(Array.from(out.data)).toEqual([1, 1, 1]);
    out.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0]);

    const b = t64([0, 0, 2], [3], true), e = t64([0, 2, 0], [3], true);
    const out2 = pow(b, e);
    expect(Array.from(out2.data)).toEqual([1, 0, 1]);
    out2.sum().backward();
    expect(Array.from(b.grad!.data)).toEqual([0, 0, 0]);
    expectClose(e.grad!.data, [0, 0, Math.log(2)]);
  });
});

// ---------------------------------------------------------------------------------------------
// unary math

interface UnaryCase {
  name: string;
  fn: (x: Tensor) => Tensor;
  method: (x: Tensor) => Tensor;
  ref: (x: number) => number;
  d: (x: number) => number;
  el: fc.Arbitrary<number>;
}

const UNARY: UnaryCase[] = [
  { name: "neg", fn: neg, method: (x) => x.neg(), ref: (v) => -v, d: () => -1, el: num(-5, 5) },
  { name: "exp", fn: exp, method: (x) => x.exp(), ref: Math.exp, d: Math.exp, el: num(-4, 4) },
  { name: "log", fn: log, method: (x) => x.log(), ref: Math.log, d: (v) => 1 / v, el: num(0.1, 10) },
  { name: "sqrt", fn: sqrt, method: (x) => x.sqrt(), ref: Math.sqrt, d: (v) => 1 / (2 * Math.sqrt(v)), el: num(0.1, 10) },
  { name: "abs", fn: abs, method: (x) => x.abs(), ref: Math.abs, d: Math.sign, el: awayFromZero(0.01, 5) },
  { name: "square", fn: square, method: (x) => x.square(), ref: (v) => v * v, d: (v) => 2 * v, el: num(-5, 5) },
];

describe.each(UNARY)("$name", (c) => {
  it("matches the formula and gradcheck on random inputs (float64)", () => {
    fc.assert(
      fc.property(unaryArb(c.el), ({ s, a }) => {
        const x = t64(a, s);
        const out = c.fn(x);
        expect(out.shape).toEqual(s);
        expect(out.dtype).toBe("float64");
        expectClose(out.data, a.map(c.ref));
        expect(Array.from(c.method(x).data)).toEqual(Array.from(out.data));
        const r = gradcheck(c.fn, [x]);
        expect(r.failures).toEqual([]);
        expect(r.kinks).toEqual([]);
        expect(r.ok).toBe(true);
      }),
      RUNS,
    );
  });

  it("computes the hand-derived gradient, keeps float32 as float32", () => {
    const vals = c.name === "log" || c.name === "sqrt" ? [0.25, 1, 4] : [-1.5, 0.5, 2];
    const x = t64(vals, [3], true);
    c.fn(x).backward(t64([1, 2, 3]));
    expectClose(x.grad!.data, vals.map((v, i) => (i + 1) * c.d(v)));

    const x32 = t32(vals, [3], true);
    const out32 = c.fn(x32);
    expect(out32.dtype).toBe("float32");
    expectClose(out32.data, vals.map((v) => Math.fround(c.ref(Math.fround(v)))), 0);
    out32.sum().backward();
    expect(x32.grad!.dtype).toBe("float32");
    expectClose(x32.grad!.data, vals.map((v) => Math.fround(c.d(v))), 1e-6);
  });

  it("rejects a non-tensor input with an error naming the op", () => {
    const bad = c.fn as (x: unknown) => Tensor;
    expect(() => bad("1")).toThrow(new RegExp(`^${c.name}:`));
    expect(() => bad(null)).toThrow(new RegExp(`^${c.name}:.*null`));
    expect(() => bad([1, 2])).toThrow(new RegExp(`^${c.name}:.*tensor\\(\\)`));
  });
});

describe("unary math: special values", () => {
  it("exp and log round-trip; no NaN where the true value is finite", () => {
    const x = t64([-1000, -20, 0, 20], [4], true);
    const e = exp(x);
    expect(Array.from(e.data)).toEqual([0, Math.exp(-20), 1, Math.exp(20)]);
    e.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, Math.exp(-20), 1, Math.exp(20)]);
    expectClose(log(exp(t64([-3, 0.5, 7]))).data, [-3, 0.5, 7], 1e-14);
  });

  it("log and sqrt outside their domain give NaN (as Math / PyTorch), log(0) = −∞", () => {
    expect(log(t64([-1])).item()).toBeNaN();
    expect(sqrt(t64([-1])).item()).toBeNaN();
    expect(log(t64([0])).item()).toBe(-Infinity);
    expect(sqrt(t64([0])).item()).toBe(0);
  });

  it("neg and abs of ±Infinity, square of a large float32 overflows to +∞ (not NaN)", () => {
    expect(Array.from(neg(t64([Infinity, -Infinity])).data)).toEqual([-Infinity, Infinity]);
    expect(Array.from(abs(t64([Infinity, -Infinity])).data)).toEqual([Infinity, Infinity]);
    expect(square(t32([1e30])).item()).toBe(Infinity);
  });
});

// ---------------------------------------------------------------------------------------------
// clamp

describe("clamp", () => {
  const xs = [-3, -1.5, -0.25, 0.4, 1.2, 2.5];

  it("min only, max only and both: values", () => {
    const x = t64(xs);
    expect(Array.from(clamp(x, -1).data)).toEqual(xs.map((v) => Math.max(v, -1)));
    expect(Array.from(clamp(x, undefined, 1).data)).toEqual(xs.map((v) => Math.min(v, 1)));
    expect(Array.from(clamp(x, null, 1).data)).toEqual(xs.map((v) => Math.min(v, 1)));
    expect(Array.from(clamp(x, -1, 1).data)).toEqual(xs.map((v) => Math.min(Math.max(v, -1), 1)));
    expect(Array.from(x.clamp(-1, 1).data)).toEqual(xs.map((v) => Math.min(Math.max(v, -1), 1)));
    expect(Array.from(x.clamp(0.3).data)).toEqual(xs.map((v) => Math.max(v, 0.3)));
    expect(Array.from(x.clamp(null, 0.3).data)).toEqual(xs.map((v) => Math.min(v, 0.3)));
  });

  it("gradients pass inside the range and are 0 outside", () => {
    const cases: [number | undefined, number | undefined][] = [[-1, undefined], [undefined, 1], [-1, 1]];
    for (const [lo, hi] of cases) {
      const x = t64(xs, [6], true);
      clamp(x, lo, hi).backward(t64([1, 2, 3, 4, 5, 6]));
      const expected = xs.map((v, i) => ((lo === undefined || v >= lo) && (hi === undefined || v <= hi) ? i + 1 : 0));
      expect(Array.from(x.grad!.data)).toEqual(expected);
    }
  });

  it("gradcheck away from the bounds, with min only, max only and both", () => {
    fc.assert(
      fc.property(unaryArb(num(-4, 4)), num(-2, 0), num(0.1, 2), fc.constantFrom("min", "max", "both"), ({ s, a }, lo, hi, which) => {
        fc.pre(a.every((v) => Math.abs(v - lo) > 1e-3 && Math.abs(v - hi) > 1e-3));
        const f = (t: Tensor) =>
          which === "min" ? clamp(t, lo) : which === "max" ? clamp(t, undefined, hi) : clamp(t, lo, hi);
        const x = t64(a, s);
        const l = which === "max" ? -Infinity : lo, h = which === "min" ? Infinity : hi;
        expectClose(f(x).data, a.map((v) => Math.min(Math.max(v, l), h)), 0);
        const r = gradcheck(f, [x]);
        expect(r.failures).toEqual([]);
        expect(r.kinks).toEqual([]);
        expect(r.ok).toBe(true);
      }),
      RUNS,
    );
  });

  it("keeps the dtype; clamps ±Infinity to the bounds", () => {
    const x = t32([-Infinity, 0.5, Infinity]);
    const out = clamp(x, -1, 1);
    expect(out.dtype).toBe("float32");
    expect(Array.from(out.data)).toEqual([-1, 0.5, 1]);
  });

  it("rejects bad arguments, naming clamp", () => {
    const x = t64([1, 2]);
    expect(() => clamp(x, 2, 1)).toThrow(/^clamp:.*min/);
    expect(() => clamp(x, "0" as unknown as number)).toThrow(/^clamp:.*min/);
    expect(() => clamp(x, undefined, Number.NaN)).toThrow(/^clamp:.*max/);
    expect(() => clamp([1, 2] as unknown as Tensor, 0, 1)).toThrow(/^clamp:/);
  });
});

// ---------------------------------------------------------------------------------------------
// where

describe("where", () => {
  it("selects elementwise with broadcasting of all three operands", () => {
    const cond = t64([1, 0, 1], [3, 1]);
    const a = t64([10, 20, 30, 40], [1, 4]);
    const b = t64([-1], []);
    const out = where(cond, a, b);
    expect(out.shape).toEqual([3, 4]);
    expect(out.toArray()).toEqual([[10, 20, 30, 40], [-1, -1, -1, -1], [10, 20, 30, 40]]);
  });

  it("treats any nonzero condition as true; numbers on either side; method form", () => {
    const cond = t64([2, 0, -1, 0.5]);
    const x = t64([1, 2, 3, 4]);
    expect(Array.from(where(cond, x, 0).data)).toEqual([1, 0, 3, 4]);
    expect(Array.from(where(cond, 0, x).data)).toEqual([0, 2, 0, 0]);
    expect(Array.from(where(cond, 7, -7).data)).toEqual([7, -7, 7, 7]);
    expect(Array.from(x.where(cond, 9).data)).toEqual([1, 9, 3, 4]);
    expect(Array.from(x.where(cond, t64([5, 6, 7, 8])).data)).toEqual([1, 6, 3, 4]);
  });

  it("sends the gradient to the chosen side, summed back to each input's shape", () => {
    const cond = t64([1, 0, 1], [3, 1]);
    const a = t64([1, 2, 3, 4], [1, 4], true);
    const b = t64([5], [], true);
    const seed = Array.from({ length: 12 }, (_, k) => k + 1);
    where(cond, a, b).backward(t64(seed, [3, 4]));
    expect(a.grad!.shape).toEqual([1, 4]);
    expect(Array.from(a.grad!.data)).toEqual([1 + 9, 2 + 10, 3 + 11, 4 + 12]);
    expect(b.grad!.shape).toEqual([]);
    expect(b.grad!.item()).toBe(5 + 6 + 7 + 8);
  });

  it("no NaN leaks from the unselected side into values or gradients", () => {
    const cond = t64([1, 0]);
    const a = t64([1, Number.NaN], [2], true), b = t64([Infinity, 2], [2], true);
    const out = where(cond, a, b);
    expect(Array.from(out.data)).toEqual([1, 2]);
    out.sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([1, 0]);
    expect(Array.from(b.grad!.data)).toEqual([0, 1]);
  });

  it("gradcheck on random values with a fixed random condition", () => {
    fc.assert(
      fc.property(pairArb(num(-3, 3), num(-3, 3)), fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), ({ sa, sb, a, b }, bits) => {
        const shape = broadcastShape(sa, sb);
        const cond = t64(bits.slice(0, sizeOf(shape)).map(Number), shape);
        const x = t64(a, sa), y = t64(b, sb);
        const expected = broadcastPairs(a, sa, b, sb).map(([p, q], i) => (bits[i] ? p : q));
        expect(Array.from(where(cond, x, y).data)).toEqual(expected);
        const r = gradcheck((p, q) => where(cond, p, q), [x, y]);
        expect(r.failures).toEqual([]);
        expect(r.ok).toBe(true);
      }),
      RUNS,
    );
  });

  it("promotes dtypes; a float32 branch gets a float32 gradient", () => {
    const cond = t64([1, 0]);
    const a = t32([1, 2], [2], true), b = t64([3, 4], [2], true);
    const out = where(cond, a, b);
    expect(out.dtype).toBe("float64");
    expect(where(cond, a, 0).dtype).toBe("float32");
    out.sum().backward();
    expect(a.grad!.dtype).toBe("float32");
    expect(Array.from(a.grad!.data)).toEqual([1, 0]);
  });

  it("rejects a non-tensor condition and bad branches, naming where", () => {
    const x = t64([1, 2]);
    expect(() => where([1, 0] as unknown as Tensor, x, x)).toThrow(/^where:.*condition/);
    expect(() => where(x, "a" as unknown as number, x)).toThrow(/^where:/);
  });
});

// ---------------------------------------------------------------------------------------------
// comparisons

interface CompareCase {
  name: string;
  fn: Bin;
  method: (a: Tensor, b: Tensor | number) => Tensor;
  ref: (a: number, b: number) => boolean;
}

const COMPARE: CompareCase[] = [
  { name: "gt", fn: gt, method: (a, b) => a.gt(b), ref: (a, b) => a > b },
  { name: "ge", fn: ge, method: (a, b) => a.ge(b), ref: (a, b) => a >= b },
  { name: "lt", fn: lt, method: (a, b) => a.lt(b), ref: (a, b) => a < b },
  { name: "le", fn: le, method: (a, b) => a.le(b), ref: (a, b) => a <= b },
  { name: "eq", fn: eq, method: (a, b) => a.eq(b), ref: (a, b) => a === b },
];

describe.each(COMPARE)("$name", (c) => {
  it("gives 0/1 values with broadcasting (ties included)", () => {
    const small = fc.integer({ min: -2, max: 2 });
    fc.assert(
      fc.property(pairArb(small, small), ({ sa, sb, a, b }) => {
        const out = c.fn(t64(a, sa), t64(b, sb));
        const ref = refBinary(a, sa, b, sb, (p, q) => (c.ref(p, q) ? 1 : 0));
        expect(out.shape).toEqual(ref.shape);
        expect(Array.from(out.data)).toEqual(ref.data);
        expect(Array.from(c.method(t64(a, sa), t64(b, sb)).data)).toEqual(ref.data);
      }),
      { numRuns: 50 },
    );
  });

  it("hand-picked values, numbers on either side, NaN compares false", () => {
    const xs = [-1, 0, 0.5, 1, Number.NaN];
    const x = t32(xs);
    expect(Array.from(c.fn(x, 0.5).data)).toEqual(xs.map((v) => (c.ref(v, 0.5) ? 1 : 0)));
    expect(Array.from(c.fn(0.5, x).data)).toEqual(xs.map((v) => (c.ref(0.5, v) ? 1 : 0)));
    expect(Array.from(c.method(x, 0).data)).toEqual(xs.map((v) => (c.ref(v, 0) ? 1 : 0)));
    expect(c.fn(x, 0.5).data[4]).toBe(0);
  });

  it("carries no gradient: requiresGrad false on the result, and nothing flows back through it", () => {
    const x = t64([-1, 0, 2], [3], true);
    const m = c.fn(x, 0);
    expect(m.requiresGrad).toBe(false);
    expect(m.isLeaf).toBe(true);
    expect(m.op).toBeNull();
    expect(c.fn(x, x).requiresGrad).toBe(false);
    expect(() => m.sum().backward()).toThrow(/backward/);
    // x·[x op 0]: the mask is a constant, so d/dx = mask.
    mul(x, m).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([-1, 0, 2].map((v) => (c.ref(v, 0) ? 1 : 0)));
  });

  it("rejects incompatible shapes and non-tensor operands, naming the op", () => {
    expect(() => c.fn(t64([1, 2, 3]), t64([1, 2]))).toThrow(new RegExp(`^${c.name}:.*\\[3\\].*\\[2\\]`));
    expect(() => (c.fn as (a: unknown, b: unknown) => Tensor)(t64([1]), "1")).toThrow(new RegExp(`^${c.name}:`));
  });
});

describe("elementwise: no NaN where the true value is finite", () => {
  it("maximum/minimum with infinite operands pass gradients 1/0, not NaN", () => {
    const x = t64([Infinity, -Infinity, 1], [3], true), y = t64([1, 1, -Infinity], [3], true);
    const hi = maximum(x, y);
    expect(Array.from(hi.data)).toEqual([Infinity, 1, 1]);
    hi.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 0, 1]);
    expect(Array.from(y.grad!.data)).toEqual([0, 1, 0]);
    x.grad = null;
    y.grad = null;
    minimum(x, y).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 1, 0]);
    expect(Array.from(y.grad!.data)).toEqual([1, 0, 1]);
  });

  it("maximum/minimum propagate a NaN operand (as PyTorch)", () => {
    expect(maximum(t64([Number.NaN, 1]), t64([1, Number.NaN])).data.every(Number.isNaN)).toBe(true);
    expect(minimum(t64([Number.NaN, 1]), t64([1, Number.NaN])).data.every(Number.isNaN)).toBe(true);
  });

  it("adding an infinite constant still passes gradient 1", () => {
    const x = t64([1, 2], [2], true);
    const out = add(x, Infinity);
    expect(Array.from(out.data)).toEqual([Infinity, Infinity]);
    out.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 1]);
  });

  it("pow with a zero base and a tensor exponent: value 0 or 1, d/dp = 0 (not NaN)", () => {
    const p = t64([0.5, 1, 2, 3], [4], true);
    const out = pow(t64([0, 0, 0, 0]), p);
    expect(Array.from(out.data)).toEqual([0, 0, 0, 0]);
    out.sum().backward();
    expect(Array.from(p.grad!.data)).toEqual([0, 0, 0, 0]);
  });

  it("ops under noGrad return plain tensors with the same values", () => {
    const x = t64([1, 2], [2], true);
    const out = noGrad(() => mul(add(x, 1), x));
    expect(out.requiresGrad).toBe(false);
    expect(Array.from(out.data)).toEqual([2, 6]);
  });
});
