import { describe, expect, it } from "vitest";
import { grad, gradcheck, isGradEnabled, noGrad, Tensor, tensor, valueAndGrad } from "../src/index.js";

const f64 = (v: number | number[] | number[][], requiresGrad = false) => tensor(v, { dtype: "float64", requiresGrad });
const arr = (t: Tensor | Tensor[] | null) => {
  if (!(t instanceof Tensor)) throw new Error("expected a single tensor");
  return Array.from(t.data);
};
const one = (t: Tensor | Tensor[]) => {
  if (!(t instanceof Tensor)) throw new Error("expected a single tensor");
  return t;
};

describe("grad", () => {
  it("returns the gradient as a Tensor of the argument's shape", () => {
    const f = (x: Tensor) => x.mul(x).mul(x).sum();
    const g = grad(f)(f64([1, -2, 3]));
    expect(g).toBeInstanceOf(Tensor);
    expect((g as Tensor).shape).toEqual([3]);
    expect(arr(g)).toEqual([3, 12, 27]);
  });

  it("argnums: a number gives one Tensor, an array gives Tensor[] in that order", () => {
    const f = (x: Tensor, y: Tensor) => x.mul(y).sum().add(y.sum());
    const x = f64([1, 2]), y = f64([3, 4]);
    expect(arr(grad(f, 1)(x, y))).toEqual([2, 3]);
    const gs = grad(f, [1, 0])(x, y);
    expect(Array.isArray(gs)).toBe(true);
    expect((gs as Tensor[]).map((t) => Array.from(t.data))).toEqual([[2, 3], [3, 4]]);
    const single = grad(f, [0])(x, y);
    expect(Array.isArray(single)).toBe(true);
    expect((single as Tensor[]).length).toBe(1);
  });

  it("rejects bad argnums and non-scalar outputs", () => {
    const x = f64([1, 2]);
    expect(() => grad((a: Tensor) => a.sum(), 1)(x)).toThrow(/argnums/);
    expect(() => grad((a: Tensor) => a.mul(2))(x)).toThrow(/one-element/);
  });

  it("leaves every .grad untouched, including leaves captured by f", () => {
    const w = f64([2, 5], true);
    const x = f64([1, 3], true);
    const f = (a: Tensor) => a.mul(w).sum();
    const g = grad(f)(x);
    expect(arr(g)).toEqual([2, 5]);
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
    // and an existing .grad is not changed either
    const before = f64([7, 7]);
    x.grad = before;
    grad(f)(x);
    expect(x.grad).toBe(before);
    expect(arr(x.grad)).toEqual([7, 7]);
    expect(w.grad).toBeNull();
  });

  it("gives zeros when f does not depend on the argument", () => {
    const g = grad((_x: Tensor, y: Tensor) => y.sum())(f64([1, 2]), f64([3]));
    expect(arr(g)).toEqual([0, 0]);
  });

  it("works inside noGrad (a function transform ignores the outer grad mode, as torch.func.grad)", () => {
    const g = noGrad(() => {
      const r = grad((x: Tensor) => x.mul(x).sum())(f64([1, 2]));
      expect(isGradEnabled()).toBe(false);
      return r;
    });
    expect(arr(g)).toEqual([2, 4]);
    expect((g as Tensor).requiresGrad).toBe(false);
  });
});

describe("valueAndGrad", () => {
  it("returns [value, gradient]", () => {
    const f = (x: Tensor, y: Tensor) => x.mul(y).sum();
    const x = f64([1, 2]), y = f64([3, 4]);
    const [v, g] = valueAndGrad(f)(x, y);
    expect(v.item()).toBe(11);
    expect(arr(g)).toEqual([3, 4]);
    const [v2, gs] = valueAndGrad(f, [0, 1])(x, y);
    expect(v2.item()).toBe(11);
    expect((gs as Tensor[]).map((t) => Array.from(t.data))).toEqual([[3, 4], [1, 2]]);
  });
});

