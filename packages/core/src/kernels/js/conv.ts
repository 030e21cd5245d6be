/**
 * A convolution and its two gradients as matrix products over unfolded windows (im2col), the
 * reference the wasm backend's kernels are tested against. For each group of channels:
 *
 *   cols = unfold(x)          [C/groups·kh·kw, N·outH·outW]   one column per window position
 *   y    = W · cols + b        [out/groups, N·outH·outW]       then reordered to NCHW
 *   dx   = fold(Wᵀ · gy)       the columns' gradient added back onto the input (col2im)
 *   dW   = gy · colsᵀ          [out/groups, C/groups·kh·kw]
 *
 * where gy is the upstream gradient reordered from NCHW to [out, N·outH·outW]. Groups are blocks
 * of rows of cols, W, y and gy, so each group is one gemm at an offset. The columns and reordered
 * products are working arrays (scratch.ts), never returned.
 */
import type { FloatArray } from "../../dtype.js";
import type { ConvGeometry } from "../backend.js";
import { gemm } from "./gemm.js";
import { permute } from "./layout.js";
import { scratch } from "./scratch.js";
import { fold, unfold } from "./unfold.js";

const dtypeOf = (x: FloatArray) => (x instanceof Float64Array ? "float64" : "float32");

/** The sizes of one group's products: K rows of cols per group, L window positions, og output channels per group. */
export function convSizes(g: ConvGeometry) {
  return { K: (g.c / g.groups) * g.kh * g.kw, L: g.n * g.outH * g.outW, og: g.out / g.groups, P: g.outH * g.outW };
}

/** x unfolded into the "cols" working array. */
function columns(x: FloatArray, g: ConvGeometry): FloatArray {
  const cols = scratch("cols", dtypeOf(x), g.c * g.kh * g.kw * g.n * g.outH * g.outW);
  unfold(x, g, cols, 0);
  return cols;
}

/** gy [N, out, P] reordered to [out, N·P], in the "rows" working array. */
function gradientRows(gy: FloatArray, g: ConvGeometry): FloatArray {
  const { P } = convSizes(g);
  const rows = scratch("rows", dtypeOf(gy), g.out * g.n * P);
  permute(gy, [g.n, g.out, P], [1, 0, 2], rows);
  return rows;
}

export function convForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, y: FloatArray, g: ConvGeometry): void {
  const { K, L, og, P } = convSizes(g);
  const cols = columns(x, g);
  const rows = scratch("rows", dtypeOf(y), g.out * L);
  for (let k = 0; k < g.groups; k++) gemm(w, k * og * K, cols, k * K * L, rows, k * og * L, og, L, K, false, false);
  if (bias) for (let o = 0; o < g.out; o++) for (let l = o * L; l < (o + 1) * L; l++) rows[l] += bias[o]; // each output channel's row
  permute(rows, [g.out, g.n, P], [1, 0, 2], y);
}

export function convInput(gy: FloatArray, w: FloatArray, dx: FloatArray, g: ConvGeometry): void {
  const { K, L, og } = convSizes(g);
  const rows = gradientRows(gy, g);
  const cols = scratch("cols", dtypeOf(dx), g.groups * K * L);
  for (let k = 0; k < g.groups; k++) gemm(w, k * og * K, rows, k * og * L, cols, k * K * L, K, L, og, true, false);
  dx.fill(0);
  fold(cols, g, dx);
}

export function convWeight(x: FloatArray, gy: FloatArray, dw: FloatArray, g: ConvGeometry): void {
  const { K, L, og } = convSizes(g);
  const cols = columns(x, g);
  const rows = gradientRows(gy, g);
  for (let k = 0; k < g.groups; k++) gemm(rows, k * og * L, cols, k * K * L, dw, k * og * K, og, K, L, false, true);
}
