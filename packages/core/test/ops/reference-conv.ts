/**
 * Reference formulas for convolution, pooling and pad, written from their definitions with plain
 * loops over every output element (no im2col, no gemm, nothing shared with src/): the generated
 * tests compare the ops with these.
 */
import type { Plain } from "./reference.js";

type P2 = number | [number, number];
const two = (v: P2 | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === "number" ? [v, v] : v);

export interface ConvRefOptions { stride?: P2; padding?: P2 | "same" | "valid"; dilation?: P2; groups?: number }

/** y[n, o, i, j] = b[o] + Σ_{c, p, q} x[n, g·C/G + c, i·s − pad + p·d, j·s − pad + q·d]·W[o, c, p, q]. */
export function conv2dRef(x: Plain, w: Plain, b: Plain | null, o: ConvRefOptions = {}): Plain {
  const unbatched = x.shape.length === 3;
  const [N, C, H, W] = unbatched ? [1, ...x.shape] : x.shape;
  const [O, Cg, KH, KW] = w.shape;
  const G = o.groups ?? 1, [sh, sw] = two(o.stride, 1), [dh, dw] = two(o.dilation, 1);
  let pt: number, pl: number, pb: number, pr: number;
  if (o.padding === "same") {
    const th = dh * (KH - 1), tw = dw * (KW - 1);
    [pt, pb, pl, pr] = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  } else {
    const [ph, pw] = o.padding === "valid" ? [0, 0] : two(o.padding as P2 | undefined, 0);
    [pt, pb, pl, pr] = [ph, ph, pw, pw];
  }
  const OH = Math.floor((H + pt + pb - dh * (KH - 1) - 1) / sh) + 1, OW = Math.floor((W + pl + pr - dw * (KW - 1) - 1) / sw) + 1;
  const data: number[] = [];
  for (let n = 0; n < N; n++) for (let oc = 0; oc < O; oc++) {
    const grp = Math.floor(oc / (O / G));
    for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
      let s = b ? b.data[oc] : 0;
      for (let c = 0; c < Cg; c++) for (let p = 0; p < KH; p++) for (let q = 0; q < KW; q++) {
        const ih = i * sh - pt + p * dh, iw = j * sw - pl + q * dw;
        if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
        s += x.data[((n * C + grp * Cg + c) * H + ih) * W + iw] * w.data[((oc * Cg + c) * KH + p) * KW + q];
      }
      data.push(s);
    }
  }
  return { shape: unbatched ? [O, OH, OW] : [N, O, OH, OW], data };
}

/** conv1d from conv2d on a height of 1. */
export function conv1dRef(x: Plain, w: Plain, b: Plain | null, o: { stride?: number; padding?: number | "same" | "valid"; dilation?: number; groups?: number } = {}): Plain {
  const x4 = { shape: [...x.shape.slice(0, -1), 1, x.shape[x.shape.length - 1]], data: x.data };
  const w4 = { shape: [w.shape[0], w.shape[1], 1, w.shape[2]], data: w.data };
  const padding = typeof o.padding === "string" ? o.padding : [0, o.padding ?? 0] as [number, number];
  const y = conv2dRef(x4, w4, b, { stride: [1, o.stride ?? 1], dilation: [1, o.dilation ?? 1], padding, groups: o.groups });
  return { shape: y.shape.filter((_, i) => i !== y.shape.length - 2), data: y.data };
}

export interface PoolRefOptions {
  kernelSize: P2; stride?: P2; padding?: P2; dilation?: P2; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number;
}

/** Output length with PyTorch's ceilMode rule (the last window starts inside the input or its leading padding). */
function poolOut(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = n + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= n + p) out--;
  return out;
}

/** Max or average of each window, from the definition (PyTorch's divisor rules for the average). */
export function pool2dRef(kind: "max" | "avg", x: Plain, o: PoolRefOptions): Plain {
  const unbatched = x.shape.length === 3;
  const [N, C, H, W] = unbatched ? [1, ...x.shape] : x.shape;
  const [kh, kw] = two(o.kernelSize, 1), [sh, sw] = two(o.stride ?? o.kernelSize, 1), [ph, pw] = two(o.padding, 0), [dh, dw] = two(o.dilation, 1);
  const ceil = o.ceilMode ?? false, includePad = o.countIncludePad ?? true;
  const OH = poolOut(H, kh, sh, ph, dh, ceil), OW = poolOut(W, kw, sw, pw, dw, ceil);
  const data: number[] = [];
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    let best = -Infinity, total = 0, inside = 0;
    for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) {
      const ih = i * sh - ph + p * dh, iw = j * sw - pw + q * dw;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      const v = x.data[((n * C + c) * H + ih) * W + iw];
      best = Math.max(best, v);
      total += v;
      inside++;
    }
    if (kind === "max") { data.push(best); continue; }
    const hs = i * sh - ph, ws = j * sw - pw;
    const withPad = (Math.min(hs + kh, H + ph) - hs) * (Math.min(ws + kw, W + pw) - ws);
    data.push(total / (o.divisorOverride ?? (includePad ? withPad : inside)));
  }
  return { shape: unbatched ? [C, OH, OW] : [N, C, OH, OW], data };
}

/** torch.nn.functional.pad from the definition: each output element looks up its source. */
export function padRef(x: Plain, pads: number[], o: { mode?: string; value?: number } = {}): Plain {
  const nd = x.shape.length, mode = o.mode ?? "constant";
  const before = new Array<number>(nd).fill(0), after = new Array<number>(nd).fill(0);
  for (let k = 0; k < pads.length / 2; k++) { before[nd - 1 - k] = pads[2 * k]; after[nd - 1 - k] = pads[2 * k + 1]; }
  const shape = x.shape.map((d, a) => d + before[a] + after[a]);
  const total = shape.reduce((p, d) => p * d, 1);
  const data: number[] = [];
  for (let f = 0; f < total; f++) {
    let rem = f, src = 0, stride = 1, fill = false;
    for (let a = nd - 1; a >= 0; a--) {
      const i = rem % shape[a];
      rem = Math.floor(rem / shape[a]);
      const n = x.shape[a];
      let s = i - before[a];
      if (s < 0 || s >= n) {
        if (mode === "constant") fill = true;
        else if (mode === "reflect") s = s < 0 ? -s : 2 * (n - 1) - s;
        else if (mode === "replicate") s = s < 0 ? 0 : n - 1;
        else s = ((s % n) + n) % n;
      }
      src += s * stride;
      stride *= n;
    }
    data.push(fill ? o.value ?? 0 : x.data[src]);
  }
  return { shape, data };
}
