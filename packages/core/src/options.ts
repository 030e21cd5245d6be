/**
 * Options objects are checked like arguments: a misspelt key is an error, not a silent default.
 */
export function checkOptions<T extends object>(op: string, opts: T | undefined, allowed: readonly string[]): T {
  if (opts === undefined || opts === null) return {} as T;
  if (typeof opts !== "object" || Array.isArray(opts)) {
    throw new Error(`${op}: options must be an object, got ${Array.isArray(opts) ? "an array" : typeof opts}`);
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) {
      throw new Error(`${op}: unknown option ${JSON.stringify(key)}; expected one of: ${allowed.join(", ")}`);
    }
  }
  return opts;
}

export function checkNumber(op: string, name: string, v: unknown, { finite = true } = {}): number {
  if (typeof v !== "number" || Number.isNaN(v) || (finite && !Number.isFinite(v))) {
    throw new Error(`${op}: ${name} must be a ${finite ? "finite " : ""}number, got ${String(v)}`);
  }
  return v;
}
