/**
 * The optimizer base class: parameter groups with their own options, `zeroGrad()`, a `step()` that
 * runs each subclass's update rule outside any graph on every parameter that has a gradient, and
 * `stateDict()` / `loadStateDict()`.
 *
 * Parameter groups, as torch.optim: `new SGD(params, defaults)` takes either the parameters (an
 * array of tensors or a Module: one group) or an array of groups `{ params, ...options }`; an
 * option a group does not set comes from `defaults`. PyTorch's checks are made, and more:
 *   - a tensor in two groups is an error (within one group a repeat is dropped: updated once);
 *   - an option name the optimizer does not know is an error (a misspelling is never ignored);
 *   - every value is checked, in the defaults and in each group, and a message names the group;
 *   - an option the optimizer requires (SGD's lr) must come from the group or the defaults.
 * `opt.paramGroups[i]` are the live groups: setting `group.lr` (what a scheduler does) or any other
 * option takes effect at the next step, and is checked when set. `addParamGroup` adds a group.
 * A group may also hold `initialLr`, the learning rate its first scheduler started from (PyTorch's
 * `initial_lr`; the schedulers set it).
 *
 * An update writes the parameter's values in place (a core kernel, `kernels().sgdUpdate` /
 * `adamUpdate`: one pass over the buffers, no temporary tensors) and then marks the parameter
 * modified with core's `incrementVersion`, exactly as `copy_` does, so backward through a graph
 * recorded before the step throws (as in PyTorch) instead of silently using the new values. State
 * tensors (momentum buffers, moments) belong to the optimizer, are updated in place too and are
 * marked modified likewise; `.grad` is only read.
 *
 * As in PyTorch, a parameter whose `.grad` is null is skipped: its value and its state are untouched
 * (an Adam parameter's step count advances only on the steps where it had a gradient).
 *
 * State dicts have PyTorch's layout and key names, as plain JSON-able data:
 *
 *   { state: { "0": { momentum_buffer: { shape, dtype, data } }, … },
 *     param_groups: [ { lr: 0.1, momentum: 0.9, weight_decay: 0, …, params: [0, 1] }, … ] }
 *
 * `state` is keyed by the parameter's index counted across the groups in order (only parameters
 * that have state appear); each group lists its options (PyTorch's names: `weight_decay`,
 * `initial_lr`, …) and its parameters' indices. Tensors use the module state dict's format.
 * `loadStateDict` checks everything first — the group count and sizes, every option's name and
 * value, every state entry's keys, shapes, dtypes and values — and changes nothing when anything is
 * wrong, naming what is wrong; then it replaces the options and the state (state tensors are cast
 * to their parameter's dtype, as PyTorch does).
 */
import { incrementVersion, noGrad, quote, Tensor, tensor, zeros } from "@backprop/core";
import type { TensorState } from "../state.js";

/** What an optimizer accepts: an array of tensors, or anything with `.parameters()` (a Module). */
export type ParamsInput = Iterable<Tensor> | { parameters(): Iterable<Tensor> };

/** One parameter group as given to an optimizer: its tensors and any options that differ from the defaults. */
export type ParamGroupInput<O extends object> = {
  /** The group's tensors: an array, a Module, or one Tensor. */
  params: Tensor | ParamsInput;
  /** The learning rate a scheduler started from (PyTorch's `initial_lr`); normally set by the first scheduler. */
  initialLr?: number;
} & Partial<O>;

/**
 * A live parameter group: its tensors and every option's current value. Setting an option checks
 * it and takes effect at the next step.
 */
export type ParamGroup<O extends object> = { -readonly [K in keyof O]-?: Exclude<O[K], undefined> } & {
  readonly params: readonly Tensor[];
  /** The learning rate the group's first scheduler started from (PyTorch's `initial_lr`), or undefined. */
  initialLr: number | undefined;
};

/** An optimizer's state as plain JSON-able data, with PyTorch's layout and key names (see the file comment). */
export interface OptimizerStateDict {
  state: Record<string, Record<string, TensorState | number>>;
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
}

/** How an optimizer describes one of its options. */
export interface OptionSpec {
  /** The option's name in TypeScript (camelCase). */
  key: string;
  /** Its name in a state dict (PyTorch's). */
  torch: string;
  /** Check a value (throwing `${where}: ${field} must …`) and return it as stored. */
  check(where: string, field: string, value: unknown): unknown;
  /** The value when neither the group nor the defaults give one; absent: the option is required. */
  fallback?: unknown;
  /** The value as written to a state dict (default: as is). */
  encode?(value: unknown): unknown;
}

