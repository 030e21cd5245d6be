/**
 * im2col (unfold), col2im (fold) and the [a, b, rest] → [b, a, rest] reorder, in float32 over
 * linear memory: the twins of src/kernels/js/unfold.ts (same layout, same order of additions), so
 * a convolution on the wasm backend keeps its columns in WebAssembly memory, where the gemm reads
 * them, instead of building them in JavaScript and copying them in.
 *
 * cols is [c·kh·kw, n·outH·outW]: row (ci, p, q), column (b, i, j) holds the input value tap (p, q)
 * of window (i, j) of sample b sees, or padValue outside the input. Pointers are byte offsets.
 */

@inline function imax(a: i32, b: i32): i32 { return a > b ? a : b; }
@inline function imin(a: i32, b: i32): i32 { return a < b ? a : b; }

/** First window column whose tap at offset `off` lands inside a row of w (see insideEnd). */
@inline function insideFirst(off: i32, sw: i32, outW: i32): i32 {
  return off >= 0 ? 0 : imin(outW, (-off + sw - 1) / sw);
}

/** One past the last window column whose tap at offset `off` lands inside a row of w. */
@inline function insideEnd(off: i32, sw: i32, w: i32, outW: i32, first: i32): i32 {
  return off > w - 1 ? first : imax(first, imin(outW, (w - 1 - off) / sw + 1));
}

@inline function fillF32(at: usize, value: f32, count: i32): void {
  for (let j = 0; j < count; j++) store<f32>(at + (<usize>j << 2), value);
}

export function unfold(
  x: usize, cols: usize, n: i32, c: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32, padValue: f32,
): void {
  let o = cols;
  const rowBytes = <usize>outW << 2;
  for (let ci = 0; ci < c; ci++) {
    for (let p = 0; p < kh; p++) {
      for (let q = 0; q < kw; q++) {
        const off = q * dw - padLeft;
        const first = insideFirst(off, sw, outW), end = insideEnd(off, sw, w, outW, first);
        for (let b = 0; b < n; b++) {
          const plane = x + (<usize>((b * c + ci) * h * w) << 2);
          for (let i = 0; i < outH; i++, o += rowBytes) {
            const ih = i * sh - padTop + p * dh;
            if (ih < 0 || ih >= h || first == end) { fillF32(o, padValue, outW); continue; }
            fillF32(o, padValue, first);
            fillF32(o + (<usize>end << 2), padValue, outW - end);
            const src = plane + (<usize>(ih * w + off) << 2);
            if (sw == 1) {
              memory.copy(o + (<usize>first << 2), src + (<usize>first << 2), <usize>(end - first) << 2);
            } else {
              for (let j = first; j < end; j++) store<f32>(o + (<usize>j << 2), load<f32>(src + (<usize>(j * sw) << 2)));
            }
          }
        }
      }
    }
  }
}

/** x += each entry of cols at the input element it was read from (x is not cleared first). */
export function fold(
  cols: usize, x: usize, n: i32, c: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  let o = cols;
  const rowBytes = <usize>outW << 2;
  for (let ci = 0; ci < c; ci++) {
    for (let p = 0; p < kh; p++) {
      for (let q = 0; q < kw; q++) {
        const off = q * dw - padLeft;
        const first = insideFirst(off, sw, outW), end = insideEnd(off, sw, w, outW, first);
        for (let b = 0; b < n; b++) {
          const plane = x + (<usize>((b * c + ci) * h * w) << 2);
          for (let i = 0; i < outH; i++, o += rowBytes) {
            const ih = i * sh - padTop + p * dh;
            if (ih < 0 || ih >= h) continue;
            const dst = plane + (<usize>(ih * w + off) << 2);
            for (let j = first; j < end; j++) {
              const at = dst + (<usize>(j * sw) << 2);
              store<f32>(at, load<f32>(at) + load<f32>(o + (<usize>j << 2)));
            }
          }
        }
      }
    }
  }
}

/** out [b, a, rest] = x [a, b, rest]: NCHW's [N, out, …] and a product's [out, N, …], either way. */
export function swapLeading(x: usize, out: usize, a: i32, b: i32, rest: i32): void {
  const bytes = <usize>rest << 2;
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) memory.copy(out + <usize>(j * a + i) * bytes, x + <usize>(i * b + j) * bytes, bytes);
  }
}

