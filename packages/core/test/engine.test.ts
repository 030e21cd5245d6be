import { describe, expect, it } from "vitest";
import { micrograd } from "./helpers.js";
import { runBackward } from "../src/autograd/engine.js";
import { isGradEnabled, noGrad, ones, Tensor, tensor, zeros } from "../src/index.js";

const f64 = (v: number | number[] | number[][], requiresGrad = true) => tensor(v, { dtype: "float64", requiresGrad });
const arr = (t: Tensor | null) => {
  if (t === null) throw new Error("expected a tensor, got null");
  return Array.from(t.data);
};

/** micrograd's README example (Karpathy), in float64. */

describe("backward on micrograd's expression", () => {
  it("gives micrograd's value and gradients", () => {
    const { a, b, g } = micrograd();
    expect(g.dtype).toBe("float64");
    expect(g.shape).toEqual([]);
    expect(g.item()).toBeCloseTo(24.7041, 4);
    g.backward();
    expect(a.grad!.item()).toBeCloseTo(138.8338, 4);
    expect(b.grad!.item()).toBeCloseTo(645.5773, 4);
    expect(a.grad!.shape).toEqual([]);
  });

  it("accumulates across calls: a second backward doubles .grad (graph reusable)", () => {
    const { a, b, g } = micrograd();
    g.backward();
    const ga = a.grad!.item(), gb = b.grad!.item();
    g.backward();
    expect(a.grad!.item()).toBeCloseTo(2 * ga, 9);
    expect(b.grad!.item()).toBeCloseTo(2 * gb, 9);
    a.grad = null;
    g.backward();
    expect(a.grad!.item()).toBeCloseTo(ga, 9);
    expect(b.grad!.item()).toBeCloseTo(3 * gb, 9);
  });

  it("leaves the stored gradient outside the graph", () => {
    const { a, g } = micrograd();
    g.backward();
    expect(a.grad!.requiresGrad).toBe(false);
    expect(a.grad!.isLeaf).toBe(true);
  });
});

describe("reused nodes", () => {
  it("a tensor used several times receives the total gradient", () => {
    const x = f64(3);
    const t = x.mul(x); // t = 9, dt/dx = 2x = 6
    t.retainGrad();
    const u = t.add(t).mul(t); // u = 2t², du/dt = 4t = 36
    u.backward();
    expect(u.item()).toBe(162);
    expect(t.grad!.item()).toBe(36);
    expect(x.grad!.item()).toBe(216);
  });

  it("y = x*x + x*x + x gives 4x + 1", () => {
    const x = f64([1, -2, 0.5]);
    const y = x.mul(x).add(x.mul(x)).add(x);
    y.sum().backward();
    expect(arr(x.grad)).toEqual([5, -7, 3]);
  });

  it("broadcast inputs get their gradient summed back to their shape", () => {
    const x = f64([1, 2, 3]);
    const w = f64([[1], [10]]); // [2, 1]
    x.mul(w).sum().backward(); // [2, 3]
    expect(arr(x.grad)).toEqual([11, 11, 11]);
    expect(w.grad!.shape).toEqual([2, 1]);
    expect(arr(w.grad)).toEqual([6, 6]);
  });
});

describe("deep graphs", () => {
  it("backpropagates through a 100,000-op chain without a stack overflow", () => {
    const n = 100_000;
    const c = 1 + 1e-5;
    const x = f64(1);
    let y = x;
    for (let i = 0; i < n; i++) y = y.mul(c);
    y.backward();
    const expected = Math.pow(c, n); // ≈ e^(1 − 5e-6)
    expect(y.item()).toBeCloseTo(expected, 6);
    expect(x.grad!.item()).toBeCloseTo(expected, 6);
    expect(x.grad!.item()).toBeGreaterThan(2.71);
  }, 30_000); // ≈ 2 s alone; generous for a loaded 2-core machine
});