/** How an optimizer describes one field of a parameter's state. */
export interface StateFieldSpec {
  /** The field in `opt.state` (camelCase). */
  key: string;
  /** Its name in a state dict (PyTorch's). */
  torch: string;
  /** A tensor shaped like the parameter, or a count (a non-negative integer). */
  kind: "tensor" | "count";
  /** Whether a state entry must have it, given the group's options. */
  required(group: Readonly<Record<string, unknown>>): boolean;
}

/** Everything the base class needs to know about one optimizer's options and state. */
export interface OptimizerSpec {
  options: readonly OptionSpec[];
  state: readonly StateFieldSpec[];
  /** Checks that involve several options of one group (throwing `${where}: …`). */
  checkGroup?(where: string, values: Readonly<Record<string, unknown>>): void;
  /** The message when a required option is missing everywhere (single-group form). */
  requiredHint?: string;
}

/** The symbol of the method that checks a state dict and returns the function that loads it (used by checkpoints). */
export const PREPARE_LOAD: unique symbol = Symbol("prepareLoad");

const GROUP_EXTRA_KEYS = ["params", "initialLr"];

export abstract class Optimizer<S extends object = object, O extends object = object> {
  /** The validated defaults: every option a group does not set is taken from here. */
  readonly defaults: Readonly<Partial<O>>;
  /** Per-parameter state, created on a parameter's first step with a gradient. */
  protected readonly _state = new Map<Tensor, S>();
  private readonly _groups: ParamGroup<O>[] = [];
  private _params: readonly Tensor[] = [];
  private readonly _name: string;
  private readonly _spec: OptimizerSpec;

  protected constructor(name: string, params: ParamsInput | readonly ParamGroupInput<O>[], defaults: Partial<O> | undefined, spec: OptimizerSpec) {
    this._name = name;
    this._spec = spec;
    this.defaults = Object.freeze(checkDefaults(name, defaults, spec)) as Readonly<Partial<O>>;
    const inputs = splitGroups(name, params);
    // Every group is checked before any is built: a bad group leaves no half-made optimizer behind.
    const seen = new Map<Tensor, number>();
    const prepared = inputs.map((g, i) => this.prepareGroup(g, i, seen, inputs.length === 1 && !g.explicit));
    for (const p of prepared) this.pushGroup(p);
    if (this._params.length === 0) throw new Error(`${name}: got an empty parameter list`);
  }

  /** The optimizer's name: "SGD", "Adam" or "AdamW" (checkpoints record it). */
  get name(): string {
    return this._name;
  }

  /** The parameter groups, live: set `opt.paramGroups[i].lr` (or any option) between steps. */
  get paramGroups(): readonly ParamGroup<O>[] {
    return this._groups;
  }

  /** Every parameter this optimizer updates, group after group (each once). */
  get params(): readonly Tensor[] {
    return this._params;
  }

  /**
   * The learning rate, when every group has the same one (reading it otherwise throws: read
   * `paramGroups[i].lr`). Setting it sets every group's; it is checked first.
   */
  get lr(): number {
    const lrs = this._groups.map((g) => (g as unknown as { lr: number }).lr);
    if (lrs.some((v) => v !== lrs[0])) {
      throw new Error(`${this._name}: the parameter groups have different learning rates (${lrs.join(", ")}); read opt.paramGroups[i].lr`);
    }
    return lrs[0];
  }

  set lr(value: number) {
    checkNonNegative(this._name, "lr", value);
    for (const g of this._groups) (g as unknown as { lr: number }).lr = value;
  }

  /**
   * The state of each parameter that has taken a step (for inspection; read-only): SGD's
   * `{ momentumBuffer }`, Adam's `{ step, expAvg, expAvgSq, maxExpAvgSq? }`.
   */
  get state(): ReadonlyMap<Tensor, Readonly<S>> {
    return this._state;
  }

