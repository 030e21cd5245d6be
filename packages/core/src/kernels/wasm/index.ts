/**
 * The "wasm" backend: the reference backend with its hot loops swapped for WebAssembly SIMD ones.
 *
 * Which kernels run in WebAssembly, and when, is decided by measurement (docs/backends.md):
 *  - gemm (matmul, linear, and both backward layouts) for float32 from GEMM_MIN_WORK
 *    multiply-adds up; below that the call overhead is more than the JavaScript loop costs. From
 *    THREADS_MIN_WORK up it is split across `getThreads()` threads (threads.ts, in Node; a browser
 *    runs one thread: threads-browser.ts);
 *  - elementwise loops over float32 arrays of ELEMENTWISE_MIN_LENGTH elements and more: exp,
 *    sigmoid and the cheap unary loops; binary arithmetic and comparisons where each operand is
 *    the whole output, a scalar, or a row repeated down it (a bias), or where one is whole and the
 *    other one value per channel (batch norm's [1, C, 1, 1]); column sums (a bias gradient).
 *    Scalar JavaScript loops run at 2–10 ns per element on Node 20, while copying a float32 into
 *    WebAssembly memory and back costs about 0.3 ns: even cheap loops pay for their copies.
 *  - the optimizers' SGD and Adam updates over float32 parameters of ELEMENTWISE_MIN_LENGTH and more.
 * Everything else (float64, other broadcasts, pow, log, tanh, erf, elu, gelu, silu, max/argmax,
 * layout moves, small work) runs the reference code: a unary loop without a code in UNARY_CODES
 * below is the reference's own, so both backends give the same bits for it.
 */
import type { FloatArray } from "../../dtype.js";
import type { Backend, ConvGeometry, ThreadControls, WindowGeometry } from "../backend.js";
import type { BinaryKernel, UnaryKernel } from "../codes.js";
import { isTrailingBlock } from "../js/elementwise.js";
import { jsBackend } from "../js/index.js";
import { convSizes } from "../js/conv.js";
import { adamConstants } from "../js/optim.js";
import { KernelMemoryError, loadWasmKernels, type WasmKernels } from "./module.js";
import { gemmThreads, threadsFailure, wasmThreads } from "./pool.js";

type Shape = readonly number[];

/** m·n·k from which the WebAssembly gemm beats the reference, copies included. */
export const GEMM_MIN_WORK = 512;
/** Array length from which a WebAssembly elementwise loop beats the reference, copies included. */
export const ELEMENTWISE_MIN_LENGTH = 512;
/** m·n·k from which splitting the gemm across threads pays for waking the workers. */
export const THREADS_MIN_WORK = 1 << 21;

// Op codes of assembly/arithmetic.ts (the same order as its constants).
const BINARY: Partial<Record<BinaryKernel, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, gt: 6, ge: 7, lt: 8, le: 9, eq: 10 };
const UNARY_CODES: Partial<Record<UnaryKernel, number>> = {
  neg: 0, abs: 1, square: 2, sqrt: 3, sign: 4, relu: 5, leakyRelu: 6, step: 7, leakyStep: 8, clamp: 9, inRange: 10, scale: 11,
};

const isF32 = (...arrays: FloatArray[]): boolean => arrays.every((x) => x instanceof Float32Array);

/**
 * How an operand of `len` elements and shape `shape` spans an output of `outShape` seen as rows of
 * n: the whole of it ("full"), one value ("scalar"), or one row repeated ("row": then len is n).
 */
function operandMode(len: number, shape: Shape, outLen: number, outShape: Shape): "full" | "scalar" | "row" | null {
  if (len === outLen) return "full";
  if (len === 1) return "scalar";
  return isTrailingBlock(shape, outShape) ? "row" : null;
}

/**
 * An operand whose axes other than 1 form one block in the middle of the output's, followed by
 * trailing axes it lacks (a per-channel [1, C, 1, 1] beside [N, C, H, W]): the output seen as
 * [outer, mid, inner] with the operand holding one value per mid index; null for other shapes.
 */