describe("higher order", () => {
  it("createGraph: true gives differentiable gradients (x³ → 3x² → 6x)", () => {
    const x = f64(3);
    const y = x.mul(x).mul(x);
    y.backward(undefined, { createGraph: true });
    const g1 = x.grad!;
    expect(g1.item()).toBe(27);
    expect(g1.requiresGrad).toBe(true);
    x.grad = null;
    g1.backward();
    expect(x.grad!.item()).toBe(18);
  });

  it("createGraph: each leaf gets its own .grad tensor (no aliasing between leaves, as PyTorch clones)", () => {
    const x = f64(1), y = f64(2);
    x.add(y).backward(undefined, { createGraph: true }); // add passes the same g to both inputs
    expect(x.grad).not.toBe(y.grad);
    noGrad(() => x.grad!.fill_(0)); // e.g. zeroing one gradient in place
    expect(x.grad!.item()).toBe(0);
    expect(y.grad!.item()).toBe(1);
  });

  it("without createGraph the gradient carries no graph", () => {
    const x = f64(3);
    x.pow(3).backward();
    expect(x.grad!.item()).toBeCloseTo(27, 10);
    expect(x.grad!.requiresGrad).toBe(false);
    expect(() => x.grad!.backward()).toThrow(/backward/);
  });

  it("createGraph with pow: third derivative of x⁴ is 24x", () => {
    const x = f64(2);
    x.pow(4).backward(undefined, { createGraph: true });
    const g1 = x.grad!; // 4x³ = 32
    x.grad = null;
    g1.backward(undefined, { createGraph: true });
    const g2 = x.grad!; // 12x² = 48
    x.grad = null;
    g2.backward();
    expect(g1.item()).toBeCloseTo(32, 10);
    expect(g2.item()).toBeCloseTo(48, 10);
    expect(x.grad!.item()).toBeCloseTo(48, 10); // 24x = 48 at x = 2
  });

  it("rejects unknown backward options", () => {
    const x = f64(1);
    expect(() => x.mul(2).backward(undefined, { creatGraph: true } as never)).toThrow(/creatGraph/);
  });
});

describe("retainGrad", () => {
  it("keeps .grad of a non-leaf; other non-leaves get none", () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    const z = y.add(1);
    y.retainGrad();
    z.mul(z).sum().backward(); // dL/dz = 2z = [6, 10], dL/dy = same, dL/dx = 2·that
    expect(arr(y.grad)).toEqual([6, 10]);
    expect(z.grad).toBeNull();
    expect(arr(x.grad)).toEqual([12, 20]);
  });

  it("throws on a tensor that does not require grad", () => {
    expect(() => tensor([1, 2]).retainGrad()).toThrow(/retainGrad/);
  });
});

describe("registerHook", () => {
  it("observes the gradient of a non-leaf", () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    const seen: number[][] = [];
    y.registerHook((g) => { seen.push(Array.from(g.data)); });
    y.mul(tensor([3, 4], { dtype: "float64" })).sum().backward();
    expect(seen).toEqual([[3, 4]]);
    expect(arr(x.grad)).toEqual([6, 8]);
  });

  it("a returned tensor replaces the gradient for the rest of backward", () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    y.retainGrad();
    y.registerHook((g) => g.mul(10));
    y.sum().backward();
    expect(arr(y.grad)).toEqual([10, 10]);
    expect(arr(x.grad)).toEqual([20, 20]);
  });

  it("the remover function removes the hook", () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    let calls = 0;
    const remove = y.registerHook((g) => { calls++; return g.mul(10); });
    y.sum().backward();
    expect(calls).toBe(1);
    expect(arr(x.grad)).toEqual([20, 20]);
    remove();
    x.grad = null;
    y.sum().backward();
    expect(calls).toBe(1);
    expect(arr(x.grad)).toEqual([2, 2]);
    remove(); // removing twice is harmless
  });

  it("hooks run in registration order, each seeing the previous result", () => {
    const x = f64(1);
    const y = x.mul(1);
    const seen: number[] = [];
    y.registerHook((g) => { seen.push(g.item()); return g.mul(2); });
    y.registerHook((g) => { seen.push(g.item()); return g.add(1); });
    y.backward();
    expect(seen).toEqual([1, 2]);
    expect(x.grad!.item()).toBe(3);
  });

  it("a hook on a leaf changes what accumulates into its .grad", () => {
    const x = f64([1, 2]);
    x.registerHook((g) => g.mul(3));
    x.mul(2).sum().backward();
    expect(arr(x.grad)).toEqual([6, 6]);
  });

  it("a hook returning a tensor of the wrong shape throws", () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    y.registerHook(() => zeros([3], { dtype: "float64" }));
    expect(() => y.sum().backward()).toThrow(/registerHook.*\[2\]/);
  });

  it("cannot register a hook on a tensor that does not require grad", () => {
    expect(() => tensor([1]).registerHook(() => {})).toThrow(/registerHook/);
  });
});

