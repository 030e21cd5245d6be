/**
 * im2col and col2im: the layout moves that turn a convolution into one matrix product.
 *
 * `unfold` writes, for every window position of the output, the input values its kernel taps
 * see, as the columns of a matrix cols [c·kh·kw, n·outH·outW]: row (ci, p, q) is channel ci at
 * tap (p, q), column (b, i, j) is sample b's window (i, j). A convolution with weights W
 * [out, c·kh·kw] is then W·cols, and pooling is a reduction down each tap block of rows.
 * `fold` is its adjoint: it adds each entry back onto the input element it was read from (an
 * element seen by several windows receives the sum), which is how gradients reach the input.
 *
 * Each row is written left to right (stride 1 in cols), and the input row it reads is found once
 * per window row, so the inner loop is a strided read and nothing else.
 */
import type { FloatArray } from "../../dtype.js";
import type { WindowGeometry } from "../backend.js";

/**
 * The window columns j (of outW) whose tap at column offset `off` = q·dw − padLeft lands inside
 * the input row: j in [first, end). Outside that range the tap reads padding.
 */
function insideColumns(off: number, sw: number, w: number, outW: number): [number, number] {
  const first = off >= 0 ? 0 : Math.min(outW, Math.ceil(-off / sw));
  const end = off > w - 1 ? 0 : Math.min(outW, Math.floor((w - 1 - off) / sw) + 1);
  return [first, Math.max(first, end)];
}

export function unfold(x: FloatArray, g: WindowGeometry, cols: FloatArray, padValue: number): void {
  const { n, c, h, w, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW } = g;
  let o = 0; // the write position in cols: rows (ci, p, q), then columns (b, i, j)
  for (let ci = 0; ci < c; ci++) {
    for (let p = 0; p < kh; p++) {
      for (let q = 0; q < kw; q++) {
        const off = q * dw - padLeft;
        const [first, end] = insideColumns(off, sw, w, outW);
        for (let b = 0; b < n; b++) {
          const plane = (b * c + ci) * h * w;
          for (let i = 0; i < outH; i++, o += outW) {
            const ih = i * sh - padTop + p * dh;
            if (ih < 0 || ih >= h || first === end) {
              cols.fill(padValue, o, o + outW);
              continue;
            }
            if (first > 0) cols.fill(padValue, o, o + first);
            if (end < outW) cols.fill(padValue, o + end, o + outW);
            const src = plane + ih * w + off;
            for (let j = first; j < end; j++) cols[o + j] = x[src + j * sw];
          }
        }
      }
    }
  }
}

export function fold(cols: FloatArray, g: WindowGeometry, x: FloatArray): void {
  const { n, c, h, w, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW } = g;
  let o = 0; // the read position in cols, in unfold's order
  for (let ci = 0; ci < c; ci++) {
    for (let p = 0; p < kh; p++) {
      for (let q = 0; q < kw; q++) {
        const off = q * dw - padLeft;
        const [first, end] = insideColumns(off, sw, w, outW);
        for (let b = 0; b < n; b++) {
          const plane = (b * c + ci) * h * w;
          for (let i = 0; i < outH; i++, o += outW) {
            const ih = i * sh - padTop + p * dh;
            if (ih < 0 || ih >= h) continue; // a padding row: nothing to give back
            const dst = plane + ih * w + off;
            for (let j = first; j < end; j++) x[dst + j * sw] += cols[o + j];
          }
        }
      }
    }
  }
}