  /**
   * Add a parameter group (PyTorch's `add_param_group`), e.g. to train layers that were frozen:
   * `opt.addParamGroup({ params: model.head, lr: 0.01 })`. Options it does not set come from the
   * defaults. Its tensors must not be in another group. Checked before anything changes.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const where = `${this._name}.addParamGroup`;
    if (!isGroup(group)) throw new Error(`${where}: expected a group object { params, ...options }, got ${describe(group)}`);
    const seen = new Map<Tensor, number>();
    this._groups.forEach((g, i) => g.params.forEach((p) => seen.set(p, i)));
    this.pushGroup(this.prepareGroup({ raw: group, explicit: true }, this._groups.length, seen, false));
  }

  /** Clear every parameter's gradient (`.grad = null`, PyTorch's default `set_to_none`). */
  zeroGrad(): void {
    for (const p of this._params) p.grad = null;
  }

  /** One update of every parameter that has a gradient, with its group's options; parameters whose `.grad` is null are skipped. */
  step(): void {
    noGrad(() => {
      for (const group of this._groups) {
        for (const p of group.params) {
          const g = p.grad;
          if (g === null) continue;
          this.update(p, g, group);
          incrementVersion(p); // an in-place write, as copy_ counts it
        }
      }
    });
  }

  /** The optimizer's state and options as plain JSON-able data, with PyTorch's layout and key names (see the file comment). */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this._groups.map((g) => {
      const values = g as unknown as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const o of this._spec.options) out[o.torch] = o.encode ? o.encode(values[o.key]) : values[o.key];
      if (g.initialLr !== undefined) out.initial_lr = g.initialLr;
      out.params = g.params.map((p) => {
        index.set(p, index.size);
        return index.size - 1;
      });
      return out as Record<string, unknown> & { params: number[] };
    });
    const state: OptimizerStateDict["state"] = {};
    for (const p of this._params) {
      const s = this._state.get(p) as Record<string, unknown> | undefined;
      if (s === undefined) continue;
      const entry: Record<string, TensorState | number> = {};
      for (const f of this._spec.state) {
        const v = s[f.key];
        if (v === undefined) continue;
        entry[f.torch] = f.kind === "tensor" ? tensorState(v as Tensor) : (v as number);
      }
      state[String(index.get(p))] = entry;
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Load a state dict made by `stateDict()` (of an optimizer of the same kind with the same group
   * sizes): the options of every group and every parameter's state are replaced. Everything is
   * checked first; on any problem nothing changes and the error names it.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    this[PREPARE_LOAD](sd, `${this._name}.loadStateDict`)();
  }

  /**
   * Check `sd` against this optimizer without changing anything; returns the function that loads
   * it (which cannot fail). Errors start with `where`.
   */
  [PREPARE_LOAD](sd: unknown, where: string): () => void {
    const spec = this._spec;
    const obj = checkRecord(where, "the state dict", sd, "{ state, param_groups }");
    checkExactKeys(where, "the state dict", obj, ["state", "param_groups"], ["state", "param_groups"]);
    const groupsIn = obj.param_groups;
    if (!Array.isArray(groupsIn)) throw new Error(`${where}: param_groups must be an array, got ${describe(groupsIn)}`);
    if (groupsIn.length !== this._groups.length) {
      throw new Error(`${where}: the state dict has ${groupsIn.length} parameter group${groupsIn.length === 1 ? "" : "s"}, this optimizer has ${this._groups.length}; nothing was loaded`);
    }
    const optionNames = spec.options.map((o) => o.torch);
    const byId = new Map<number, { p: Tensor; group: number }>();
    const newValues = groupsIn.map((raw, i) => {
      const at = `param_groups[${i}]`;
      const g = checkRecord(where, at, raw, "{ ...options, params }");
      checkExactKeys(where, at, g, [...optionNames, "params"], [...optionNames, "initial_lr", "params"]);
      const ids = g.params;
      const own = this._groups[i].params;
      if (!Array.isArray(ids)) throw new Error(`${where}: ${at}.params must be an array of parameter indices, got ${describe(ids)}`);
      if (ids.length !== own.length) {
        throw new Error(`${where}: ${at} has ${ids.length} parameter${ids.length === 1 ? "" : "s"}, this optimizer's group ${i} has ${own.length}; nothing was loaded`);
      }
      ids.forEach((id, j) => {
        if (!Number.isSafeInteger(id) || (id as number) < 0) throw new Error(`${where}: ${at}.params[${j}] must be a non-negative integer, got ${quote(id)}`);
        if (byId.has(id as number)) throw new Error(`${where}: parameter index ${id} appears twice in param_groups`);
        byId.set(id as number, { p: own[j], group: i });
      });
      const values: Record<string, unknown> = {};
      for (const o of spec.options) values[o.key] = o.check(`${where}: ${at}`, o.torch, g[o.torch]);
      spec.checkGroup?.(`${where}: ${at}`, values);
      const initialLr = g.initial_lr === undefined ? undefined : checkNonNegative(`${where}: ${at}`, "initial_lr", g.initial_lr);
      return { values, initialLr };
    });

    const stateIn = checkRecord(where, "state", obj.state, '{ "0": { ... }, ... }');
    const newState = new Map<Tensor, S>();
    for (const [key, raw] of Object.entries(stateIn)) {
      const at = `state[${quote(key)}]`;
      const id = /^(0|[1-9]\d*)$/.test(key) ? Number(key) : NaN;
      const target = byId.get(id);
      if (target === undefined) throw new Error(`${where}: ${at}: no parameter group lists a parameter with index ${quote(key)}; nothing was loaded`);
      const entry = checkRecord(where, at, raw, "{ ...state }");
      const groupValues = newValues[target.group].values;
      const required = spec.state.filter((f) => f.required(groupValues)).map((f) => f.torch);
      checkExactKeys(where, at, entry, required, spec.state.map((f) => f.torch));
      const s: Record<string, unknown> = {};
      for (const f of spec.state) {
        const v = entry[f.torch];
        if (v === undefined) continue;
        if (f.kind === "count") {
          if (!Number.isSafeInteger(v) || (v as number) < 0) throw new Error(`${where}: ${at}.${f.torch} must be a non-negative integer, got ${quote(v)}`);
          s[f.key] = v;
        } else {
          const why = tensorProblem(v, target.p);
          if (why) throw new Error(`${where}: ${at}.${f.torch}: ${why}; nothing was loaded`);
          s[f.key] = tensor((v as TensorState).data, { shape: target.p.shape.slice(), dtype: target.p.dtype });
        }
      }
      newState.set(target.p, s as S);
    }

    return () => {
      this._groups.forEach((g, i) => {
        const store = (g as unknown as { [STORE]: Record<string, unknown> })[STORE];
        Object.assign(store, newValues[i].values);
        g.initialLr = newValues[i].initialLr;
      });
      this._state.clear();
      for (const [p, s] of newState) this._state.set(p, s);
    };
  }

  /**
   * Update `p.data` in place from `grad` with the group's options (same shape; the gradient may be
   * another dtype: it is read as numbers, and everything is stored in `p.dtype`). Runs under
   * noGrad; the caller marks p modified (incrementVersion).
   */
  protected abstract update(p: Tensor, grad: Tensor, group: ParamGroup<O>): void;

  /** A zero state buffer shaped and typed like `p`. */
  protected zerosLike(p: Tensor): Tensor {
    return zeros(p.shape.slice(), { dtype: p.dtype });
  }

  /** Check one group (its tensors against `seen`, its options) and return what pushGroup builds from. */
  private prepareGroup(input: GroupSource, index: number, seen: Map<Tensor, number>, single: boolean): PreparedGroup {
    const name = this._name;
    const where = single ? name : `${name}: paramGroups[${index}]`;
    const raw = input.raw as Record<string, unknown>;
    const params = collectParams(where, input.explicit ? raw.params : input.raw, input.explicit);
    params.forEach((p, j) => {
      const other = seen.get(p);
      if (other !== undefined) {
        throw new Error(`${name}: a parameter appears in more than one parameter group (paramGroups[${other}] and paramGroups[${index}], its params[${j}]); each tensor may be in one group only`);
      }
    });
    params.forEach((p) => seen.set(p, index));
    const values: Record<string, unknown> = {};
    if (input.explicit) {
      const allowed = [...this._spec.options.map((o) => o.key), ...GROUP_EXTRA_KEYS];
      for (const key of Object.keys(raw)) {
        if (!allowed.includes(key)) throw new Error(`${where}: unknown option ${quote(key)}; expected one of: ${allowed.join(", ")}`);
      }
    }
    const defaults = this.defaults as Record<string, unknown>;
    for (const o of this._spec.options) {
      if (input.explicit && raw[o.key] !== undefined) values[o.key] = o.check(where, o.key, raw[o.key]);
      else if (defaults[o.key] !== undefined) values[o.key] = defaults[o.key];
      else if (single) throw new Error(`${name}: ${o.key} is required${this._spec.requiredHint ? `, e.g. ${this._spec.requiredHint}` : ""}`);
      else throw new Error(`${where} has no ${o.key}, and the defaults give none: set it in the group or in the defaults`);
    }
    this._spec.checkGroup?.(where, values);
    const initialLr = input.explicit && raw.initialLr !== undefined ? checkNonNegative(where, "initialLr", raw.initialLr) : undefined;
    return { params, values, initialLr, index };
  }

  private pushGroup(p: PreparedGroup): void {
    this._groups.push(makeGroup(this._name, this._spec, p));
    this._params = Object.freeze([...this._params, ...p.params]);
  }
}

