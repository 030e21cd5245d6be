/**
 * Tests generated from the op table (src/registry.ts) and its samples (opinfo.ts), for every op
 * and every sample: forward against the reference formula (both dtypes); method ≡ function;
 * first- and second-order gradcheck in float64; js ≡ wasm; and the in-place property — a tensor
 * the backward reads, changed in place after the forward pass, makes backward throw the version
 * error, and changing any other tensor argument leaves the gradient exactly as it was (also for
 * the second-order pass over the gradient's own graph).
 */
import { describe, expect, it } from "vitest";
import * as core from "../../src/index.js";
import {
  getBackend, grad, gradcheck, incrementVersion, noGrad, setBackend, tensor, Tensor, type DType,
} from "../../src/index.js";
import { ops, queries, type OpName } from "../../src/registry.js";
import { values } from "../helpers.js";
import { OPS, type OpInfo, type Sample } from "./opinfo.js";

const DTYPES: DType[] = ["float32", "float64"];
type Fn = (...args: unknown[]) => Tensor;

/** The tensors among the arguments, in order (a list argument, as concat's, counts its elements). */
function tensorsIn(args: unknown[]): Tensor[] {
  return args.flatMap((a) => (a instanceof Tensor ? [a] : Array.isArray(a) && a[0] instanceof Tensor ? (a as Tensor[]) : []));
}

/** The arguments with their tensors replaced, in order, by `ts`. */
function withTensors(args: unknown[], ts: Tensor[]): unknown[] {
  let k = 0;
  return args.map((a) => (a instanceof Tensor ? ts[k++] : Array.isArray(a) && a[0] instanceof Tensor ? a.map(() => ts[k++]) : a));
}

/** Fixed float64 weights of a shape: a projection that makes every output element count differently. */
const weights = (shape: readonly number[], seed: number, dtype: DType = "float64") =>
  new Tensor(dtype === "float64" ? Float64Array.from(values(shape.reduce((p, d) => p * d, 1), seed)) : Float32Array.from(values(shape.reduce((p, d) => p * d, 1), seed)), shape);

/** Elementwise equality with NaN equal to NaN (and −0 equal to 0). */
function expectSame(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(a.length, `${what}: length`).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) expect(a[i], `${what}: element ${i}`).toBe(b[i]);
  }
}

function expectNear(a: ArrayLike<number>, e: ArrayLike<number>, tol: number, what: string): void {
  expect(a.length, `${what}: length`).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    if (Number.isNaN(e[i]) || !Number.isFinite(e[i])) expect(a[i], `${what}: element ${i}`).toBe(e[i]);
    else if (!(Math.abs(a[i] - e[i]) <= tol * Math.max(1, Math.abs(e[i])))) expect(a[i], `${what}: element ${i}, expected ${e[i]}`).toBe(e[i]);
  }
}

/** The float inputs that take a gradient (index and condition tensors are made without). */
const diffTensors = (args: unknown[]) => tensorsIn(args).filter((t) => t.requiresGrad);

/** Forward, then backward seeded with fixed weights; the gradients of every differentiable tensor argument. */
function gradients(fn: Fn, args: unknown[]): { out: Tensor; grads: (number[] | null)[] } {
  const ts = diffTensors(args);
  ts.forEach((t) => { if (!t.isLeaf) t.retainGrad(); });
  const out = fn(...args);
  out.backward(weights(out.shape, 11, out.dtype));
  return { out, grads: ts.map((t) => (t.grad ? Array.from(t.grad.data) : null)) };
}

/** f of the differentiable tensors alone, the other arguments fixed: what gradcheck differentiates. */
function asFunctionOfTensors(fn: Fn, args: unknown[]): (...xs: Tensor[]) => Tensor {
  const all = tensorsIn(args);
  const diff = all.map((t) => t.requiresGrad);
  return (...xs: Tensor[]) => {
    let k = 0;
    return fn(...withTensors(args, all.map((t, i) => (diff[i] ? xs[k++] : t))));
  };
}

