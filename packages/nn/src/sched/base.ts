/**
 * Learning-rate schedulers: the base classes and the checks they share.
 *
 * As torch.optim.lr_scheduler: a scheduler is made on an optimizer, `step()` is called once per
 * epoch (or per batch for OneCycleLR) AFTER `optimizer.step()`, and each step sets the `lr` of
 * every parameter group. `getLastLr()` returns the lrs it set last.
 *
 * PyTorch's mechanics, followed exactly (the tests compare every lr with PyTorch's):
 *   - The constructor sets each group's `initialLr` if it has none (PyTorch's `initial_lr`,
 *     `setdefault`: the FIRST scheduler made on an optimizer fixes it) and takes the `baseLrs` from
 *     there; then it makes the initial step: `lastEpoch` goes from −1 to 0 and the lr for epoch 0
 *     is set (e.g. LinearLR's startFactor·lr at once).
 *   - `step()` adds 1 to `lastEpoch` and sets the lrs from PyTorch's `get_lr`: the CHAINABLE form,
 *     computed from each group's current lr (so a change made to `group.lr` from outside is kept
 *     and carried on), not the closed form from the base lrs. Each scheduler's comment says which.
 *   - The closed form (`_get_closed_form_lr`) is used only where PyTorch uses it here: when
 *     SequentialLR switches to the next scheduler at a milestone.
 *   - PyTorch's `last_epoch` argument (to rebuild a scheduler mid-run) is not offered: a run is
 *     resumed with `stateDict()` / `loadStateDict()` (or a checkpoint, in @backprop/nn/node).
 *
 * An lr that is not a finite number ≥ 0 is never set: such a step throws, naming the group, and
 * changes nothing (an ExponentialLR with gamma > 1 overflows after enough steps).
 *
 * State dicts are plain JSON-able objects `{ type, options, lastEpoch, baseLrs, lastLr, … }` (the
 * options as the constructor normalised them; numbers that are not finite — ReduceLROnPlateau's
 * `best` before the first metric — are written as the strings "Infinity", "-Infinity", "NaN").
 * `loadStateDict` restores the options too (as PyTorch's, which replaces the whole object's
 * state), after checking every field against this scheduler and its optimizer; on any problem
 * nothing changes and the error names the field.
 */
import { quote } from "@backprop/core";
import { Optimizer, PREPARE_LOAD } from "../optim/optimizer.js";

export { PREPARE_LOAD };

/** A scheduler's state as plain JSON-able data (see the file comment). */
export interface SchedulerStateDict {
  /** The scheduler's class: "StepLR", "CosineAnnealingLR", … */
  type: string;
  options: Record<string, unknown>;
  lastEpoch: number;
  lastLr: number[];
  [field: string]: unknown;
}

/** The fields of a parameter group a scheduler reads and writes. */
export interface LrGroup {
  lr: number;
  initialLr: number | undefined;
  momentum?: number;
  betas?: readonly [number, number];
  nesterov?: boolean;
}

/** The optimizer's groups as a scheduler sees them. */
export function groupsOf(optimizer: Optimizer): LrGroup[] {
  return optimizer.paramGroups as unknown as LrGroup[];
}

/** What every scheduler has: its optimizer, the lrs it set last, and its state dict. */
export abstract class Scheduler {
  /** The optimizer whose groups' lrs this scheduler sets. */
  readonly optimizer: Optimizer;
  protected readonly _name: string;
  protected _lastLr: number[] = [];

  protected constructor(name: string, optimizer: Optimizer) {
    if (!(optimizer instanceof Optimizer)) throw new Error(`${name}: expected an optimizer (SGD, Adam, AdamW) as the first argument, got ${describe(optimizer)}`);
    this._name = name;
    this.optimizer = optimizer;
  }

  /** The scheduler's name: "StepLR", "CosineAnnealingLR", … (its state dict's `type`). */
  get name(): string {
    return this._name;
  }

  /** The lr of every parameter group as this scheduler last set (or found) it. */
  getLastLr(): number[] {
    return this._lastLr.slice();
  }

  /** The scheduler's state as plain JSON-able data (see the file comment). */
  abstract stateDict(): SchedulerStateDict;

  /**
   * Restore a state made by `stateDict()` of a scheduler of the same type on an optimizer with as
   * many parameter groups. Checked first: on any problem nothing changes.
   */
  loadStateDict(sd: SchedulerStateDict): void {
    this[PREPARE_LOAD](sd, `${this._name}.loadStateDict`)();
  }

  /** Check `sd` without changing anything; returns the function that loads it (which cannot fail). */
  abstract [PREPARE_LOAD](sd: unknown, where: string): () => void;

  /** The groups, checked to be as many as this scheduler was made for. */
  protected groups(count = this._lastLr.length): LrGroup[] {
    const groups = groupsOf(this.optimizer);
    if (groups.length !== count) {
      throw new Error(`${this._name}: the optimizer has ${groups.length} parameter groups, but this scheduler was made for ${count} (a group added after the scheduler is not scheduled; make a new scheduler)`);
    }
    return groups;
  }