// ---------------------------------------------------------------------------------------------
// Groups

interface GroupSource {
  /** The group object (explicit) or the whole params argument (the single-group form). */
  raw: unknown;
  explicit: boolean;
}

interface PreparedGroup {
  params: Tensor[];
  values: Record<string, unknown>;
  initialLr: number | undefined;
  index: number;
}

const STORE: unique symbol = Symbol("store");

/** A live group: each option an accessor that checks the value it is given (with the group's other options). */
function makeGroup<O extends object>(name: string, spec: OptimizerSpec, p: PreparedGroup): ParamGroup<O> {
  const store: Record<string, unknown> = { ...p.values };
  const where = `${name}: paramGroups[${p.index}]`;
  const group: Record<string | symbol, unknown> = {};
  Object.defineProperty(group, "params", { value: Object.freeze(p.params.slice()), enumerable: true });
  for (const o of spec.options) {
    Object.defineProperty(group, o.key, {
      enumerable: true,
      get: () => store[o.key],
      set: (v: unknown) => {
        const value = o.check(where, o.key, v);
        spec.checkGroup?.(where, { ...store, [o.key]: value });
        store[o.key] = value;
      },
    });
  }
  let initialLr = p.initialLr;
  Object.defineProperty(group, "initialLr", {
    enumerable: true,
    get: () => initialLr,
    set: (v: unknown) => {
      initialLr = v === undefined ? undefined : checkNonNegative(where, "initialLr", v);
    },
  });
  Object.defineProperty(group, STORE, { value: store });
  return Object.seal(group) as unknown as ParamGroup<O>;
}