describe("version counters and in-place writes", () => {
  it("backward throws when a saved tensor was changed in place (fill_) after the forward", () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const y = a.mul(b).sum(); // mul saves a and b
    noGrad(() => a.fill_(0));
    expect(() => y.backward()).toThrow(/modified in place/);
    expect(b.grad).toBeNull();
  });

  it("backward throws when a saved tensor was changed in place (copy_) after the forward", () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const y = a.mul(b).sum();
    noGrad(() => b.copy_(tensor([5, 6], { dtype: "float64" })));
    let message = "";
    try {
      y.backward();
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      message = (e as Error).message;
    }
    expect(message).toMatch(/in place/);
    expect(message).toMatch(/mul/);
  });

  it("a write through a detached alias is caught too (shared version counter, as PyTorch)", () => {
    const a = f64([1, 2]);
    const y = a.exp().sum(); // exp saves its output
    const out = a.exp();
    const z = out.mul(out).sum();
    out.detach().fill_(7);
    expect(() => z.backward()).toThrow(/in place/);
    y.backward(); // unaffected graph still works
    expect(arr(a.grad)).toEqual([Math.exp(1), Math.exp(2)]);
  });

  it("writing to a tensor that no node saved does not break backward", () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const y = a.add(b).sum(); // add saves nothing
    noGrad(() => a.fill_(0));
    y.backward();
    expect(arr(a.grad)).toEqual([1, 1]);
    expect(arr(b.grad)).toEqual([1, 1]);
  });

  it("fill_/copy_ on a tensor that requires grad throw outside noGrad", () => {
    const a = f64([1, 2]);
    expect(() => a.fill_(0)).toThrow(/fill_/);
    expect(() => a.copy_(f64([0, 0], false))).toThrow(/copy_/);
    expect(arr(a)).toEqual([1, 2]);
    const y = a.mul(2);
    expect(() => y.fill_(0)).toThrow(/fill_/);
    // allowed under noGrad and on tensors that need no grad
    noGrad(() => a.fill_(5));
    expect(arr(a)).toEqual([5, 5]);
    const c = tensor([1, 2]);
    c.fill_(3);
    expect(arr(c)).toEqual([3, 3]);
    c.copy_(tensor([8, 9]));
    expect(arr(c)).toEqual([8, 9]);
    expect(() => c.copy_(tensor([1, 2, 3]))).toThrow(/copy_.*\[3\]/);
  });
});

describe("noGrad", () => {
  it("returns fn's result and records nothing", () => {
    const x = f64([1, 2]);
    let inside: boolean | undefined;
    const r = noGrad(() => {
      inside = isGradEnabled();
      return x.mul(2).add(1);
    });
    expect(inside).toBe(false);
    expect(isGradEnabled()).toBe(true);
    expect(r).toBeInstanceOf(Tensor);
    expect(arr(r)).toEqual([3, 5]);
    expect(r.requiresGrad).toBe(false);
    expect(r.isLeaf).toBe(true);
    expect(r.op).toBeNull();
    expect(noGrad(() => 42)).toBe(42);
  });

  it("restores grad mode after an exception, and nests", () => {
    expect(() => noGrad(() => { throw new Error("boom"); })).toThrow("boom");
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      noGrad(() => expect(isGradEnabled()).toBe(false));
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
    const x = f64(2);
    expect(x.mul(3).requiresGrad).toBe(true);
  });
});

describe("detach and clone", () => {
  it("detach shares data but is outside the graph", () => {
    const x = f64([1, 2]);
    const d = x.detach();
    expect(d.data).toBe(x.data);
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    expect(d.grad).toBeNull();
    noGrad(() => x.fill_(4));
    expect(arr(d)).toEqual([4, 4]);
    const y = d.mul(x).sum();
    y.backward();
    expect(arr(x.grad)).toEqual([4, 4]);
    expect(d.grad).toBeNull();
  });

  it("clone copies the data and is differentiable", () => {
    const x = f64([1, 2]);
    const c = x.clone();
    expect(c.data).not.toBe(x.data);
    expect(arr(c)).toEqual([1, 2]);
    expect(c.op).toBe("clone");
    expect(c.requiresGrad).toBe(true);
    c.mul(tensor([3, 5], { dtype: "float64" })).sum().backward();
    expect(arr(x.grad)).toEqual([3, 5]);
    c.detach().fill_(9);
    expect(arr(x)).toEqual([1, 2]);
  });
});

