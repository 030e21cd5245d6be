/**
 * to(dtype), float(), double(): the values (float32 rounds, float64 widens exactly), the tensor
 * itself when the dtype is already right (as PyTorch), the gradient cast back to the input's dtype
 * (first and second order), and a named error for an unknown dtype. The generic checks (method ≡
 * function, js ≡ wasm, gradcheck where float64 precision allows, in-place safety) come from the op
 * table (test/ops/).
 */
import { describe, expect, it } from "vitest";
import { double, float, grad, tensor, to, traceBackward, type DType, type Tensor } from "../src/index.js";

describe("to, float, double", () => {
  it("float64 widens exactly; float32 rounds each value once", () => {
    const x = tensor([0.1, -2.5, 1e-30]);
    const d = to(x, "float64");
    expect(d.dtype).toBe("float64");
    expect(Array.from(d.data)).toEqual([Math.fround(0.1), -2.5, Math.fround(1e-30)]);
    const y = tensor([0.1, 1 / 3, 1e300], { dtype: "float64" });
    expect(Array.from(y.float().data)).toEqual([Math.fround(0.1), Math.fround(1 / 3), Infinity]);
    expect(Array.from(x.double().data)).toEqual(Array.from(d.data));
    expect(double(x).shape).toEqual(x.shape);
  });

  it("return the tensor itself when it already has the dtype, as PyTorch", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.to("float32")).toBe(x);
    expect(float(x)).toBe(x);
    const y = tensor([1, 2], { dtype: "float64" });
    expect(y.double()).toBe(y);
    expect(to(y, "float64")).toBe(y);
  });

  it("are recorded under their own names, and the gradient comes back in the input's dtype", () => {
    const x = tensor([0.5, -1.25], { requiresGrad: true });
    const y = x.double();
    expect(y.op).toBe("double");
    expect(x.to("float64").op).toBe("to");
    const w = tensor([0.1, 3], { dtype: "float64" });
    y.mul(w).sum().backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(Array.from(x.grad!.data)).toEqual([Math.fround(0.1), 3]);
    const z = tensor([0.1], { dtype: "float64", requiresGrad: true });
    const steps = traceBackward(z.float().sum());
    expect(steps.map((s) => [s.op, s.rule])).toEqual([["sum", expect.any(String)], ["float", "dx = g as float64"]]);
    expect(z.grad!.dtype).toBe("float64");
    expect(Array.from(z.grad!.data)).toEqual([1]);
  });

  it("second order: d²/dx² of Σ to(x, float64)³ is 6x, in float32", () => {
    const f = (x: Tensor) => x.to("float64").pow(3).sum();
    const x = tensor([0.5, -2, 3]);
    const g = grad(f)(x);
    expect(g.dtype).toBe("float32");
    expect(Array.from(g.data)).toEqual([0.75, 12, 27]);
    const h = grad((t: Tensor) => grad(f)(t).sum())(x);
    expect(h.dtype).toBe("float32");
    expect(Array.from(h.data)).toEqual([3, -12, 18]);
    // and back from float64 through float():
    const k = grad((t: Tensor) => grad((u: Tensor) => u.float().pow(3).sum())(t).sum())(tensor([0.5, -2], { dtype: "float64" }));
    expect(k.dtype).toBe("float64");
    expect(Array.from(k.data)).toEqual([3, -12]);
  });

  it("an unknown dtype is an error naming to", () => {
    const x = tensor([1]);
    expect(() => x.to("float16" as DType)).toThrow('to: unknown dtype "float16"; expected "float32" or "float64"');
    expect(() => to(x, undefined as unknown as DType)).toThrow("to: unknown dtype undefined");
    expect(() => to([1] as unknown as Tensor, "float64")).toThrow("to: input must be a Tensor, got an array (wrap it with tensor())");
    expect(() => double(3 as unknown as Tensor)).toThrow("double: input must be a Tensor, got number");
  });
});
