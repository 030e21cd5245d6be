/**
 * Printing tensors as PyTorch prints them (torch/_tensor_str.py, default print options): `repr`
 * for Node's console.log/util.inspect, and `toString()` in the same format with the shape and dtype
 * always shown. Imports only types, so the Tensor class can use it without a cycle.
 *
 * The rules, as PyTorch's: four decimals in fixed notation (`1.5000`); a float tensor whose values
 * are all whole numbers prints them as `1.` (int mode); scientific notation (`1.0000e-05`) when the
 * largest nonzero |value| over the smallest exceeds 1000, or the largest exceeds 1e8, or the
 * smallest is below 1e-4 — judged on the finite nonzero values shown; one width for every element,
 * right-aligned; rows wrapped at 80 characters; past 1000 elements, each axis longer than 6 shows
 * its first and last 3 entries around `...`. Suffixes follow the values: `dtype=float64` when not
 * the default float32, `grad_fn=<op>` for an op's result or `requires_grad=True` for a leaf that
 * requires grad, and `name="…"` when the tensor has a name.
 *
 * Where we differ from PyTorch's text (on purpose): `dtype=float64` for `dtype=torch.float64`;
 * `grad_fn=<mul>`, the op's own name (as `t.op` gives it), for `grad_fn=<MulBackward0>`;
 * `shape=[0, 3]` for `size=(0, 3)` (an empty tensor that is not 1-D); and `name="…"`, which
 * PyTorch tensors do not have.
 */
import type { FloatArray } from "./dtype.js";
import type { Tensor } from "./tensor.js";

type Nested = number | Nested[];

export function toNested(data: FloatArray, shape: readonly number[]): Nested {
  if (shape.length === 0) return data[0];
  const build = (axis: number, offset: number, stride: number): Nested[] => {
    const n = shape[axis];
    const inner = stride / Math.max(n, 1);
    const out: Nested[] = [];
    for (let i = 0; i < n; i++) {
      out.push(axis === shape.length - 1 ? data[offset + i] : build(axis + 1, offset + i * inner, inner));
    }
    return out;
  };
  return build(0, 0, data.length);
}

/** PyTorch's default print options. */
const PRECISION = 4;
const THRESHOLD = 1000; // summarise tensors of more elements than this
const EDGE_ITEMS = 3; // entries shown at each end of a summarised axis
const LINE_WIDTH = 80;
const PREFIX = "tensor(";

// ---- Numbers, exactly as Python's format() writes them -------------------------------------------

/**
 * The exact decimal value of a finite, nonzero |x|: its digits (no leading or trailing zeros) and
 * where the point goes (value = 0.digits × 10^point). A double is m·2^e; for e < 0 that is
 * m·5^(−e) / 10^(−e), so BigInt gives every digit.
 */
function exactDigits(x: number): { digits: string; point: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const biased = hi >>> 20;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) mantissa |= 1n << 52n;
  const e = (biased === 0 ? 1 : biased) - 1075;
  const n = e >= 0 ? mantissa << BigInt(e) : mantissa * 5n ** BigInt(-e);
  const all = n.toString();
  const point = all.length + Math.min(e, 0); // e < 0: the last −e digits are decimals
  const digits = all.replace(/0+$/, "");
  return { digits, point };
}

/**
 * `digits` (an exact expansion, no trailing zeros) rounded to its first `keep` digits, half to even
 * as Python rounds: the kept digits as a BigInt (keep ≤ 0 keeps nothing: 0 or, rounding up, 1 at
 * that position).
 */
function roundDigits(digits: string, keep: number): bigint {
  if (keep >= digits.length) return BigInt(digits.padEnd(keep, "0"));
  if (keep < 0) return 0n; // below half a unit of the last kept place
  const head = keep === 0 ? 0n : BigInt(digits.slice(0, keep));
  const rest = digits.slice(keep); // nonempty, ends in a nonzero digit
  const up = rest[0] > "5" || (rest[0] === "5" && (rest.length > 1 || head % 2n === 1n));
  return up ? head + 1n : head;
}

const signOf = (x: number) => (x < 0 || Object.is(x, -0) ? "-" : "");

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  return null;
}

/** Python's f"{x:.{d}f}": exactly rounded, half to even, "-0.0000" for −0 and small negatives. */
export function formatFixed(x: number, d: number): string {
  const special = nonFinite(x);
  if (special) return special;
  const sign = signOf(x);
  if (x === 0) return sign + (d > 0 ? `0.${"0".repeat(d)}` : "0");
  const { digits, point } = exactDigits(x);
  const s = roundDigits(digits, point + d).toString().padStart(d + 1, "0");
  return sign + (d > 0 ? `${s.slice(0, -d)}.${s.slice(-d)}` : s);
}