describe("higher-order derivatives", () => {
  it("grad(grad(f)) of x³ is 6x", () => {
    const f = (x: Tensor) => x.mul(x).mul(x);
    const df = (x: Tensor) => one(grad(f)(x));
    const d2f = grad(df);
    expect(df(f64(2)).item()).toBe(12);
    expect(one(d2f(f64(2))).item()).toBe(12);
    expect(one(d2f(f64(-1.5))).item()).toBe(-9);
    const d3f = grad((x: Tensor) => one(d2f(x)));
    expect(one(d3f(f64(5))).item()).toBe(6);
  });

  it("second derivative of exp(2x) is 4·exp(2x)", () => {
    const f = (x: Tensor) => x.mul(2).exp().sum();
    const d2f = grad((x: Tensor) => one(grad(f)(x)).sum());
    const x = f64([0, 0.5, -1]);
    const got = arr(d2f(x));
    [0, 0.5, -1].forEach((v, i) => expect(got[i]).toBeCloseTo(4 * Math.exp(2 * v), 12));
  });

  it("mixed partials of x²·y³ agree in either order (6·x·y²)", () => {
    const f = (x: Tensor, y: Tensor) => x.pow(2).mul(y.pow(3));
    const x = f64(2), y = f64(3);
    const dxdy = grad((a: Tensor, b: Tensor) => one(grad(f, 0)(a, b)), 1)(x, y); // ∂/∂y (∂f/∂x)
    const dydx = grad((a: Tensor, b: Tensor) => one(grad(f, 1)(a, b)), 0)(x, y); // ∂/∂x (∂f/∂y)
    expect(one(dxdy).item()).toBeCloseTo(6 * 2 * 9, 10);
    expect(one(dydx).item()).toBeCloseTo(6 * 2 * 9, 10);
    // the Hessian diagonal: ∂²f/∂x² = 2y³ = 54, ∂²f/∂y² = 6x²y = 72
    const [hxx] = grad((a: Tensor, b: Tensor) => one(grad(f, 0)(a, b)), [0])(x, y) as Tensor[];
    const hyy = grad((a: Tensor, b: Tensor) => one(grad(f, 1)(a, b)), 1)(x, y);
    expect(hxx.item()).toBeCloseTo(54, 10);
    expect(one(hyy).item()).toBeCloseTo(72, 10);
  });

  it("differentiates through an inner grad whose f captures the outer variable in a closure", () => {
    const x0 = f64([1, 2, 3]);
    // h(w) = Σᵢ ∂/∂xᵢ Σ w·x² = 2w·Σx, so dh/dw = 2·Σx = 12
    const h = (w: Tensor) => one(grad((x: Tensor) => x.mul(x).mul(w).sum())(x0)).sum();
    expect(h(f64(0.5)).item()).toBeCloseTo(6, 12);
    expect(one(grad(h)(f64(0.5))).item()).toBeCloseTo(12, 12);
  });

  it("the gradient of an input that requires grad is itself differentiable (composes with backward)", () => {
    const x = f64(3, true);
    const g = one(grad((a: Tensor) => a.pow(3))(x));
    expect(g.item()).toBeCloseTo(27, 12);
    expect(g.requiresGrad).toBe(true);
    expect(x.grad).toBeNull();
    g.backward();
    expect(x.grad!.item()).toBeCloseTo(18, 12);
  });

  it("a plain grad of a non-nested call is not differentiable when the input needs no grad", () => {
    const g = grad((x: Tensor) => x.mul(x).sum())(f64([3]));
    expect((g as Tensor).requiresGrad).toBe(false);
  });
});

/** f(x) = Σx² whose backward is deliberately wrong: a hook scales the gradient of x² by 1.5. */
const wrongSquare = (x: Tensor) => {
  const y = x.mul(x);
  if (y.requiresGrad) y.registerHook((g) => g.mul(1.5));
  return y;
};