function checkGrad(f: (...xs: Tensor[]) => Tensor, xs: Tensor[]): void {
  const r = gradcheck(f, xs);
  if (!r.ok) throw new Error(`gradcheck failed: ${JSON.stringify(r.failures.slice(0, 3))}`);
  expect(r.failures).toEqual([]);
}

/**
 * The in-place property, for every tensor argument and the output: changed in place after the
 * forward pass (an index tensor to index 0, a float tensor to other values), backward must throw
 * the version error or give exactly the gradient it gave without the change. Returns the breaches.
 */
function silentInPlaceChanges(fn: Fn, sample: Sample): string[] {
  const want = gradients(fn, sample.make("float64")).grads;
  const count = tensorsIn(sample.make("float64")).length;
  const breaches: string[] = [];
  for (let p = 0; p <= count; p++) {
    const args = sample.make("float64");
    const ts = diffTensors(args);
    ts.forEach((t) => { if (!t.isLeaf) t.retainGrad(); });
    const out = fn(...args);
    const target = p < count ? tensorsIn(args)[p] : out;
    noGrad(() => (target.requiresGrad || target === out ? target.copy_(weights(target.shape, 99, target.dtype)) : target.fill_(0)));
    const what = p < count ? `tensor argument ${p}` : "the output";
    try {
      out.backward(weights(out.shape, 11));
    } catch (e) {
      if (!/modified in place/.test((e as Error).message)) breaches.push(`changing ${what}: ${(e as Error).message}`);
      continue;
    }
    ts.forEach((t, i) => {
      const got = t.grad ? Array.from(t.grad.data) : [], expected = want[i] ?? [];
      if (got.some((v, j) => !(v === expected[j] || (Number.isNaN(v) && Number.isNaN(expected[j]))))) {
        breaches.push(`changing ${what} silently changed the gradient of input ${i}`);
      }
    });
  }
  return breaches;
}