  /** Set every group's lr to `lrs` after checking all of them (finite, ≥ 0): nothing is set when one is bad. */
  protected setLrs(lrs: readonly number[], when: string): void {
    const groups = this.groups(lrs.length);
    lrs.forEach((v, i) => {
      if (!(Number.isFinite(v) && v >= 0)) {
        throw new Error(`${this._name}: ${when} would set paramGroups[${i}].lr to ${v}, which is not a finite number >= 0; nothing was changed`);
      }
    });
    groups.forEach((g, i) => (g.lr = lrs[i]));
    this._lastLr = groups.map((g) => g.lr);
  }
}

/** Symbols of the steps SequentialLR makes its schedulers take (PyTorch's `_initial_step`, `_update_lr(0)`, `last_epoch -= 1`). */
export const INITIAL_STEP: unique symbol = Symbol("initialStep");
export const RESTART: unique symbol = Symbol("restart");
export const UNDO_STEP: unique symbol = Symbol("undoStep");

/**
 * The base of the epoch-based schedulers (all but ReduceLROnPlateau): PyTorch's LRScheduler
 * mechanics (see the file comment). Subclasses give the chainable form (`chainedLr`) and, where
 * PyTorch has one, the closed form (`closedFormLr`).
 */
export abstract class LRScheduler extends Scheduler {
  protected _lastEpoch = -1;
  protected _baseLrs: number[] = [];
  /** True during the constructor's step (PyTorch's `_is_initial`). */
  protected _isInitial = false;

  /** How many times step() has run (PyTorch's `last_epoch`): 0 after the constructor. */
  get lastEpoch(): number {
    return this._lastEpoch;
  }

  /** The lr each group started from (its `initialLr`). */
  get baseLrs(): number[] {
    return this._baseLrs.slice();
  }

  /** Advance one epoch and set every group's lr. Call it after `optimizer.step()`. */
  step(): void {
    this._lastEpoch++;
    try {
      this.setLrs(this.chainedLr(this.groups()), `step ${this._lastEpoch}`);
      this.afterStep();
    } catch (e) {
      this._lastEpoch--;
      throw e;
    }
  }

  /**
   * Set the groups' `initialLr` (only where unset, as PyTorch's setdefault, or all of them when
   * `overwrite` is given, as OneCycleLR does) and take the base lrs from there.
   */
  protected setBaseLrs(overwrite?: readonly number[]): void {
    const groups = groupsOf(this.optimizer);
    groups.forEach((g, i) => {
      if (overwrite) g.initialLr = overwrite[i];
      else if (g.initialLr === undefined) g.initialLr = g.lr;
    });
    this._baseLrs = groups.map((g) => g.initialLr!);
    this._lastLr = groups.map((g) => g.lr);
  }

  /** The constructor's step (PyTorch's `_initial_step`): lastEpoch −1 → 0. Subclasses call it last in their constructor. */
  protected initialStep(): void {
    this._isInitial = true;
    try {
      this.step();
    } finally {
      this._isInitial = false;
    }
  }

  [INITIAL_STEP](): void {
    this.initialStep();
  }

  /** SequentialLR at a milestone: lastEpoch = 0 and the closed form if there is one, else the chainable form (PyTorch's `_update_lr(0)`). */
  [RESTART](): void {
    const before = this._lastEpoch;
    this._lastEpoch = 0;
    try {
      const groups = this.groups();
      this.setLrs(this.closedFormLr?.() ?? this.chainedLr(groups), "the milestone");
      this.afterStep();
    } catch (e) {
      this._lastEpoch = before;
      throw e;
    }
  }

  [UNDO_STEP](): void {
    this._lastEpoch--;
  }

  /** The lrs for `lastEpoch` from the groups' current lrs (PyTorch's `get_lr`). */
  protected abstract chainedLr(groups: readonly LrGroup[]): number[];

  /** The lrs for `lastEpoch` from the base lrs (PyTorch's `_get_closed_form_lr`), where PyTorch has it. */
  protected closedFormLr?(): number[];

  /** After the lrs are set (OneCycleLR sets the momenta here). */
  protected afterStep(): void {}

  /** The normalised options, as the state dict holds them. */
  protected abstract get options(): Record<string, unknown>;

  /** Check options from a state dict and return the function that installs them. */
  protected abstract prepareOptions(options: unknown, where: string): () => void;

  /** Extra state fields of a subclass (none by default). */
  protected extraState(): Record<string, unknown> {
    return {};
  }

  stateDict(): SchedulerStateDict {
    return {
      type: this._name, options: this.options, lastEpoch: this._lastEpoch, baseLrs: this._baseLrs.slice(), lastLr: this._lastLr.slice(), ...this.extraState(),
    };
  }