describe("backward errors", () => {
  it("a non-scalar output needs a seed: the error names backward and the shape", () => {
    const x = f64([1, 2, 3]);
    const y = x.mul(2);
    let err: unknown;
    try {
      y.backward();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/backward/);
    expect((err as Error).message).toContain("[3]");
    expect(x.grad).toBeNull();
  });

  it("a one-element non-0-d output needs no seed", () => {
    const x = f64([[2]]);
    x.mul(x).backward();
    expect(x.grad!.shape).toEqual([1, 1]);
    expect(arr(x.grad)).toEqual([4]);
  });

  it("an explicit seed is used as the upstream gradient; a seed of the wrong shape throws", () => {
    const x = f64([1, 2, 3]);
    const y = x.mul(2);
    expect(() => y.backward(ones([2], { dtype: "float64" }))).toThrow(/seed.*\[2\].*\[3\]/);
    expect(() => y.backward(ones([3, 1], { dtype: "float64" }))).toThrow(/backward/);
    y.backward(tensor([1, 10, 100])); // float32 seed is cast
    expect(arr(x.grad)).toEqual([2, 20, 200]);
    expect(x.grad!.dtype).toBe("float64");
  });

  it("backward on a tensor that does not require grad throws", () => {
    expect(() => tensor(1).backward()).toThrow(/backward.*require/);
    expect(() => tensor([1, 2]).mul(2).sum().backward()).toThrow(/backward/);
  });

  it("the .grad setter rejects wrong shapes and accepts null", () => {
    const x = f64([1, 2, 3]);
    expect(() => { x.grad = zeros([2], { dtype: "float64" }); }).toThrow(/grad.*\[2\].*\[3\]/);
    expect(() => { x.grad = [1, 2, 3] as never; }).toThrow(/grad/);
    x.grad = ones([3], { dtype: "float64" });
    x.mul(2).sum().backward();
    expect(arr(x.grad)).toEqual([3, 3, 3]);
    x.grad = null;
    expect(x.grad).toBeNull();
  });

  it("requiresGrad = false is allowed on leaves only", () => {
    const x = f64([1]);
    const y = x.mul(2);
    expect(() => { y.requiresGrad = false; }).toThrow(/requiresGrad/);
    expect(y.requiresGrad).toBe(true);
    x.requiresGrad = false;
    expect(x.requiresGrad).toBe(false);
    expect(x.mul(2).requiresGrad).toBe(false);
    const z = tensor([1]);
    z.requiresGrad = true;
    expect(z.mul(2).requiresGrad).toBe(true);
  });
});

describe("a leaf's gradient: its own storage, copied only when shared", () => {
  const leaf = (v: number[]) => tensor(v, { requiresGrad: true });

  it("two leaves handed the same gradient (add passes g to both) get separate storage", () => {
    const a = leaf([1, 2, 3]), b = leaf([4, 5, 6]);
    a.add(b).sum().backward();
    expect([...a.grad!.data]).toEqual([1, 1, 1]);
    expect(a.grad!.data).not.toBe(b.grad!.data);
  });

  it("a view of another tensor's gradient (reshape's backward) is copied, not shared", () => {
    const a = leaf([1, 2, 3, 4]), b = leaf([1, 1, 1, 1]);
    const y = a.reshape([2, 2]).add(b.reshape([2, 2]));
    y.retainGrad();
    y.mul(y).sum().backward();
    expect([...a.grad!.data]).toEqual([4, 6, 8, 10]);
    expect(a.grad!.data).not.toBe(b.grad!.data);
    expect(a.grad!.data).not.toBe(y.grad!.data);
  });

  it("never the caller's seed, nor a gradient a traced or hooked backward hands out", () => {
    const a = leaf([1, 2]);
    const seed = tensor([3, 4]);
    a.mul(1).backward(seed);
    expect([...a.grad!.data]).toEqual([3, 4]);
    const b = leaf([1, 2]);
    b.clone().backward(seed); // clone's backward passes the seed through unchanged
    expect(b.grad!.data).not.toBe(seed.data);
  });

  it("a gradient made by the pass and handed to no one else is stored without a copy", () => {
    const run = (traced: boolean) => {
      const a = leaf([1, 2, 3]), b = leaf([4, 5, 6]);
      const loss = a.mul(b).sum();
      const before = Tensor._made;
      runBackward(loss, undefined, traced ? { onStep: () => {} } : {}); // onStep (tracing) keeps the copies
      return { made: Tensor._made - before, a, b };
    };
    const own = run(false), copied = run(true);
    expect(copied.made - own.made).toBe(2); // one copy per leaf saved
    expect([...own.a.grad!.data]).toEqual([4, 5, 6]);
    expect([...own.b.grad!.data]).toEqual([1, 2, 3]);
    expect([...copied.a.grad!.data]).toEqual([4, 5, 6]);
  });
});
