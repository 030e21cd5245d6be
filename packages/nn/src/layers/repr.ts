/**
 * Settings as PyTorch prints them in a module's tree (`print(model)`), so that our `toString()`
 * reads like PyTorch's text: floats as Python's repr (`1.0`, `1e-05`), booleans `True`/`False`,
 * strings in single quotes, tuples `(4,)`, null as `None`. Each layer's `extraRepr()` uses these.
 */

/** A number as Python's repr of a float: `1.0`, `0.1`, `1e-05`, `1.5e+16`, `inf`, `nan`, `-0.0`. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // toExponential() without an argument gives the shortest digits that round-trip, as Python's repr.
  const [mantissa, expText] = x.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  const plain = String(x); // plain decimal for 1e-4 ≤ |x| < 1e16 (JavaScript switches at 1e-7 and 1e21)
  return Number.isInteger(x) ? `${plain}.0` : plain;
}

/** Python's True / False. */
export const pyBool = (b: boolean): string => (b ? "True" : "False");

/** Python's repr of a plain string: single quotes. */
export const pyStr = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** Python's repr of a tuple of integers: `(4,)`, `(3, 4)`. */
export const pyTuple = (xs: readonly number[]): string => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(", ")})`);

/** A float setting that may be null (PyTorch's None). */
export const pyOptionalFloat = (x: number | null): string => (x === null ? "None" : pyFloat(x));

/** The `name=value` settings that are set (undefined ones left out), joined as PyTorch joins them. */
export function settings(parts: readonly (string | false | undefined | null)[]): string {
  return parts.filter((p): p is string => typeof p === "string" && p !== "").join(", ");
}