  [PREPARE_LOAD](sd: unknown, where: string): () => void {
    const n = groupsOf(this.optimizer).length;
    const s = checkStateShape(where, sd, this._name, ["options", "lastEpoch", "baseLrs", "lastLr"]);
    const setOptions = this.prepareOptions(s.options, where);
    const lastEpoch = checkInt(`${where}: state dict`, "lastEpoch", s.lastEpoch, -1);
    const baseLrs = checkLrList(`${where}: state dict`, "baseLrs", s.baseLrs, n);
    const lastLr = checkLrList(`${where}: state dict`, "lastLr", s.lastLr, n);
    return () => {
      setOptions();
      this._lastEpoch = lastEpoch;
      this._baseLrs = baseLrs;
      this._lastLr = lastLr;
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Checks

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? (v.constructor?.name && v.constructor !== Object ? `a ${v.constructor.name}` : "an object") : `${typeof v} ${quote(v)}`;
}

/** The options object with unknown keys rejected. */
export function checkKeys<T extends object>(name: string, opts: unknown, allowed: readonly string[], example: string): Partial<T> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) throw new Error(`${name}: options must be an object such as ${example}, got ${describe(opts)}`);
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) throw new Error(`${name}: unknown option ${quote(key)}; expected one of: ${allowed.join(", ")}`);
  }
  return opts as Partial<T>;
}

export function checkInt(name: string, field: string, v: unknown, min: number): number {
  if (!Number.isSafeInteger(v) || (v as number) < min) throw new Error(`${name}: ${field} must be an integer >= ${min}, got ${quote(v)}`);
  return v as number;
}

export function checkNumber(name: string, field: string, v: unknown, min = -Infinity): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${name}: ${field} must be a finite number, got ${quote(v)}`);
  if (v < min) throw new Error(`${name}: ${field} must be >= ${min}, got ${quote(v)}`);
  return v;
}

export function checkChoice<T extends string>(name: string, field: string, v: unknown, choices: readonly T[]): T {
  if (!choices.includes(v as T)) throw new Error(`${name}: ${field} must be one of ${choices.map((c) => quote(c)).join(", ")}, got ${quote(v)}`);
  return v as T;
}

export function checkBool(name: string, field: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new Error(`${name}: ${field} must be a boolean, got ${quote(v)}`);
  return v;
}

/** A number for every group, or one for all (PyTorch's `_format_param`): returns one per group. */
export function perGroup(name: string, field: string, v: unknown, groups: number, check: (field: string, x: unknown) => number): number[] {
  if (Array.isArray(v)) {
    if (v.length !== groups) throw new Error(`${name}: ${field} has ${v.length} values, but the optimizer has ${groups} parameter groups (give one value, or one per group)`);
    return v.map((x, i) => check(`${field}[${i}]`, x));
  }
  const x = check(field, v);
  return new Array<number>(groups).fill(x);
}

function checkLrList(name: string, field: string, v: unknown, n: number): number[] {
  if (!Array.isArray(v) || v.length !== n) throw new Error(`${name}: ${field} must be an array of ${n} learning rates (one per parameter group), got ${quote(v)}`);
  return v.map((x, i) => checkNumber(name, `${field}[${i}]`, x, 0));
}

/** The state dict as an object of the right type with every key in `required` and no other. */
export function checkStateShape(where: string, sd: unknown, type: string, required: readonly string[]): Record<string, unknown> {
  if (sd === null || typeof sd !== "object" || Array.isArray(sd)) throw new Error(`${where}: expected a scheduler state dict object, got ${describe(sd)}; nothing was loaded`);
  const s = sd as Record<string, unknown>;
  if (s.type !== type) throw new Error(`${where}: the state dict is of a ${quote(s.type)}, not of a ${quote(type)}; nothing was loaded`);
  const keys = ["type", ...required];
  const missing = keys.filter((k) => s[k] === undefined);
  if (missing.length) throw new Error(`${where}: the state dict lacks ${missing.map((k) => quote(k)).join(", ")}; nothing was loaded`);
  const extra = Object.keys(s).find((k) => !keys.includes(k));
  if (extra !== undefined) throw new Error(`${where}: the state dict has an unknown key ${quote(extra)} (expected: ${keys.join(", ")}); nothing was loaded`);
  return s;
}

/** A number as JSON can hold it: non-finite values as the strings "Infinity", "-Infinity", "NaN". */
export function encodeNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

/** The inverse of encodeNumber (a number, or one of the three strings). */
export function decodeNumber(name: string, field: string, v: unknown): number {
  if (typeof v === "number") return v;
  if (v === "Infinity" || v === "-Infinity" || v === "NaN") return Number(v);
  throw new Error(`${name}: ${field} must be a number (or "Infinity", "-Infinity", "NaN"), got ${quote(v)}`);
}

/** Python's a % m (the sign of m), for PyTorch's modular tests with negative a. */
export function pyMod(a: number, m: number): number {
  return ((a % m) + m) % m;
}