/**
 * Pooling's kernels, the twins of src/kernels/js/pool.ts (same loops; sums and products in f64 and
 * rounded once to f32, as the reference computes them, so both backends give the same bits).
 * planes = n·c; route is [planes, outH, outW, kh·kw].
 */
export function maxWindows(
  x: usize, y: usize, route: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const T = kh * kw;
  memory.fill(route, 0, <usize>(planes * outH * outW * T) << 2);
  let o = 0;
  for (let nc = 0; nc < planes; nc++) {
    const plane = x + (<usize>(nc * h * w) << 2);
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++, o++) {
        let best: f32 = -Infinity, ties = 0, nan = -1, at = -1;
        for (let p = 0; p < kh; p++) {
          const ih = i * sh - padTop + p * dh;
          if (ih < 0 || ih >= h) continue;
          for (let q = 0; q < kw; q++) {
            const iw = j * sw - padLeft + q * dw;
            if (iw < 0 || iw >= w) continue;
            const v = load<f32>(plane + (<usize>(ih * w + iw) << 2));
            if (v != v) { if (nan < 0) nan = p * kw + q; }
            else if (at < 0 || v > best) { best = v; ties = 1; at = p * kw + q; }
            else if (v == best) ties++;
          }
        }
        const r = route + (<usize>(o * T) << 2);
        if (nan >= 0) { store<f32>(y + (<usize>o << 2), NaN); store<f32>(r + (<usize>nan << 2), 1); continue; }
        store<f32>(y + (<usize>o << 2), best);
        if (ties == 1) { store<f32>(r + (<usize>at << 2), 1); continue; }
        const share = <f32>(1.0 / <f64>ties);
        for (let p = 0; p < kh; p++) {
          const ih = i * sh - padTop + p * dh;
          if (ih < 0 || ih >= h) continue;
          for (let q = 0; q < kw; q++) {
            const iw = j * sw - padLeft + q * dw;
            if (iw >= 0 && iw < w && load<f32>(plane + (<usize>(ih * w + iw) << 2)) == best) store<f32>(r + (<usize>(p * kw + q) << 2), share);
          }
        }
      }
    }
  }
}

/** out = Σ route·x over each window's taps inside the plane (gather: average pooling's forward). */
export function gatherWindows(
  x: usize, route: usize, out: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const T = kh * kw;
  let o = 0;
  for (let nc = 0; nc < planes; nc++) {
    const plane = x + (<usize>(nc * h * w) << 2);
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++, o++) {
        let s: f64 = 0;
        const r = route + (<usize>(o * T) << 2);
        for (let p = 0; p < kh; p++) {
          const ih = i * sh - padTop + p * dh;
          if (ih < 0 || ih >= h) continue;
          for (let q = 0; q < kw; q++) {
            const iw = j * sw - padLeft + q * dw, weight = load<f32>(r + (<usize>(p * kw + q) << 2));
            if (iw >= 0 && iw < w && weight != 0) s += <f64>weight * <f64>load<f32>(plane + (<usize>(ih * w + iw) << 2));
          }
        }
        store<f32>(out + (<usize>o << 2), <f32>s);
      }
    }
  }
}

/** dx += route·gy at each tap's input element (scatter: every pool's backward; dx is not cleared). */
export function scatterWindows(
  gy: usize, route: usize, dx: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const T = kh * kw;
  let o = 0;
  for (let nc = 0; nc < planes; nc++) {
    const plane = dx + (<usize>(nc * h * w) << 2);
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++, o++) {
        const v = <f64>load<f32>(gy + (<usize>o << 2));
        const r = route + (<usize>(o * T) << 2);
        for (let p = 0; p < kh; p++) {
          const ih = i * sh - padTop + p * dh;
          if (ih < 0 || ih >= h) continue;
          for (let q = 0; q < kw; q++) {
            const iw = j * sw - padLeft + q * dw, weight = load<f32>(r + (<usize>(p * kw + q) << 2));
            if (iw >= 0 && iw < w && weight != 0) {
              const at = plane + (<usize>(ih * w + iw) << 2);
              store<f32>(at, <f32>(<f64>load<f32>(at) + <f64>weight * v));
            }
          }
        }
      }
    }
  }
}
