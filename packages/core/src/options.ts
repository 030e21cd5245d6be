/**
 * Options objects are checked like arguments: a misspelt key is an error, not a silent default.
 */
import { quote } from "./quote.js";

export function checkOptions<T extends object>(op: string, opts: T | undefined, allowed: readonly string[]): T {
  if (opts === undefined || opts === null) return {} as T;
  if (typeof opts !== "object" || Array.isArray(opts)) {
    throw new Error(`${op}: options must be an object, got ${Array.isArray(opts) ? "an array" : typeof opts}`);
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) {
      throw new Error(`${op}: unknown option ${quote(key)}; expected one of: ${allowed.join(", ")}`);
    }
  }
  return opts;
}

/**
 * A number option, or an error naming the op and the option: finite unless `finite: false`, and
 * with `min` (inclusive) or `above` (exclusive) a lower bound.
 */
export function checkNumber(op: string, name: string, v: unknown, { finite = true, min, above }: { finite?: boolean; min?: number; above?: number } = {}): number {
  if (typeof v !== "number" || Number.isNaN(v) || (finite && !Number.isFinite(v))) {
    throw new Error(`${op}: ${name} must be a ${finite ? "finite " : ""}number, got ${quote(v)}`);
  }
  if (min !== undefined && v < min) throw new Error(`${op}: ${name} must be ≥ ${min}, got ${v}`);
  if (above !== undefined && v <= above) throw new Error(`${op}: ${name} must be > ${above}, got ${v}`);
  return v;
}