function channelBlock(shape: Shape, outShape: Shape): { outer: number; mid: number; inner: number } | null {
  const lead = outShape.length - shape.length;
  if (lead < 0) return null;
  const dims = outShape.map((_, i) => (i < lead ? 1 : shape[i - lead]));
  const first = dims.findIndex((d) => d !== 1);
  let last = dims.length - 1;
  while (last >= 0 && dims[last] === 1) last--;
  if (first < 0 || last === outShape.length - 1) return null; // a scalar, or a trailing block (row mode)
  for (let i = first; i <= last; i++) if (dims[i] !== outShape[i]) return null;
  const size = (from: number, to: number) => outShape.slice(from, to).reduce((p, d) => p * d, 1);
  return { outer: size(0, first), mid: size(first, last + 1), inner: size(last + 1, outShape.length) };
}

/**
 * The wasm backend over `wasm`'s memory. Where a call's operands do not fit in WebAssembly memory
 * (past 4 GiB, or the system refuses more), that call runs on the js reference: the result is the
 * same, only slower, and `status().note` says which call it was. (Throwing instead would fail an
 * op that the "js" backend computes; every kernel lays out all its operands before writing any
 * output, so nothing is half done when the reference takes over.)
 */
export function makeWasmBackend(wasm: WasmKernels, fma = false, threads?: ThreadControls): Backend {
  let memoryNote = "";
  /** Rethrow anything but a full memory; for that, note the call (the caller then runs the reference). */
  const fellBack = (e: unknown, call: string): void => {
    if (!(e instanceof KernelMemoryError)) throw e;
    memoryNote = `${call} ran on the js reference: ${e.message}`;
  };
  const fast = makeFastKernels(wasm);
  const js = jsBackend;
  // Written out per kernel (no rest parameters or apply): these wrap every call, small ones too.
  return {
    ...fast,
    gemm(a, aOff, b, bOff, c, cOff, m, n, k, tA, tB) {
      try { fast.gemm(a, aOff, b, bOff, c, cOff, m, n, k, tA, tB); } catch (e) {
        fellBack(e, `gemm (${m}×${k} · ${k}×${n})`);
        js.gemm(a, aOff, b, bOff, c, cOff, m, n, k, tA, tB);
      }
    },
    unary(op, x, out, p, q) {
      try { fast.unary(op, x, out, p, q); } catch (e) { fellBack(e, `unary "${op}" (${x.length} elements)`); js.unary(op, x, out, p, q); }
    },
    binary(op, a, aShape, b, bShape, out, outShape) {
      try { fast.binary(op, a, aShape, b, bShape, out, outShape); } catch (e) {
        fellBack(e, `binary "${op}" (${out.length} elements)`);
        js.binary(op, a, aShape, b, bShape, out, outShape);
      }
    },
    reduceAxis(op, x, outer, n, inner, out) {
      try { fast.reduceAxis(op, x, outer, n, inner, out); } catch (e) {
        fellBack(e, `reduceAxis "${op}" (${x.length} elements)`);
        js.reduceAxis(op, x, outer, n, inner, out);
      }
    },
    sgdUpdate(p, grad, buf, first, h) {
      try { fast.sgdUpdate(p, grad, buf, first, h); } catch (e) { fellBack(e, `sgdUpdate (${p.length} elements)`); js.sgdUpdate(p, grad, buf, first, h); }
    },
    maxWindows(x, g, y, route) {
      try { fast.maxWindows(x, g, y, route); } catch (e) { fellBack(e, `maxWindows (${x.length} elements)`); js.maxWindows(x, g, y, route); }
    },
    gatherWindows(x, g, route, out) {
      try { fast.gatherWindows(x, g, route, out); } catch (e) { fellBack(e, `gatherWindows (${x.length} elements)`); js.gatherWindows(x, g, route, out); }
    },
    scatterWindows(gy, g, route, dx) {
      try { fast.scatterWindows(gy, g, route, dx); } catch (e) { fellBack(e, `scatterWindows (${dx.length} elements)`); js.scatterWindows(gy, g, route, dx); }
    },
    convForward(x, w, bias, y, g) {
      try { fast.convForward(x, w, bias, y, g); } catch (e) { fellBack(e, `convForward (${g.n}×${g.c}×${g.h}×${g.w})`); js.convForward(x, w, bias, y, g); }
    },
    convInput(gy, w, dx, g) {
      try { fast.convInput(gy, w, dx, g); } catch (e) { fellBack(e, `convInput (${g.n}×${g.c}×${g.h}×${g.w})`); js.convInput(gy, w, dx, g); }
    },
    convWeight(x, gy, dw, g) {
      try { fast.convWeight(x, gy, dw, g); } catch (e) { fellBack(e, `convWeight (${g.n}×${g.c}×${g.h}×${g.w})`); js.convWeight(x, gy, dw, g); }
    },
    adamUpdate(p, grad, m, v, vMax, h) {
      try { fast.adamUpdate(p, grad, m, v, vMax, h); } catch (e) { fellBack(e, `adamUpdate (${p.length} elements)`); js.adamUpdate(p, grad, m, v, vMax, h); }
    },
    threads,
    status: () => ({ fma, note: [threads ? threadsFailure() : "", memoryNote].filter(Boolean).join("; ") }),
  };
}

