/**
 * State dicts: a module's tensors as plain JSON-serialisable data, and loading them back.
 *
 * Format: { [dottedName]: { shape: number[], dtype: "float32" | "float64", data: number[] } }.
 * Loading validates everything first and only then writes, so a bad state dict (wrong shape, a
 * missing key, a non-number value) changes nothing; every error names the offending key.
 * A state dict may come from an untrusted file, so messages show its keys and values through
 * core's quote(): a short prefix, never the whole of a huge value.
 */
import { quote, Tensor, type DType } from "@backprop/core";

export interface TensorState {
  shape: number[];
  dtype: DType;
  data: number[];
}
export type StateDict = Record<string, TensorState>;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export function toStateDict(named: readonly [string, Tensor][]): StateDict {
  const sd: StateDict = {};
  for (const [name, t] of named) sd[name] = { shape: t.shape.slice(), dtype: t.dtype, data: Array.from(t.data) };
  return sd;
}

const fmt = (shape: readonly number[]) => `[${shape.join(", ")}]`;

/** At most `max` keys, each quoted, then how many more: a list never grows with the state dict. */
export function quoteKeys(keys: readonly string[], max = 5): string {
  const shown = keys.slice(0, max).map((k) => quote(k)).join(", ");
  return keys.length > max ? `${shown}, … ${keys.length - max} more` : shown;
}

/**
 * What is wrong with one state-dict entry, or null: an object { shape, dtype, data } whose data fits
 * its shape — and, given `moduleShape`, whose shape is the module tensor's. (toSafetensors checks a
 * state dict with no module the same way.)
 */
export function entryProblem(entry: unknown, moduleShape?: readonly number[]): string | null {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return "entry must be an object { shape, dtype, data }";
  const { shape, dtype, data } = entry as Partial<TensorState>;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) return `shape must be an array of non-negative integers, got ${quote(shape)}`;
  if (moduleShape && (shape.length !== moduleShape.length || shape.some((d, i) => d !== moduleShape[i]))) return `shape ${quote(shape)} does not match the module's ${fmt(moduleShape)}`;
  if (dtype !== "float32" && dtype !== "float64") return `dtype must be "float32" or "float64", got ${quote(dtype)}`;
  if (!Array.isArray(data)) return `data must be an array of numbers, got ${data === null ? "null" : typeof data}`;
  const size = shape.reduce((p, d) => p * d, 1);
  if (data.length !== size) return `data has ${data.length} values, but shape ${fmt(shape)} needs ${size}`;
  const bad = data.findIndex((v) => typeof v !== "number");
  if (bad >= 0) return `data[${bad}] is ${quote(data[bad])}, not a number`;
  return null;
}

/**
 * A validated entry's values as a tensor of `t`'s dtype and shape (rounded to float32 as tensor()
 * rounds). A plain loop into a typed array: tensor() walks a number[] as a nested array, which
 * takes seconds for the 30M values of a large model loaded from safetensors.
 */
function valuesFor(data: readonly number[], t: Tensor): Tensor {
  const values = t.dtype === "float64" ? new Float64Array(data.length) : new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) values[i] = data[i];
  return new Tensor(values, t.shape.slice());
}

export function loadState(named: readonly [string, Tensor][], sd: StateDict, opts: { strict?: boolean }): LoadResult {
  const strict = opts.strict ?? true;
  if (typeof strict !== "boolean") throw new Error(`loadStateDict: strict must be a boolean, got ${quote(strict)}`);
  if (sd === null || typeof sd !== "object" || Array.isArray(sd)) {
    throw new Error(`loadStateDict: expected a state dict object { [name]: { shape, dtype, data } }, got ${Array.isArray(sd) ? "an array" : typeof sd}`);
  }
  const own = new Map(named);
  const missingKeys = named.map(([k]) => k).filter((k) => !Object.hasOwn(sd, k));
  const unexpectedKeys = Object.keys(sd).filter((k) => !own.has(k));
  if (strict && (missingKeys.length || unexpectedKeys.length)) {
    const parts = [];
    if (missingKeys.length) parts.push(`missing keys: ${quoteKeys(missingKeys)}`);
    if (unexpectedKeys.length) parts.push(`unexpected keys: ${quoteKeys(unexpectedKeys)}`);
    throw new Error(`loadStateDict: the state dict does not match the module (${parts.join("; ")}); nothing was loaded. Pass { strict: false } to load the matching keys only`);
  }
  // Validate every entry before writing any.
  const writes: [Tensor, Tensor][] = [];
  for (const [key, t] of own) {
    if (!Object.hasOwn(sd, key)) continue;
    const why = entryProblem(sd[key], t.shape);
    if (why) throw new Error(`loadStateDict: key ${quote(key)}: ${why}; nothing was loaded`);
    writes.push([t, valuesFor(sd[key].data, t)]);
  }
  for (const [t, src] of writes) t.copy_(src); // values are cast to the parameter's dtype
  return { missingKeys, unexpectedKeys };
}