function isGroup(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !(x instanceof Tensor) && !Array.isArray(x) && !("parameters" in x) && Object.hasOwn(x, "params");
}

/** The groups of a params argument: one implicit group (tensors or a Module), or the group objects. */
function splitGroups(name: string, params: unknown): GroupSource[] {
  const what = "params must be an array of Tensors or a Module (anything with .parameters()), or an array of parameter groups { params, ...options }";
  if (params instanceof Tensor) throw new Error(`${name}: ${what}; got a single Tensor — wrap it in an array: [t]`);
  if (params === null || typeof params !== "object") throw new Error(`${name}: ${what}, got ${describe(params)}`);
  if ("parameters" in params && typeof params.parameters === "function") return [{ raw: params, explicit: false }];
  if (!(Symbol.iterator in params)) throw new Error(`${name}: ${what}, got an object without .parameters()`);
  const list = [...(params as Iterable<unknown>)];
  if (list.length === 0 || !isGroup(list[0])) {
    const g = list.findIndex(isGroup);
    if (g >= 0) throw new Error(`${name}: params[${g}] is a parameter group but params[0] is not: pass either tensors or groups { params, ...options }, not both`);
    return [{ raw: list, explicit: false }];
  }
  return list.map((g, i) => {
    if (!isGroup(g)) throw new Error(`${name}: params[${i}] is not a parameter group { params, ...options } (got ${describe(g)}), but params[0] is: pass either tensors or groups, not both`);
    return { raw: g, explicit: true };
  });
}