/** A gemm on operands already in one WebAssembly memory (byte offsets, row strides in elements). */
type GemmAt = (pa: number, lda: number, pb: number, ldb: number, pc: number, ldc: number,
               m: number, n: number, k: number, transA: boolean, transB: boolean) => void;

/**
 * Where a call that keeps its intermediates in WebAssembly memory runs: for `work` multiply-adds
 * from THREADS_MIN_WORK up (with threads on), in the gemm threads' shared memory and split across
 * them; otherwise in the backend's own memory on the calling thread.
 */
function memoryFor(wasm: WasmKernels, work: number, floats: number): { mem: WasmKernels; gemm: GemmAt } {
  if (wasmThreads.get() > 1 && work >= THREADS_MIN_WORK) {
    const threads = gemmThreads();
    if (threads) return { mem: threads.memoryFor(floats), gemm: (...args) => threads.gemmAt(...args) };
  }
  return {
    mem: wasm,
    gemm: (pa, lda, pb, ldb, pc, ldc, m, n, k, tA, tB) => wasm.exports.gemm(pa, lda, pb, ldb, pc, ldc, m, n, k, +tA, +tB, wasm.scratch[0]),
  };
}

/** The window arguments of the unfold/fold kernels, in their order. */
const windowArgs = (g: ConvGeometry) => [g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padLeft, g.outH, g.outW] as const;

/**
 * A convolution and its gradients with everything between the copies in WebAssembly memory: the
 * operands go in once, the columns are unfolded (and folded back) where the gemm reads them, and
 * only the result comes out. The same steps as kernels/js/conv.ts, whose comment explains them.
 */
