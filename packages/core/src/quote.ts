/**
 * How error messages show a value the caller passed: readable, and never longer than a short
 * prefix, however large the value (a 5 MB string must not become a 5 MB message). Only what is
 * shown is ever converted, so quoting a huge array or string costs no more than a small one.
 */

/** At most this many characters of a quoted value are shown, by default. */
export const QUOTE_MAX = 80;

/**
 * `value` as JSON-like text cut to `max` characters: `"abc…" (5000000 characters)`,
 * `[1, 2, 3, … 99997 more]`, `{"a":1,…}`. Never throws (cycles, BigInt and functions included).
 */
export function quote(value: unknown, max = QUOTE_MAX): string {
  if (typeof value === "string") {
    const shown = JSON.stringify(value.length > max ? value.slice(0, max) : value);
    return value.length > max ? `${shown.slice(0, -1)}…" (${value.length} characters)` : shown;
  }
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "symbol") return value.toString();
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return quoteList(value as ArrayLike<unknown>, max);
  return cut(safeJson(value), max);
}

function quoteList(list: ArrayLike<unknown>, max: number): string {
  const parts: string[] = [];
  let length = 1;
  for (let i = 0; i < list.length; i++) {
    const part = quote(list[i], max);
    if (length + part.length + 2 > max && i > 0) return `[${parts.join(", ")}, … ${list.length - i} more]`;
    parts.push(part);
    length += part.length + 2;
  }
  return cut(`[${parts.join(", ")}]`, max);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
