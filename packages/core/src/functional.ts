/**
 * Tools above the Tensor: JAX-style `grad`/`valueAndGrad`, and `gradcheck`, which compares the
 * gradients backward computes with central finite differences.
 */
import { runBackward } from "./autograd/engine.js";
import { isGradEnabled, noGrad, withGradMode } from "./autograd/gradMode.js";
import { record } from "./autograd/node.js";
import { zeros } from "./creation.js";
import { checkNumber, checkOptions } from "./options.js";
import { quote } from "./quote.js";
import { fmt } from "./shape.js";
import { Tensor } from "./tensor.js";

type Fn = (...args: Tensor[]) => Tensor;

function argList(op: string, argnums: number | number[], n: number): number[] {
  const list = typeof argnums === "number" ? [argnums] : argnums;
  if (!Array.isArray(list) || list.some((i) => !Number.isInteger(i) || i < 0 || i >= n)) {
    throw new Error(`${op}: argnums ${quote(argnums)} must be indices of the ${n} argument(s) passed`);
  }
  return list;
}

/** An identity node: a fresh input to differentiate with respect to, still connected to `x`. */
function track(x: Tensor): Tensor {
  if (!x.requiresGrad) return new Tensor(x.data, x.shape, { requiresGrad: true, version: x._version });
  const out = new Tensor(x.data, x.shape, { version: x._version });
  return record(out, { op: "input", rule: "dx = g", inputs: [x], backward: (g) => [g] });
}

/**
 * `valueAndGrad(f, argnums)(...args)` returns `[f(...args), gradients]`: a Tensor for one argnum,
 * Tensor[] for an array. No `.grad` is touched. When an argument is itself being differentiated
 * (inside another `grad`), the gradients stay differentiable, so `grad(grad(f))` works.
 */
export function valueAndGrad(f: Fn, argnums?: number): (...args: Tensor[]) => [Tensor, Tensor];
export function valueAndGrad(f: Fn, argnums: number[]): (...args: Tensor[]) => [Tensor, Tensor[]];
export function valueAndGrad(f: Fn, argnums: number | number[] = 0): (...args: Tensor[]) => [Tensor, Tensor | Tensor[]] {
  if (typeof f !== "function") throw new Error(`grad: expected a function, got ${typeof f}`);
  return (...args: Tensor[]) => {
    const nums = argList("grad", argnums, args.length);
    nums.forEach((i) => {
      if (!(args[i] instanceof Tensor)) throw new Error(`grad: argument ${i} must be a Tensor to differentiate with respect to it`);
    });
    // Like torch.func.grad, an outer noGrad does not stop grad itself; it only makes the results
    // non-differentiable. Under grad mode the gradient graph is always built (an enclosing grad may
    // differentiate through any argument OR any tensor f captures), then dropped from results that
    // depend on nothing but this call's own fresh inputs.
    const createGraph = isGradEnabled();
    return withGradMode(true, () => {
      const inputs = args.map((a, i) => (nums.includes(i) ? track(a) : a));
      const own = new Set(nums.filter((i) => !args[i].requiresGrad).map((i) => inputs[i]));
      const value = f(...inputs);
      if (!(value instanceof Tensor) || value.size !== 1) {
        throw new Error(`grad: f must return a one-element Tensor, got ${value instanceof Tensor ? `shape ${fmt(value.shape)}` : typeof value}`);
      }
      const wrt = nums.map((i) => inputs[i]);
      const grads = value.requiresGrad ? runBackward(value, undefined, { createGraph, wrt }) : wrt.map(() => null);
      const keep = (t: Tensor) => (createGraph && dependsOnOuter(t, own) ? t : t.detach());
      const out = grads.map((g, j) => (g ? keep(g) : zeros(wrt[j].shape.slice(), { dtype: wrt[j].dtype })));
      return [keep(value), typeof argnums === "number" ? out[0] : out] as [Tensor, Tensor | Tensor[]];
    });
  };
}

/** Whether `t`'s graph reaches a tensor requiring grad other than `own` (the fresh inputs of one grad call). */
function dependsOnOuter(t: Tensor, own: ReadonlySet<Tensor>): boolean {
  if (!t.requiresGrad) return false;
  const seen = new Set<Tensor>([t]);
  const stack = [t];
  while (stack.length) {
    const u = stack.pop()!;
    if (u.isLeaf) {
      if (!own.has(u)) return true;
      continue;
    }
    for (const x of u._node!.inputs) if (x.requiresGrad && !seen.has(x)) { seen.add(x); stack.push(x); }
  }
  return false;
}

/** The gradient of `f` (returning a one-element tensor) as a function of the same arguments. */
export function grad(f: Fn, argnums?: number): (...args: Tensor[]) => Tensor;
export function grad(f: Fn, argnums: number[]): (...args: Tensor[]) => Tensor[];
export function grad(f: Fn, argnums: number | number[] = 0): (...args: Tensor[]) => Tensor | Tensor[] {
  const vg = valueAndGrad(f, argnums as number);
  return (...args: Tensor[]) => vg(...args)[1];
}

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