/** Python's f"{x:.{d}e}": d decimals in the mantissa, a signed exponent of at least two digits. */
export function formatScientific(x: number, d: number): string {
  const special = nonFinite(x);
  if (special) return special;
  const sign = signOf(x);
  let mantissa: string, exponent: number;
  if (x === 0) {
    mantissa = "0".repeat(d + 1);
    exponent = 0;
  } else {
    const { digits, point } = exactDigits(x);
    mantissa = roundDigits(digits, d + 1).toString();
    exponent = point - 1;
    if (mantissa.length > d + 1) { // 9.99995 → 10.0000: one more digit
      mantissa = mantissa.slice(0, d + 1);
      exponent += 1;
    }
  }
  const m = d > 0 ? `${mantissa[0]}.${mantissa.slice(1)}` : mantissa;
  return `${sign}${m}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

// ---- The formatter: one notation and width for every element shown ---------------------------------

interface Formatter {
  width: number;
  format(v: number): string;
}

/** PyTorch's _Formatter, over the values that will be shown. */
function formatterFor(values: number[]): Formatter {
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
  let intMode = true, sci = false, width = 1;
  if (finite.length) {
    const abs = finite.map(Math.abs);
    const lo = Math.min(...abs), hi = Math.max(...abs);
    intMode = finite.every((v) => Number.isInteger(v));
    sci = hi / lo > 1000 || hi > 1e8 || lo < 1e-4;
    for (const v of finite) {
      const len = sci ? formatScientific(v, PRECISION).length : intMode ? formatFixed(v, 0).length + 1 : formatFixed(v, PRECISION).length;
      width = Math.max(width, len);
    }
  }
  const format = (v: number): string => {
    let s: string;
    if (sci) s = formatScientific(v, PRECISION);
    else if (intMode) s = Number.isFinite(v) ? `${formatFixed(v, 0)}.` : formatFixed(v, 0);
    else s = formatFixed(v, PRECISION);
    return s.padStart(width);
  };
  return { width, format };
}

// ---- Layout ---------------------------------------------------------------------------------------

/** The positions shown along an axis of size n: all, or the first and last EDGE_ITEMS around a gap (-1). */
function shownIndices(n: number, summarise: boolean): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (!summarise || n <= 2 * EDGE_ITEMS) return all;
  return [...all.slice(0, EDGE_ITEMS), -1, ...all.slice(n - EDGE_ITEMS)];
}

/** The values of the tensor, nested with PyTorch's indentation and line breaks (the `[...]` part). */
function body(t: Tensor, indent: number): string {
  const { data, shape } = t;
  if (t.size === 0) return "[]";
  const summarise = t.size > THRESHOLD;
  const strides: number[] = [];
  for (let i = shape.length - 1, s = 1; i >= 0; i--) { strides[i] = s; s *= shape[i]; }

  // The formatter sees only what is shown (as PyTorch's get_summarized_data).
  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    if (axis === shape.length) { shown.push(data[offset]); return; }
    for (const i of shownIndices(shape[axis], summarise)) if (i >= 0) collect(axis + 1, offset + i * strides[axis]);
  };
  collect(0, 0);
  const f = formatterFor(shown);
  if (shape.length === 0) return f.format(data[0]);

  const render = (axis: number, offset: number, ind: number): string => {
    const idx = shownIndices(shape[axis], summarise);
    if (axis === shape.length - 1) {
      const items = idx.map((i) => (i < 0 ? " ..." : f.format(data[offset + i])));
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - ind) / (f.width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
      return `[${lines.join(`,\n${" ".repeat(ind + 1)}`)}]`;
    }
    const rows = idx.map((i) => (i < 0 ? "..." : render(axis + 1, offset + i * strides[axis], ind + 1)));
    return `[${rows.join(`,${"\n".repeat(shape.length - 1 - axis)}${" ".repeat(ind + 1)}`)}]`;
  };
  return render(0, 0, indent);
}

/** PyTorch's _add_suffixes: each suffix after ", ", or on a new line when the line would pass 80 characters. */
function withSuffixes(text: string, suffixes: string[], indent: number): string {
  let lastLine = text.length - text.lastIndexOf("\n") + 1;
  let out = text;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > LINE_WIDTH) {
      out += `,\n${" ".repeat(indent)}${s}`;
      lastLine = indent + s.length;
    } else {
      out += `, ${s}`;
      lastLine += s.length + 2;
    }
  }
  return `${out})`;
}

/**
 * The tensor as PyTorch's repr writes it (see the top of this file), or with `full` (toString) the
 * shape and dtype always shown: `tensor([1.5000, 2.0000], shape=[2], dtype=float32)`.
 */
export function formatTensor(t: Tensor, full = false): string {
  const suffixes: string[] = [];
  if (full || (t.size === 0 && t.ndim !== 1)) suffixes.push(`shape=[${t.shape.join(", ")}]`);
  if (full || t.dtype !== "float32") suffixes.push(`dtype=${t.dtype}`);
  if (t.op !== null) suffixes.push(`grad_fn=<${t.op}>`);
  else if (t.requiresGrad) suffixes.push("requires_grad=True");
  if (t.name !== undefined) suffixes.push(`name=${JSON.stringify(t.name)}`);
  return withSuffixes(PREFIX + body(t, PREFIX.length), suffixes, PREFIX.length);
}