function generate(name: OpName, info: OpInfo): void {
  const fn = ops[name] as unknown as Fn;
  const method: Fn = (info.method as Fn | undefined) ?? ((x: unknown, ...rest: unknown[]) => (x as Record<string, Fn>)[name](...rest));

  describe(name, () => {
    for (const sample of info.samples) {
      const label = sample.label;

      if (info.ref) {
        it(`forward ≡ the reference: ${label}`, () => {
          for (const dtype of DTYPES) {
            const args = sample.make(dtype);
            const out = fn(...args), want = info.ref!(...args);
            expect(out.shape, `${dtype} shape`).toEqual(want.shape);
            expectNear(out.data, want.data, dtype === "float64" ? 1e-12 : 1e-5, dtype);
          }
        });
      }

      it(`method ≡ function: ${label}`, () => {
        for (const dtype of DTYPES) {
          const a = fn(...sample.make(dtype)), b = method(...sample.make(dtype));
          expect(b.shape).toEqual(a.shape);
          expect(b.dtype).toBe(a.dtype);
          expectSame(b.data, a.data, dtype);
        }
      });

      it(`js ≡ wasm (float64 identical, float32 within 1e-5), gradients included: ${label}`, () => {
        const before = getBackend();
        expect(core.availableBackends()).toEqual(expect.arrayContaining(["js", "wasm"])); // both load in Node
        try {
          for (const dtype of DTYPES) {
            const run = (backend: string) => {
              setBackend(backend);
              const args = sample.make(dtype);
              if (!info.differentiable) return { data: Array.from(fn(...args).data), grads: [] as (number[] | null)[] };
              const { out, grads } = gradients(fn, args);
              return { data: Array.from(out.data), grads };
            };
            const js = run("js"), wasm = run("wasm");
            const near = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) =>
              dtype === "float64" ? expectSame(a, b, what) : expectNear(a, b, 1e-5, what);
            near(wasm.data, js.data, `${dtype} forward`);
            js.grads.forEach((g, i) => (g ? near(wasm.grads[i]!, g, `${dtype} gradient ${i}`) : expect(wasm.grads[i]).toBeNull()));
          }
        } finally {
          setBackend(before);
        }
      });

      if (!info.differentiable) {
        it(`carries no gradient: ${label}`, () => {
          const args = sample.make("float64");
          expect(diffTensors(args).length).toBeGreaterThan(0);
          expect(fn(...args).requiresGrad).toBe(false);
        });
        continue;
      }

      if (!sample.noGradcheck) {
        it(`gradcheck, first order (float64): ${label}`, () => {
          const args = sample.make("float64");
          checkGrad(asFunctionOfTensors(fn, args), diffTensors(args));
        });

        it(`gradcheck, second order (float64): ${label}`, () => {
          const args = sample.make("float64");
          const f = asFunctionOfTensors(fn, args);
          const xs = diffTensors(args);
          const out = f(...xs);
          const W = weights(out.shape, 5);
          const V = xs.map((x, i) => weights(x.shape, 20 + i));
          // A scalar projection of the gradient: Σᵢ ⟨∂(W·f)/∂xᵢ, Vᵢ⟩, checked against central differences.
          const dProjection = grad((...ys: Tensor[]) => f(...ys).mul(W).sum(), xs.map((_, i) => i));
          const f2 = (...ys: Tensor[]) => dProjection(...ys).reduce((acc, g, i) => acc.add(g.mul(V[i]).sum()), tensor(0, { dtype: "float64" }));
          checkGrad(f2, xs);
        });
      }

      it(`in place: changing a tensor backward reads throws the version error: ${label}`, () => {
        for (const r of info.reads) {
          const args = sample.make("float64");
          const out = fn(...args);
          const target = r === "out" ? out : args[r];
          if (!(target instanceof Tensor)) continue; // e.g. a number, or indices passed as arrays
          incrementVersion(target);
          expect(() => out.backward(weights(out.shape, 11)), `after changing ${r === "out" ? "the output" : `argument ${r}`}`).toThrow(/modified in place/);
        }
      });

      it(`in place: changing any tensor argument either throws or leaves the gradient unchanged: ${label}`, () => {
        expect(silentInPlaceChanges(fn, sample)).toEqual([]);
      });

      if (!sample.noGradcheck) {
        it(`in place, second order: changing a tensor argument after the gradient graph is built throws or changes nothing: ${label}`, () => {
          // The second-order gradients: of Σᵢ ⟨∂(W·f)/∂xᵢ, Vᵢ⟩, with tensor p changed in place before that backward.
          const secondOrder = (p: number | null) => {
            const args = sample.make("float64");
            const ts = diffTensors(args);
            ts.forEach((t) => { if (!t.isLeaf) t.retainGrad(); });
            const out = fn(...args);
            out.backward(weights(out.shape, 11), { createGraph: true });
            const firsts = ts.map((t) => t.grad);
            ts.forEach((t) => { t.grad = null; });
            let s2 = tensor(0, { dtype: "float64" });
            firsts.forEach((g, i) => { if (g) s2 = s2.add(g.mul(weights(g.shape, 30 + i)).sum()); });
            if (p !== null) {
              const target = tensorsIn(args)[p];
              noGrad(() => (target.requiresGrad ? target.copy_(weights(target.shape, 99)) : target.fill_(0)));
            }
            if (!s2.requiresGrad) return ts.map(() => null);
            s2.backward();
            return ts.map((t) => (t.grad ? Array.from(t.grad.data) : null));
          };
          const want = secondOrder(null);
          const count = tensorsIn(sample.make("float64")).length;
          for (let p = 0; p < count; p++) {
            let got: (number[] | null)[];
            try {
              got = secondOrder(p);
            } catch (e) {
              expect((e as Error).message, `changing tensor ${p}`).toMatch(/modified in place/);
              continue;
            }
            got.forEach((g, i) => expectSame(g ?? [], want[i] ?? [], `second-order gradient ${i} after changing tensor ${p}`));
          }
        });
      }
    }
  });
}

for (const name of Object.keys(OPS) as OpName[]) generate(name, OPS[name]);

