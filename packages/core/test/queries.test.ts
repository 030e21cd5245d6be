/**
 * The queries: numel, allclose and equal answer with plain values, record nothing, and are both
 * functions and methods. allclose and equal against PyTorch 2.13's answers
 * (test/reference/ops-values.ts, made by test/reference/ops_values.py), including cases near the
 * boundary |a − b| = atol + rtol·|b| where float32 arithmetic gives another answer than float64.
 */
import { describe, expect, it } from "vitest";
import { allclose, equal, numel, tensor, Tensor, zeros, type DType } from "../src/index.js";
import { ALLCLOSE, ALLCLOSE_BROADCAST, ALLCLOSE_ERRORS, EQUAL } from "./reference/ops-values.js";

describe("allclose against PyTorch", () => {
  for (const c of ALLCLOSE) {
    it(`${c.name}: float32 ${c.f32}, float64 ${c.f64}`, () => {
      for (const [dtype, want] of [["float32", c.f32], ["float64", c.f64]] as const) {
        const a = tensor(c.a, { dtype }), b = tensor(c.b, { dtype });
        expect(allclose(a, b, c.opts), dtype).toBe(want);
        expect(a.allclose(b, c.opts), `${dtype}, method`).toBe(want);
      }
    });
  }

  it("the cases are not all alike: both answers occur, and float32 decides some boundary cases", () => {
    expect(ALLCLOSE.filter((c) => c.f64).length).toBeGreaterThan(10);
    expect(ALLCLOSE.filter((c) => !c.f64).length).toBeGreaterThan(10);
    expect(ALLCLOSE.filter((c) => c.f32 !== c.f64).map((c) => c.name)).toEqual(["asymmetric: b scales (false)", "boundary 3.7 x 1.0", "boundary 0.001 x 1.0"]);
  });

  it("broadcasts as PyTorch, and refuses shapes that do not broadcast", () => {
    expect(allclose(tensor([[1], [2]]), tensor([1, 1, 1]))).toBe(ALLCLOSE_BROADCAST);
    expect(allclose(tensor([[1], [1]]), tensor([1, 1, 1]))).toBe(true);
    expect(allclose(zeros([0, 3]), zeros([3]))).toBe(true);
    expect(ALLCLOSE_ERRORS.shapes).toMatch(/must match the size/);
    expect(() => allclose(tensor([1, 2, 3]), tensor([1, 2]))).toThrow("allclose: shapes [3] and [2] cannot be broadcast together");
  });

  it("takes numbers as weak scalars, and compares float32 with float64 in float64 (where PyTorch refuses)", () => {
    expect(allclose(tensor([2, 2]), 2)).toBe(true);
    expect(allclose(tensor([2, 2.1]), 2)).toBe(false);
    expect(allclose(1, tensor([1.000001]))).toBe(true);
    expect(ALLCLOSE_ERRORS.dtypes).toMatch(/Float did not match Double/);
    expect(allclose(tensor([0.1]), tensor([0.1], { dtype: "float64" }))).toBe(true); // 1.5e-9 apart
    expect(allclose(tensor([0.1]), tensor([0.1], { dtype: "float64" }), { rtol: 0, atol: 0 })).toBe(false);
  });

  it("refuses bad options, naming them, as PyTorch refuses negative tolerances", () => {
    const x = tensor([1]);
    expect(ALLCLOSE_ERRORS.rtol).toMatch(/rtol must be greater than or equal to zero/);
    expect(() => allclose(x, x, { rtol: -1 })).toThrow("allclose: rtol must be ≥ 0, got -1");
    expect(() => allclose(x, x, { atol: -1e-9 })).toThrow("allclose: atol must be ≥ 0, got -1e-9");
    expect(() => allclose(x, x, { atol: NaN })).toThrow("allclose: atol must be a number, got NaN");
    expect(() => allclose(x, x, { equal_nan: true } as never)).toThrow('allclose: unknown option "equal_nan"; expected one of: rtol, atol, equalNan');
    expect(() => allclose(x, x, { equalNan: 1 } as never)).toThrow("allclose: equalNan must be a boolean, got 1");
    expect(() => allclose(x, [1] as never)).toThrow("allclose: second operand must be a Tensor or a number, got an array (wrap it with tensor())");
  });
});

describe("equal against PyTorch", () => {
  for (const c of EQUAL) {
    it(`${c.name}: ${c.result}`, () => {
      const a = tensor(c.a, { shape: c.aShape, dtype: c.aDtype as DType }), b = tensor(c.b, { shape: c.bShape, dtype: c.bDtype as DType });
      expect(equal(a, b)).toBe(c.result);
      expect(a.equal(b)).toBe(c.result);
      expect(equal(b, a)).toBe(c.result); // symmetric
    });
  }

  it("the cases give both answers", () => {
    expect(new Set(EQUAL.map((c) => c.result))).toEqual(new Set([true, false]));
  });

  it("wants tensors", () => {
    expect(() => equal(tensor([1]), 1 as unknown as Tensor)).toThrow("equal: second argument must be a Tensor, got number");
    expect(() => equal(null as unknown as Tensor, tensor([1]))).toThrow("equal: first argument must be a Tensor, got null");
  });
});

describe("numel", () => {
  it("is the number of elements", () => {
    expect(numel(zeros([2, 3, 4]))).toBe(24);
    expect(tensor(5).numel()).toBe(1);
    expect(zeros([3, 0]).numel()).toBe(0);
    expect(() => numel([1, 2] as unknown as Tensor)).toThrow("numel: input must be a Tensor, got an array (wrap it with tensor())");
  });
});

describe("queries record nothing", () => {
  it("leave no node, no gradient and no tensor behind", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true }), b = a.mul(1.000001);
    const made = Tensor._made;
    expect(allclose(a, b, { equalNan: true })).toBe(true);
    expect(equal(a, b)).toBe(false);
    expect(a.numel()).toBe(3);
    const after = Tensor._made;
    expect(after - made).toBeGreaterThan(0); // they compute with tensors …
    b.sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([1.000001, 1.000001, 1.000001].map(Math.fround)); // … that are in no graph
    expect(typeof allclose(a, b)).toBe("boolean");
  });
});