function wasmConvolution(wasm: WasmKernels) {
  const pays = (g: ConvGeometry, ...arrays: FloatArray[]) => {
    const { K, L, og } = convSizes(g);
    return isF32(...arrays) && og * K * L * g.groups >= GEMM_MIN_WORK;
  };
  return {
    convForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, y: FloatArray, g: ConvGeometry): void {
      if (!pays(g, x, w, y, ...(bias ? [bias] : []))) return jsBackend.convForward(x, w, bias, y, g);
      const { K, L, og, P } = convSizes(g);
      const { mem, gemm } = memoryFor(wasm, og * K * L, x.length + w.length + g.out + g.groups * K * L + 2 * y.length);
      const px = mem.first(x.length), pw = mem.next(w.length), pb = mem.next(g.out), pcols = mem.next(g.groups * K * L), prows = mem.next(y.length), py = mem.next(y.length);
      mem.copyIn(x, px);
      mem.copyIn(w, pw);
      mem.exports.unfold(px, pcols, ...windowArgs(g), 0);
      for (let k = 0; k < g.groups; k++) gemm(pw + 4 * k * og * K, K, pcols + 4 * k * K * L, L, prows + 4 * k * og * L, L, og, L, K, false, false);
      if (bias) {
        // rows [out, N·P] += bias, one value per row (binaryArray's add: the bias steps one per row, none along it).
        mem.copyIn(bias, pb);
        mem.exports.binaryArray(0, prows, L, 1, pb, 1, 0, prows, g.out, L);
      }
      mem.exports.swapLeading(prows, py, g.out, g.n, P);
      mem.copyOut(py, y);
    },
    convInput(gy: FloatArray, w: FloatArray, dx: FloatArray, g: ConvGeometry): void {
      if (!pays(g, gy, w, dx)) return jsBackend.convInput(gy, w, dx, g);
      const { K, L, og, P } = convSizes(g);
      const { mem, gemm } = memoryFor(wasm, og * K * L, 2 * gy.length + w.length + g.groups * K * L + dx.length);
      const pgy = mem.first(gy.length), prows = mem.next(gy.length), pw = mem.next(w.length), pcols = mem.next(g.groups * K * L), pdx = mem.next(dx.length);
      mem.copyIn(gy, pgy);
      mem.copyIn(w, pw);
      mem.exports.swapLeading(pgy, prows, g.n, g.out, P);
      for (let k = 0; k < g.groups; k++) gemm(pw + 4 * k * og * K, K, prows + 4 * k * og * L, L, pcols + 4 * k * K * L, L, K, L, og, true, false);
      mem.f32().fill(0, pdx / 4, pdx / 4 + dx.length);
      mem.exports.fold(pcols, pdx, ...windowArgs(g));
      mem.copyOut(pdx, dx);
    },
    convWeight(x: FloatArray, gy: FloatArray, dw: FloatArray, g: ConvGeometry): void {
      if (!pays(g, x, gy, dw)) return jsBackend.convWeight(x, gy, dw, g);
      const { K, L, og, P } = convSizes(g);
      const { mem, gemm } = memoryFor(wasm, og * K * L, x.length + 2 * gy.length + g.groups * K * L + dw.length);
      const px = mem.first(x.length), pgy = mem.next(gy.length), prows = mem.next(gy.length), pcols = mem.next(g.groups * K * L), pdw = mem.next(dw.length);
      mem.copyIn(x, px);
      mem.copyIn(gy, pgy);
      mem.exports.unfold(px, pcols, ...windowArgs(g), 0);
      mem.exports.swapLeading(pgy, prows, g.n, g.out, P);
      for (let k = 0; k < g.groups; k++) gemm(prows + 4 * k * og * L, L, pcols + 4 * k * K * L, L, pdw + 4 * k * og * K, K, og, K, L, false, true);
      mem.copyOut(pdw, dw);
    },
  };
}

/** The geometry arguments of the pooling kernels: planes = n·c, then the window's sizes. */
const poolArgs = (g: WindowGeometry) => [g.n * g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padLeft, g.outH, g.outW];

/** Pooling's kernels in WebAssembly memory (float32, from ELEMENTWISE_MIN_LENGTH taps up): the same loops as kernels/js/pool.ts. */
function wasmPooling(wasm: WasmKernels) {
  const pays = (g: WindowGeometry, ...arrays: FloatArray[]) =>
    isF32(...arrays) && g.n * g.c * g.outH * g.outW * g.kh * g.kw >= ELEMENTWISE_MIN_LENGTH;
  return {
    maxWindows(x: FloatArray, g: WindowGeometry, y: FloatArray, route: FloatArray): void {
      if (!pays(g, x, y, route)) return jsBackend.maxWindows(x, g, y, route);
      const px = wasm.first(x.length), py = wasm.next(y.length), pr = wasm.next(route.length);
      wasm.copyIn(x, px);
      wasm.exports.maxWindows(px, py, pr, ...poolArgs(g));
      wasm.copyOut(py, y);
      wasm.copyOut(pr, route);
    },
    gatherWindows(x: FloatArray, g: WindowGeometry, route: FloatArray, out: FloatArray): void {
      if (!pays(g, x, route, out)) return jsBackend.gatherWindows(x, g, route, out);
      const px = wasm.first(x.length), pr = wasm.next(route.length), po = wasm.next(out.length);
      wasm.copyIn(x, px);
      wasm.copyIn(route, pr);
      wasm.exports.gatherWindows(px, pr, po, ...poolArgs(g));
      wasm.copyOut(po, out);
    },
    scatterWindows(gy: FloatArray, g: WindowGeometry, route: FloatArray, dx: FloatArray): void {
      if (!pays(g, gy, route, dx)) return jsBackend.scatterWindows(gy, g, route, dx);
      const pg = wasm.first(gy.length), pr = wasm.next(route.length), pd = wasm.next(dx.length);
      wasm.copyIn(gy, pg);
      wasm.copyIn(route, pr);
      wasm.copyIn(dx, pd); // dx is added to, not overwritten
      wasm.exports.scatterWindows(pg, pr, pd, ...poolArgs(g));
      wasm.copyOut(pd, dx);
    },
  };
}

