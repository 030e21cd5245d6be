/** The argument checks the file functions share; every error starts with the function's name. */
import { quote } from "@backprop/core";

export function checkPath(op: string, path: unknown): asserts path is string {
  if (typeof path !== "string" || path === "") throw new Error(`${op}: path must be a non-empty string, got ${quote(path)}`);
}

/** The options of a load: `{ strict?: boolean }` or nothing. */
export function checkLoadOptions<T extends { strict?: boolean }>(op: string, opts: unknown): T {
  if (opts === undefined) return {} as T;
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) throw new Error(`${op}: options must be an object`);
  for (const k of Object.keys(opts)) if (k !== "strict") throw new Error(`${op}: unknown option ${quote(k)}; expected one of: strict`);
  return opts as T;
}
