/**
 * Printing tensors: nested arrays and a readable multi-line string, like PyTorch's repr.
 * Imports only types, so the Tensor class can use it without a cycle.
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

const EDGE = 3; // values shown at each end of an axis when summarising
const SUMMARISE_ABOVE = 1000;

function formatNumber(v: number, decimals: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-4)) return v.toExponential(decimals);
  return v.toFixed(decimals);
}

export function formatTensor(t: Tensor): string {
  const { data, shape } = t;
  const summarise = data.length > SUMMARISE_ABOVE;
  const cells = Array.from(data, (v) => formatNumber(v, 4));
  const width = Math.max(1, ...cells.map((c) => c.length));
  const pad = (i: number) => cells[i].padStart(width);
  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) { strides[i] = s; s *= shape[i]; }

  const render = (axis: number, offset: number, indent: string): string => {
    const n = shape[axis];
    const show = (i: number) => !summarise || n <= 2 * EDGE || i < EDGE || i >= n - EDGE;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      if (!show(i)) { if (i === EDGE) parts.push("..."); continue; }
      parts.push(axis === shape.length - 1 ? pad(offset + i) : render(axis + 1, offset + i * strides[axis], indent + " "));
    }
    const sep = axis === shape.length - 1 ? ", " : "," + "\n".repeat(shape.length - 1 - axis) + indent + " ";
    return "[" + parts.join(sep) + "]";
  };

  const body = shape.length === 0 ? pad(0) : render(0, 0, "");
  const info = [`shape=[${shape.join(", ")}]`, `dtype=${t.dtype}`];
  if (t.op) info.push(`op=${t.op}`);
  if (t.requiresGrad) info.push("requiresGrad=true");
  if (t.name) info.push(`name=${JSON.stringify(t.name)}`);
  return `Tensor(${info.join(", ")})\n${body}`;
}