/** The tensors of one group, deduplicated, each a leaf Tensor that requires grad. */
export function collectParams(where: string, params: unknown, inGroup = false): Tensor[] {
  const what = inGroup
    ? "params must be a Tensor, an array of Tensors or a Module"
    : "params must be an array of Tensors or a Module (anything with .parameters())";
  let list: Iterable<unknown>;
  if (inGroup && params instanceof Tensor) list = [params];
  else if (params instanceof Tensor) throw new Error(`${where}: ${what}; got a single Tensor — wrap it in an array: [t]`);
  else if (params === null || typeof params !== "object") throw new Error(`${where}: ${what}, got ${describe(params)}`);
  else if ("parameters" in params && typeof params.parameters === "function") list = (params as { parameters(): Iterable<Tensor> }).parameters();
  else if (params instanceof Set) throw new Error(`${where}: params must be an ordered collection (an array), not a Set: a Set's order is not the order the state dict relies on`);
  else if (Symbol.iterator in params) list = params as Iterable<unknown>;
  else throw new Error(`${where}: ${what}, got an object without .parameters()`);
  const out: Tensor[] = [];
  const seen = new Set<Tensor>();
  let i = 0;
  for (const p of list) {
    if (!(p instanceof Tensor)) throw new Error(`${where}: params[${i}] is not a Tensor (got ${describe(p)})`);
    if (!p.requiresGrad) {
      throw new Error(`${where}: params[${i}] does not require grad, so it can never be trained; create it with { requiresGrad: true } or leave it out`);
    }
    if (!p.isLeaf) {
      throw new Error(`${where}: params[${i}] is not a leaf tensor (it was made by ${p.op}); optimizers update leaves — pass the tensor it was computed from`);
    }
    if (!seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
    i++;
  }
  return out;
}

/** The defaults: known keys only, each checked, then the fallbacks of those not given. */
function checkDefaults(name: string, defaults: unknown, spec: OptimizerSpec): Record<string, unknown> {
  const o = checkOptionKeys(name, defaults as object | undefined, spec.options.map((s) => s.key)) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const s of spec.options) {
    if (o[s.key] !== undefined) out[s.key] = s.check(name, s.key, o[s.key]);
    else if (s.fallback !== undefined) out[s.key] = s.fallback;
  }
  if (spec.options.every((s) => out[s.key] !== undefined)) spec.checkGroup?.(name, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// State dict checks

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Tensor) return "a Tensor";
  return typeof v === "object" ? "an object" : `${typeof v} ${quote(v)}`;
}

function checkRecord(where: string, what: string, v: unknown, shape: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error(`${where}: ${what} must be an object ${shape}, got ${describe(v)}; nothing was loaded`);
  return v as Record<string, unknown>;
}

/** Every required key present, no key outside `allowed`. */
function checkExactKeys(where: string, what: string, obj: Record<string, unknown>, required: readonly string[], allowed: readonly string[]): void {
  const missing = required.filter((k) => obj[k] === undefined);
  if (missing.length) throw new Error(`${where}: ${what} lacks ${missing.map((k) => quote(k)).join(", ")}; nothing was loaded`);
  const unknown = Object.keys(obj).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw new Error(`${where}: ${what} has an unknown key ${quote(unknown)} (expected: ${allowed.join(", ")}); nothing was loaded`);
}

export function tensorState(t: Tensor): TensorState {
  return { shape: t.shape.slice(), dtype: t.dtype, data: Array.from(t.data) };
}

const fmt = (shape: readonly number[]) => `[${shape.join(", ")}]`;

/** Why `entry` cannot be loaded as a tensor shaped like `like`, or null. */
export function tensorProblem(entry: unknown, like: Tensor): string | null {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return "must be a tensor { shape, dtype, data }";
  const { shape, dtype, data } = entry as Partial<TensorState>;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) return `shape must be an array of non-negative integers, got ${quote(shape)}`;
  if (shape.length !== like.ndim || shape.some((d, i) => d !== like.shape[i])) return `shape ${quote(shape)} does not match the parameter's ${fmt(like.shape)}`;
  if (dtype !== "float32" && dtype !== "float64") return `dtype must be "float32" or "float64", got ${quote(dtype)}`;
  if (!Array.isArray(data)) return `data must be an array of numbers, got ${describe(data)}`;
  if (data.length !== like.size) return `data has ${data.length} values, but shape ${fmt(shape)} needs ${like.size}`;
  const bad = data.findIndex((v) => typeof v !== "number");
  if (bad >= 0) return `data[${bad}] is ${quote(data[bad])}, not a number`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Option checks (shared with the subclasses, clipGradNorm and the diagnostics)

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