export interface GradcheckEntry {
  /** Which input (position in `inputs`). */
  input: number;
  /** Flat index of the element within that input. */
  index: number;
  /** Flat index of the output element (for outputs with more than one element). */
  output: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckKink extends GradcheckEntry {
  /** The one-sided slopes finite differences see: (f(x) − f(x−ε))/ε and (f(x+ε) − f(x))/ε. */
  left: number;
  right: number;
  /** Which one-sided value the analytic gradient took ("mid" is their average, e.g. a tie split evenly). */
  matches: "left" | "right" | "mid" | "none";
}

export interface GradcheckResult {
  ok: boolean;
  maxAbsError: number;
  maxRelError: number;
  failures: GradcheckEntry[];
  kinks: GradcheckKink[];
}

/**
 * Compare backward's gradients with central differences over the full Jacobian, in float64.
 * Where an input sits on a kink (the left and right slopes differ), central differences see the
 * average of the two sides; such points are reported in `kinks`, and count as failures only if
 * the analytic value matches neither side nor their average.
 */
export function gradcheck(f: Fn, inputs: Tensor | Tensor[], opts?: GradcheckOptions): GradcheckResult {
  const o = checkOptions("gradcheck", opts, ["eps", "atol", "rtol"]);
  // A zero step divides by zero (every numeric derivative NaN); negative tolerances accept nothing.
  const eps = checkNumber("gradcheck", "eps", o.eps ?? 1e-6, { above: 0 });
  const atol = checkNumber("gradcheck", "atol", o.atol ?? 1e-5, { min: 0 });
  const rtol = checkNumber("gradcheck", "rtol", o.rtol ?? 1e-3, { min: 0 });
  if (typeof f !== "function") throw new Error(`gradcheck: expected a function, got ${typeof f}`);
  const list = inputs instanceof Tensor ? [inputs] : inputs;
  if (!Array.isArray(list) || list.some((t) => !(t instanceof Tensor))) throw new Error("gradcheck: inputs must be a Tensor or an array of Tensors");

  const xs = list.map((t) => new Tensor(Float64Array.from(t.data), t.shape.slice(), { requiresGrad: true }));
  const out = withGradMode(true, () => f(...xs)); // the analytic side needs the graph even inside noGrad
  if (!(out instanceof Tensor)) throw new Error(`gradcheck: f must return a Tensor, got ${typeof out}`);

  // Analytic Jacobian, one output element at a time: row j = gradient of out[j].
  const rows: Float64Array[][] = [];
  for (let j = 0; j < out.size; j++) {
    const seed = new Tensor(new Float64Array(out.size), out.shape.slice());
    seed.data[j] = 1;
    const grads = out.requiresGrad ? runBackward(out, seed, { wrt: xs }) : xs.map(() => null);
    rows.push(grads.map((g, k) => (g ? Float64Array.from(g.data) : new Float64Array(xs[k].size))));
  }

  const evalAt = (): Float64Array => Float64Array.from(noGrad(() => f(...xs)).data);
  const base = evalAt();
  const close = (a: number, b: number) => Math.abs(a - b) <= atol + rtol * Math.abs(b);
  const result: GradcheckResult = { ok: true, maxAbsError: 0, maxRelError: 0, failures: [], kinks: [] };

  xs.forEach((x, k) => {
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i];
      x.data[i] = v + eps;
      const up = evalAt();
      x.data[i] = v - eps;
      const down = evalAt();
      x.data[i] = v;
      for (let j = 0; j < out.size; j++) {
        const analytic = rows[j][k][i];
        const numeric = (up[j] - down[j]) / (2 * eps);
        const left = (base[j] - down[j]) / eps, right = (up[j] - base[j]) / eps;
        const entry = { input: k, index: i, output: j, analytic, numeric };
        if (!close(left, right) && Number.isFinite(left) && Number.isFinite(right)) {
          const matches = close(analytic, left) ? "left" : close(analytic, right) ? "right" : close(analytic, numeric) ? "mid" : "none";
          result.kinks.push({ ...entry, left, right, matches });
          if (matches === "none") result.failures.push(entry);
          continue;
        }
        const abs = Math.abs(analytic - numeric);
        result.maxAbsError = Math.max(result.maxAbsError, abs);
        result.maxRelError = Math.max(result.maxRelError, abs / Math.max(Math.abs(numeric), 1e-12));
        if (!close(analytic, numeric) && !(Number.isNaN(analytic) && Number.isNaN(numeric))) result.failures.push(entry);
      }
    }
  });
  result.ok = result.failures.length === 0;
  return result;
}
