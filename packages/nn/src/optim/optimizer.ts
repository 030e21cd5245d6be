/**
 * The optimizer base class: one list of parameters, `zeroGrad()`, and a `step()` that runs each
 * subclass's update rule, outside any graph, on every parameter that has a gradient.
 *
 * An update writes the parameter's values in place (a core kernel, `kernels().sgdUpdate` /
 * `adamUpdate`: one pass over the buffers, no temporary tensors) and then marks the parameter
 * modified with core's `incrementVersion`, exactly as `copy_` does,
 * so backward through a graph recorded before the step throws (as in PyTorch) instead of silently
 * using the new values. State tensors (momentum buffers, moments) belong to the optimizer, are
 * updated in place too and are marked modified likewise; `.grad` is only read.
 *
 * As in PyTorch, a parameter whose `.grad` is null is skipped: its value and its state are untouched
 * (an Adam parameter's step count advances only on the steps where it had a gradient).
 */
import { incrementVersion, noGrad, quote, Tensor, zeros } from "@backprop/core";

/** What an optimizer accepts: an array of tensors, or anything with `.parameters()` (a Module). */
export type ParamsInput = Iterable<Tensor> | { parameters(): Iterable<Tensor> };

export abstract class Optimizer<S extends object = object> {
  /** The parameters this optimizer updates (each once, in the order given). */
  readonly params: readonly Tensor[];
  /** Per-parameter state, created on a parameter's first step with a gradient. */
  protected readonly _state = new Map<Tensor, S>();
  private readonly _name: string;
  private _lr = 0;

  protected constructor(name: string, params: ParamsInput, lr: number) {
    this._name = name;
    this.params = collectParams(name, params);
    this.lr = lr;
  }

  /** The learning rate. It may be changed between steps (a schedule); it is checked when set. */
  get lr(): number {
    return this._lr;
  }

  set lr(value: number) {
    this._lr = checkNonNegative(this._name, "lr", value);
  }

  /**
   * The state of each parameter that has taken a step (for inspection; read-only): SGD's
   * `{ momentumBuffer }`, Adam's `{ step, expAvg, expAvgSq, maxExpAvgSq? }`.
   */
  get state(): ReadonlyMap<Tensor, Readonly<S>> {
    return this._state;
  }

  /** Clear every parameter's gradient (`.grad = null`, PyTorch's default `set_to_none`). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** One update of every parameter that has a gradient; parameters whose `.grad` is null are skipped. */
  step(): void {
    noGrad(() => {
      for (const p of this.params) {
        const g = p.grad;
        if (g === null) continue;
        this.update(p, g);
        incrementVersion(p); // an in-place write, as copy_ counts it
      }
    });
  }

  /**
   * Update `p.data` in place from `grad` (same shape; it may be another dtype: it is read as
   * numbers, and everything is stored in `p.dtype`). Runs under noGrad; the caller marks p modified (incrementVersion).
   */
  protected abstract update(p: Tensor, grad: Tensor): void;

  /** A zero state buffer shaped and typed like `p`. */
  protected zerosLike(p: Tensor): Tensor {
    return zeros(p.shape.slice(), { dtype: p.dtype });
  }
}

/** The parameters as a deduplicated array, each a leaf Tensor that requires grad. */
export function collectParams(name: string, params: ParamsInput): Tensor[] {
  const what = "params must be an array of Tensors or a Module (anything with .parameters())";
  if (params instanceof Tensor) throw new Error(`${name}: ${what}; got a single Tensor — wrap it in an array: [t]`);
  if (params === null || typeof params !== "object") throw new Error(`${name}: ${what}, got ${params === null ? "null" : typeof params}`);
  let list: Iterable<Tensor>;
  if ("parameters" in params && typeof params.parameters === "function") list = params.parameters();
  else if (Symbol.iterator in params) list = params as Iterable<Tensor>;
  else throw new Error(`${name}: ${what}, got an object without .parameters()`);
  const out: Tensor[] = [];
  const seen = new Set<Tensor>();
  let i = 0;
  for (const p of list) {
    if (!(p instanceof Tensor)) throw new Error(`${name}: params[${i}] is not a Tensor (got ${p === null ? "null" : typeof p})`);
    if (!p.requiresGrad) {
      throw new Error(`${name}: params[${i}] does not require grad, so it can never be trained; create it with { requiresGrad: true } or leave it out`);
    }
    if (!p.isLeaf) {
      throw new Error(`${name}: params[${i}] is not a leaf tensor (it was made by ${p.op}); optimizers update leaves — pass the tensor it was computed from`);
    }
    if (!seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
    i++;
  }
  if (out.length === 0) throw new Error(`${name}: got an empty parameter list`);
  return out;
}

/** The options object with unknown keys rejected (a misspelt option is an error, not a silent default). */
export function checkOptionKeys<T extends object>(name: string, opts: T | undefined, allowed: readonly string[]): T {
  if (opts === undefined) return {} as T;
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new Error(`${name}: options must be an object such as { lr: 0.01 }, got ${opts === null ? "null" : Array.isArray(opts) ? "an array" : typeof opts}`);
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) throw new Error(`${name}: unknown option ${quote(key)}; expected one of: ${allowed.join(", ")}`);
  }
  return opts;
}

export function checkFinite(name: string, field: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${name}: ${field} must be a finite number, got ${quote(v)}`);
  return v;
}

export function checkNonNegative(name: string, field: string, v: unknown): number {
  checkFinite(name, field, v);
  if ((v as number) < 0) throw new Error(`${name}: ${field} must be >= 0, got ${quote(v)}`);
  return v as number;
}

export function checkBoolean(name: string, field: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new Error(`${name}: ${field} must be a boolean, got ${quote(v)}`);
  return v;
}
