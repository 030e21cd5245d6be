/**
 * Pooling as weighted sums over windows. Every window position (i, j) of every plane (n, c) has
 * one weight per tap, `route`, laid out [n·c, outH, outW, kh·kw]:
 *
 *   gatherWindows   out[i, j] = Σ_taps route · x[tap]        (average pooling's forward)
 *   scatterWindows  dx[tap]  += route · g[i, j]               (its adjoint: every pool's backward)
 *
 * For max pooling, `maxWindows` finds each window's largest value and writes the route of its
 * gradient: 1/ties on each tap holding the maximum, 0 on the others, so a tie splits the gradient
 * evenly (the policy of `max`). For average pooling the route is 1/divisor on the taps inside the
 * input. Taps outside the input read nothing and receive nothing.
 */
import type { FloatArray } from "../../dtype.js";
import type { WindowGeometry } from "../backend.js";

/**
 * The loops below visit, for window (i, j), the taps p·kw + q that land inside the plane: rows
 * ih = i·sh − padTop + p·dh, columns iw = j·sw − padLeft + q·dw. Written out in each function
 * (no callback per tap: these run once per tap of every window).
 */

export function maxWindows(x: FloatArray, g: WindowGeometry, y: FloatArray, route: FloatArray): void {
  const { kh, kw, sh, sw, dh, dw, padTop, padLeft, h, w } = g, T = kh * kw;
  route.fill(0);
  let o = 0;
  for (let nc = 0; nc < g.n * g.c; nc++) {
    const plane = nc * h * w;
    for (let i = 0; i < g.outH; i++) {
      for (let j = 0; j < g.outW; j++, o++) {
        let best = -Infinity, ties = 0, nan = -1, at = -1;
        for (let p = 0; p < kh; p++) {
          const ih = i * sh - padTop + p * dh;
          if (ih < 0 || ih >= h) continue;
          for (let q = 0; q < kw; q++) {
            const iw = j * sw - padLeft + q * dw;
            if (iw < 0 || iw >= w) continue;
            const v = x[plane + ih * w + iw];
            if (v !== v) { if (nan < 0) nan = p * kw + q; } // NaN
            else if (at < 0 || v > best) { best = v; ties = 1; at = p * kw + q; } // (the first tap counts even at −∞)
            else if (v === best) ties++;
          }
        }
        if (nan >= 0) { y[o] = NaN; route[o * T + nan] = 1; continue; } // NaN wins and takes the gradient, as in PyTorch
        y[o] = best;
        if (ties === 1) { route[o * T + at] = 1; continue; } // the usual case: one maximum
        for (let p = 0; p < kh; p++) {
          const ih = i * sh - padTop + p * dh;
          if (ih < 0 || ih >= h) continue;
          for (let q = 0; q < kw; q++) {
            const iw = j * sw - padLeft + q * dw;
            if (iw >= 0 && iw < w && x[plane + ih * w + iw] === best) route[o * T + p * kw + q] = 1 / ties;
          }
        }
      }
    }
  }
}

export function gatherWindows(x: FloatArray, g: WindowGeometry, route: FloatArray, out: FloatArray): void {
  const { kh, kw, sh, sw, dh, dw, padTop, padLeft, h, w } = g, T = kh * kw;
  let o = 0;
  for (let nc = 0; nc < g.n * g.c; nc++) {
    const plane = nc * h * w;
    for (let i = 0; i < g.outH; i++) {
      for (let j = 0; j < g.outW; j++, o++) {
        let s = 0;
        for (let p = 0; p < kh; p++) {
          const ih = i * sh - padTop + p * dh;
          if (ih < 0 || ih >= h) continue;
          for (let q = 0; q < kw; q++) {
            const iw = j * sw - padLeft + q * dw, r = route[o * T + p * kw + q];
            if (iw >= 0 && iw < w && r !== 0) s += r * x[plane + ih * w + iw];
          }
        }
        out[o] = s;
      }
    }
  }
}

export function scatterWindows(gy: FloatArray, g: WindowGeometry, route: FloatArray, dx: FloatArray): void {
  const { kh, kw, sh, sw, dh, dw, padTop, padLeft, h, w } = g, T = kh * kw;
  let o = 0;
  for (let nc = 0; nc < g.n * g.c; nc++) {
    const plane = nc * h * w;
    for (let i = 0; i < g.outH; i++) {
      for (let j = 0; j < g.outW; j++, o++) {
        const v = gy[o];
        for (let p = 0; p < kh; p++) {
          const ih = i * sh - padTop + p * dh;
          if (ih < 0 || ih >= h) continue;
          for (let q = 0; q < kw; q++) {
            const iw = j * sw - padLeft + q * dw, r = route[o * T + p * kw + q];
            if (iw >= 0 && iw < w && r !== 0) dx[plane + ih * w + iw] += r * v;
          }
        }
      }
    }
  }
}