/** The kernels that run in WebAssembly, each deciding per call whether it pays (see the top of this file). */
function makeFastKernels(wasm: WasmKernels): Backend {
  return {
    ...jsBackend,
    ...wasmConvolution(wasm),
    ...wasmPooling(wasm),
    name: "wasm",

    gemm(a, aOff, b, bOff, c, cOff, m, n, kk, transA, transB) {
      if (m * n * kk < GEMM_MIN_WORK || !(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
        jsBackend.gemm(a, aOff, b, bOff, c, cOff, m, n, kk, transA, transB);
        return;
      }
      if (wasmThreads.get() > 1 && m * n * kk >= THREADS_MIN_WORK) {
        const threads = gemmThreads();
        if (threads) {
          threads.gemm(a, aOff, b, bOff, c, cOff, m, n, kk, transA, transB);
          return;
        }
      }
      const pa = wasm.first(m * kk), pb = wasm.next(kk * n), pc = wasm.next(m * n);
      wasm.copyIn(a, pa, aOff, m * kk);
      wasm.copyIn(b, pb, bOff, kk * n);
      wasm.exports.gemm(pa, transA ? m : kk, pb, transB ? kk : n, pc, n, m, n, kk, +transA, +transB, wasm.scratch[0]);
      wasm.copyOut(pc, c, cOff, m * n);
    },

    unary(op, x, out, p = 0, q = 0) {
      const code = UNARY_CODES[op];
      const transcendental = op === "exp" || op === "sigmoid";
      // inRange compares with p and q: only float32 values compare as the reference does.
      const exact = op !== "inRange" || (Math.fround(p) === p && Math.fround(q) === q);
      if ((code === undefined && !transcendental) || !exact || x.length < ELEMENTWISE_MIN_LENGTH || !isF32(x, out)) {
        jsBackend.unary(op, x, out, p, q);
        return;
      }
      const px = wasm.first(x.length);
      wasm.copyIn(x, px);
      if (op === "exp") wasm.exports.expArray(px, px, x.length);
      else if (op === "sigmoid") wasm.exports.sigmoidArray(px, px, x.length);
      else wasm.exports.unaryArray(code!, px, px, x.length, p, q);
      wasm.copyOut(px, out);
    },

    binary(op, a, aShape, b, bShape, out, outShape) {
      const code = BINARY[op];
      const aMode = operandMode(a.length, aShape, out.length, outShape);
      const bMode = operandMode(b.length, bShape, out.length, outShape);
      // One operand whole, the other one value per channel (a [1, C, 1, 1] beside [N, C, H, W]).
      const channels = code === undefined || out.length < ELEMENTWISE_MIN_LENGTH || !isF32(a, b, out) ? null
        : aMode === "full" && !bMode ? channelBlock(bShape, outShape) : bMode === "full" && !aMode ? channelBlock(aShape, outShape) : null;
      if (channels) {
        const { outer, mid, inner } = channels;
        const pa = wasm.first(a.length), pb = wasm.next(b.length), po = wasm.next(out.length);
        wasm.copyIn(a, pa);
        wasm.copyIn(b, pb);
        // Per outer index: rows of `inner` elements, one per channel; the channel operand steps one value per row.
        const [aRow, aStep, bRow, bStep] = aMode === "full" ? [inner, 1, 1, 0] : [1, 0, inner, 1];
        for (let o = 0; o < outer; o++) {
          const block = 4 * o * mid * inner;
          wasm.exports.binaryArray(code!, aMode === "full" ? pa + block : pa, aRow, aStep, bMode === "full" ? pb + block : pb, bRow, bStep, po + block, mid, inner);
        }
        wasm.copyOut(po, out);
        return;
      }
      // Rows of n: a repeated row sets n (two repeated rows must agree); otherwise one long row.
      const n = aMode === "row" ? a.length : bMode === "row" ? b.length : out.length;
      if (code === undefined || !aMode || !bMode || (aMode === "row" && bMode === "row" && a.length !== b.length)
          || out.length < ELEMENTWISE_MIN_LENGTH || !isF32(a, b, out)) {
        jsBackend.binary(op, a, aShape, b, bShape, out, outShape);
        return;
      }
      const rows = out.length / n;
      const pa = wasm.first(a.length), pb = wasm.next(b.length), po = wasm.next(out.length);
      wasm.copyIn(a, pa);
      wasm.copyIn(b, pb);
      // Per operand: its step from row to row (n for the whole output, else 0) and from element to
      // element (0 for a scalar, else 1).
      wasm.exports.binaryArray(code, pa, aMode === "full" ? n : 0, aMode === "scalar" ? 0 : 1,
                               pb, bMode === "full" ? n : 0, bMode === "scalar" ? 0 : 1, po, rows, n);
      wasm.copyOut(po, out);
    },

    sgdUpdate(p, grad, buf, first, h) {
      if (p.length < ELEMENTWISE_MIN_LENGTH || !isF32(p, grad) || (buf !== null && !isF32(buf))) {
        jsBackend.sgdUpdate(p, grad, buf, first, h);
        return;
      }
      const n = p.length;
      const pp = wasm.first(n), pg = wasm.next(n), pb = wasm.next(buf ? n : 0);
      wasm.copyIn(p, pp);
      wasm.copyIn(grad, pg);
      if (buf) wasm.copyIn(buf, pb);
      wasm.exports.sgdUpdate(pp, pg, pb, n, h.lr, h.momentum, h.dampening, +h.nesterov, h.weightDecay, +h.maximize, +(buf !== null), +first);
      wasm.copyOut(pp, p);
      if (buf) wasm.copyOut(pb, buf);
    },

    adamUpdate(p, grad, m, v, vMax, h) {
      if (p.length < ELEMENTWISE_MIN_LENGTH || !isF32(p, grad, m, v) || (vMax !== null && !isF32(vMax))) {
        jsBackend.adamUpdate(p, grad, m, v, vMax, h);
        return;
      }
      const n = p.length;
      const pp = wasm.first(n), pg = wasm.next(n), pm = wasm.next(n), pv = wasm.next(n), px = wasm.next(vMax ? n : 0);
      wasm.copyIn(p, pp);
      wasm.copyIn(grad, pg);
      wasm.copyIn(m, pm);
      wasm.copyIn(v, pv);
      if (vMax) wasm.copyIn(vMax, px);
      const { stepSize, bc2Sqrt, decay, l2 } = adamConstants(h);
      wasm.exports.adamUpdate(pp, pg, pm, pv, px, n, stepSize, bc2Sqrt, decay, l2, h.beta1, h.beta2, h.eps, +h.maximize, +(vMax !== null));
      wasm.copyOut(pp, p);
      wasm.copyOut(pm, m);
      wasm.copyOut(pv, v);
      if (vMax) wasm.copyOut(px, vMax);
    },

    reduceAxis(op, x, outer, n, inner, out) {
      // Column sums (inner ≥ 2) vectorise without changing the reference's order; a row sum would not.
      if (op !== "sum" || inner < 2 || x.length < ELEMENTWISE_MIN_LENGTH || !isF32(x, out)) {
        jsBackend.reduceAxis(op, x, outer, n, inner, out);
        return;
      }
      const px = wasm.first(x.length), po = wasm.next(out.length);
      wasm.copyIn(x, px);
      for (let o = 0; o < outer; o++) wasm.exports.sumColumns(px + 4 * o * n * inner, n, inner, po + 4 * o * inner);
      wasm.copyOut(po, out);
    },
  };
}

const loaded = loadWasmKernels();

/** The WebAssembly backend, or null where this runtime cannot run it (see `wasm.unavailableReason`). */
export const wasmBackend: Backend | null = loaded.kernels ? makeWasmBackend(loaded.kernels, loaded.fma, wasmThreads) : null;

/**
 * What kernels/index.ts needs of this directory, in one object: the backend (or null and why not)
 * and the thread controls (setThreads works whichever backend is active, as it always has).
 */
export const wasm = { backend: wasmBackend, unavailableReason: loaded.reason, threads: wasmThreads };

/** For tests and benchmarks: the loaded module itself, to call its kernels directly. */
export const wasmKernels: WasmKernels | null = loaded.kernels;