describe("gradcheck", () => {
  it("passes on correct ops (several inputs, float32 inputs checked in float64)", () => {
    const x = tensor([0.3, -0.7, 1.2]);
    const y = tensor([[0.5, -1.1, 0.9], [2.0, 0.1, -0.4]]);
    const r = gradcheck((a: Tensor, b: Tensor) => a.mul(b).exp().add(b.div(a.mul(a).add(1))).sum(), [x, y]);
    expect(r.ok).toBe(true);
    expect(r.failures).toEqual([]);
    expect(r.kinks).toEqual([]);
    expect(r.maxAbsError).toBeGreaterThanOrEqual(0);
    expect(r.maxAbsError).toBeLessThan(1e-6);
    expect(r.maxRelError).toBeLessThan(1e-6);
    // the inputs themselves are untouched
    expect(x.dtype).toBe("float32");
    expect(Array.from(x.data)).toEqual(Array.from(new Float32Array([0.3, -0.7, 1.2])));
    expect(x.grad).toBeNull();
  });

  it("accepts one Tensor instead of an array", () => {
    expect(gradcheck((a: Tensor) => a.sqrt().sum(), f64([0.5, 2])).ok).toBe(true);
  });

  it("catches a wrong gradient and lists input, index, analytic and numeric", () => {
    const xs = [0.5, -1, 2];
    const r = gradcheck((x: Tensor) => wrongSquare(x).sum(), [f64(xs)]);
    expect(r.ok).toBe(false);
    expect(r.failures).toHaveLength(3);
    r.failures.forEach((e, i) => {
      expect(e.input).toBe(0);
      expect(e.index).toBe(i);
      expect(e.analytic).toBeCloseTo(3 * xs[i], 8); // 1.5 · 2x
      expect(e.numeric).toBeCloseTo(2 * xs[i], 5);
    });
    expect(r.maxAbsError).toBeCloseTo(2, 4); // |3x − 2x| at x = 2
  });

  it("names the right input when only the second one has a wrong gradient", () => {
    const r = gradcheck((a: Tensor, b: Tensor) => a.mul(wrongSquare(b)).sum(), [f64([1, 2]), f64([3])]);
    expect(r.ok).toBe(false);
    expect(r.failures.map((e) => [e.input, e.index])).toEqual([[1, 0]]);
    expect(r.failures[0].analytic).toBeCloseTo(1.5 * 2 * 3 * 3, 8); // 1.5 · Σa · 2b
    expect(r.failures[0].numeric).toBeCloseTo(3 * 2 * 3, 5);
  });

  it("compares the full Jacobian for non-scalar outputs", () => {
    const good = gradcheck((a: Tensor, m: Tensor) => m.mul(a.exp()).sum(1), [f64([0.1, 0.2, 0.3]), f64([[1, 2, 3], [4, 5, 6]])]);
    expect(good.ok).toBe(true);
    const bad = gradcheck((x: Tensor) => wrongSquare(x), [f64([1, 2, 3])]);
    expect(bad.ok).toBe(false);
    // only the diagonal of the 3×3 Jacobian is wrong
    expect(bad.failures.map((e) => [e.output, e.index])).toEqual([[0, 0], [1, 1], [2, 2]]);
    bad.failures.forEach((e) => expect(e.analytic / e.numeric).toBeCloseTo(1.5, 5));
  });

  it("reports inputs on a kink without failing when the analytic value is a one-sided slope", () => {
    const r = gradcheck((x: Tensor) => x.relu().sum(), [f64([0, 1, -1])]);
    expect(r.ok).toBe(true);
    expect(r.kinks).toHaveLength(1);
    const k = r.kinks[0];
    expect(k).toMatchObject({ input: 0, index: 0, matches: "left" });
    expect(k.analytic).toBe(0);
    expect(k.left).toBeCloseTo(0, 8);
    expect(k.right).toBeCloseTo(1, 8);
    expect(k.numeric).toBeCloseTo(0.5, 8);

    const a = gradcheck((x: Tensor) => x.abs().sum(), [f64([0, 2])]);
    expect(a.ok).toBe(true);
    expect(a.kinks.map((e) => [e.index, e.matches])).toEqual([[0, "mid"]]);
  });

  it("a wrong value at a kink is still a failure", () => {
    // relu'(0) taken as 2 by a hook: neither side nor their average
    const r = gradcheck((x: Tensor) => {
      const y = x.mul(1);
      if (y.requiresGrad) y.registerHook((g) => g.mul(2));
      return y.relu({ atZero: "right" }).sum();
    }, [f64([0])]);
    expect(r.ok).toBe(false);
    expect(r.kinks).toHaveLength(1);
    expect(r.kinks[0].matches).toBe("none");
    expect(r.failures).toHaveLength(1);
  });

  it("still computes analytic gradients when called inside noGrad", () => {
    const r = noGrad(() => gradcheck((x: Tensor) => x.mul(x).sum(), [f64([1, -2])]));
    expect(r.ok).toBe(true);
    expect(r.failures).toEqual([]);
    expect(isGradEnabled()).toBe(true);
  });

  it("validates its options", () => {
    const f = (x: Tensor) => x.sum();
    expect(() => gradcheck(f, [f64([1])], { epsilon: 1e-3 } as never)).toThrow(/gradcheck.*epsilon/);
    expect(() => gradcheck(f, [f64([1])], { eps: "big" } as never)).toThrow(/eps/);
    // looser tolerances let a small error through, tighter ones catch it
    const slightlyWrong = (x: Tensor) => {
      const y = x.mul(1);
      if (y.requiresGrad) y.registerHook((g) => g.mul(1.0001));
      return y.sum();
    };
    expect(gradcheck(slightlyWrong, [f64([1])]).ok).toBe(true); // within rtol 1e-3
    expect(gradcheck(slightlyWrong, [f64([1])], { rtol: 1e-6, atol: 1e-8 }).ok).toBe(false);
  });
});
