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

export function unfold(x: FloatArray, g: WindowGeometry, cols: FloatArray, padValue: number): void {
  const { n, c, h, w, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW } = g;
  let o = 0; // the write position in cols: rows (ci, p, q), then columns (b, i, j)
  for (let ci = 0; ci < c; ci++) {
    for (let p = 0; p < kh; p++) {
      for (let q = 0; q < kw; q++) {
        for (let b = 0; b < n; b++) {
          const plane = (b * c + ci) * h * w;
          for (let i = 0; i < outH; i++) {
            const ih = i * sh - padTop + p * dh;
            if (ih < 0 || ih >= h) {
              cols.fill(padValue, o, o + outW);
              o += outW;
              continue;
            }
            const row = plane + ih * w;
            let iw = q * dw - padLeft;
            for (let j = 0; j < outW; j++, iw += sw) cols[o++] = iw >= 0 && iw < w ? x[row + iw] : padValue;
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
        for (let b = 0; b < n; b++) {
          const plane = (b * c + ci) * h * w;
          for (let i = 0; i < outH; i++) {
            const ih = i * sh - padTop + p * dh;
            if (ih < 0 || ih >= h) { o += outW; continue; } // a padding row: nothing to give back
            const row = plane + ih * w;
            let iw = q * dw - padLeft;
            for (let j = 0; j < outW; j++, iw += sw, o++) if (iw >= 0 && iw < w) x[row + iw] += cols[o];
          }
        }
      }
    }
  }
}