describe("the in-place property can fail", () => {
  it("catches an op whose backward reads a tensor it did not save (gather as it was before issue 10)", () => {
    // gather's backward without saving its indices: the issue's silently wrong gradient.
    const unsafeGather = (x: Tensor, axis: number, idx: Tensor) => {
      const out = core.gather(x.detach(), axis, idx);
      return core.record(new Tensor(out.data, out.shape), {
        op: "unsafeGather", rule: "dx = g added back at the gathered positions", inputs: [x],
        backward: (g) => [scatterInto(g, x, idx)], // reads idx, which is not in `saved`
      });
    };
    const sample: Sample = { label: "", make: (d) => [tensor([[1, 2, 3], [4, 5, 6]], { dtype: d, requiresGrad: true }), 1, tensor([[1], [2]])] };
    expect(silentInPlaceChanges(unsafeGather as Fn, sample)).toEqual(["changing tensor argument 1 silently changed the gradient of input 0"]);
    expect(silentInPlaceChanges(core.gather as unknown as Fn, sample)).toEqual([]);
  });
});

/** gather's adjoint along axis 1 of a matrix, written out: g added into zeros of x's shape at the positions idx names now. */
function scatterInto(g: Tensor, x: Tensor, idx: Tensor): Tensor {
  const out = new Float64Array(x.size);
  const [rows, cols] = x.shape, m = idx.shape[1];
  for (let r = 0; r < rows; r++) for (let j = 0; j < m; j++) out[r * cols + idx.data[r * m + j]] += g.data[r * m + j];
  return new Tensor(out, x.shape.slice());
}

describe("the op table", () => {
  // Exported functions that are not ops (they do not make tensors from tensors).
  const NOT_OPS = new Set([
    "tensor", "zeros", "ones", "full", "arange", "linspace", "rand", "randn", "manualSeed", "getRngState", "setRngState", "noGrad", "isGradEnabled", "withGradMode", "incrementVersion",
    "setReluAtZero", "getReluAtZero", "setBackend", "getBackend", "availableBackends", "backendInfo", "registerBackend",
    "setThreads", "getThreads", "kernels", "grad", "valueAndGrad", "gradcheck", "toDot", "traceBackward", "formatBackward",
    "explainBackward", "powInt", "record", "randomUniform", "randomNormal", "randomInt", "quote", "Tensor",
  ]);

  it("every exported op is registered (a new op that is not fails here), and every registered op is exported", () => {
    const exported = Object.entries(core).filter(([, v]) => typeof v === "function").map(([k]) => k);
    const unregistered = exported.filter((k) => !NOT_OPS.has(k) && !(k in ops) && !(k in queries));
    expect(unregistered, "exported from src/index.ts but missing from src/registry.ts (or from NOT_OPS here)").toEqual([]);
    for (const name of Object.keys(ops)) expect((core as Record<string, unknown>)[name], name).toBe(ops[name as OpName]);
    for (const [name, fn] of Object.entries(queries)) expect((core as Record<string, unknown>)[name], name).toBe(fn);
  });

  it("every registered op has samples, and each sample has at least one tensor", () => {
    for (const [name, info] of Object.entries(OPS)) {
      expect(info.samples.length, name).toBeGreaterThanOrEqual(3);
      for (const s of info.samples as Sample[]) expect(tensorsIn(s.make("float64")).length, `${name}: ${s.label}`).toBeGreaterThan(0);
    }
  });

  it("every op whose method takes the tensor first is a method of Tensor calling it", () => {
    const x = tensor([[1, 2], [3, 4]]);
    for (const name of [...Object.keys(ops), ...Object.keys(queries)]) expect(typeof (x as unknown as Record<string, unknown>)[name], name).toBe("function");
    // Queries answer with plain values, through the method as through the function.
    expect(x.numel()).toBe(4);
    expect(x.allclose(x.add(1e-7))).toBe(true);
    expect(x.equal(x.add(1e-7))).toBe(false);
    // The derived methods are typed: a wrong argument is a type error (checked by pnpm typecheck).
    // @ts-expect-error add takes a Tensor or a number
    expect(() => x.add("1")).toThrow(/add: second operand must be a Tensor or a number/);
  });
});
