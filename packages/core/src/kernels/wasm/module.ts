/**
 * Loading the WebAssembly kernels (compiled from packages/core/assembly/) and lending them memory.
 *
 * Where tensor storage lives: in ordinary JavaScript typed arrays, as on the "js" backend. A
 * kernel call copies its operands into WebAssembly memory, runs, and copies the result out. The
 * alternative, tensors living in WebAssembly memory, would save those copies but needs every
 * tensor to be freed explicitly: WebAssembly memory is invisible to the garbage collector, and a
 * training loop written as a plain synchronous loop never gives a FinalizationRegistry a chance to
 * run. Measured (see docs/backends.md): copying costs under 2% of a matmul from 128×128 up, and
 * 0.3 ms per 4 MB of elementwise work (a sixth of a large sigmoid's kernel time), while keeping
 * the API free of dispose() calls and `tensor.data` an ordinary array.
 *
 * Memory layout: [static data | gemm scratch, one per thread | operands of the current call]. The
 * operand region is reused by every call and grows when a call needs more; nothing outlives a call.
 */
import type { FloatArray } from "../../dtype.js";
import { WASM_BASE64, WASM_FMA_BASE64 } from "./binary-single.generated.js";

export interface KernelExports {
  gemm(a: number, lda: number, b: number, ldb: number, c: number, ldc: number,
       m: number, n: number, k: number, transA: number, transB: number, scratch: number): void;
  expArray(x: number, y: number, n: number): void;
  sigmoidArray(x: number, y: number, n: number): void;
  binaryArray(op: number, a: number, aRowStep: number, aStep: number, b: number, bRowStep: number, bStep: number, out: number, rows: number, n: number): void;
  unaryArray(op: number, x: number, y: number, n: number, p: number, q: number): void;
  sumColumns(x: number, rows: number, n: number, out: number): void;
  sgdUpdate(p: number, grad: number, buf: number, n: number, lr: number, momentum: number, dampening: number,
            nesterov: number, weightDecay: number, maximize: number, hasBuf: number, first: number): void;
  adamUpdate(p: number, grad: number, m: number, v: number, vMax: number, n: number, stepSize: number, bc2Sqrt: number,
             decay: number, l2: number, beta1: number, beta2: number, eps: number, maximize: number, amsgrad: number): void;
  unfold(x: number, cols: number, n: number, c: number, h: number, w: number, kh: number, kw: number,
         sh: number, sw: number, dh: number, dw: number, padTop: number, padLeft: number, outH: number, outW: number, padValue: number): void;
  fold(cols: number, x: number, n: number, c: number, h: number, w: number, kh: number, kw: number,
       sh: number, sw: number, dh: number, dw: number, padTop: number, padLeft: number, outH: number, outW: number): void;
  swapLeading(x: number, out: number, a: number, b: number, rest: number): void;
  maxWindows(x: number, y: number, route: number, ...geometry: number[]): void;
  gatherWindows(x: number, route: number, out: number, ...geometry: number[]): void;
  scatterWindows(gy: number, route: number, dx: number, ...geometry: number[]): void;
  heapBase(): number;
  GEMM_SCRATCH_BYTES: WebAssembly.Global;
}

const PAGE = 65536;
const align = (bytes: number, to: number): number => Math.ceil(bytes / to) * to;

/**
 * Memory beyond this is handed back when a call starts after one that needed less (see first()). WebAssembly memory can grow but
 * never shrink, so one huge product would otherwise hold its operands' size for good; the memory
 * is replaced instead (re-instantiating a compiled module takes microseconds). The shared memory
 * of the gemm threads keeps it longer (threads.ts says why).
 */
export const KEEP_BYTES = 256 << 20;

/**
 * Thrown when WebAssembly memory cannot grow to hold a call's operands: past 4 GiB (a 32-bit
 * memory's limit) or when the system refuses the memory. The backend catches it and runs that
 * call on the js reference instead (wasm/index.ts), so nothing has been written to any output yet.
 */
export class KernelMemoryError extends Error {
  constructor(readonly neededBytes: number, readonly haveBytes: number, cause: unknown) {
    super(`WebAssembly memory cannot grow from ${haveBytes} to ${neededBytes} bytes (${(cause as Error)?.message ?? cause})`);
    this.name = "KernelMemoryError";
  }
}

/** The most a 32-bit WebAssembly memory can hold: 65536 pages of 64 KiB, 4 GiB. */
export const MAX_MEMORY_BYTES = 65536 * PAGE;

export class WasmKernels {
  /** Byte offsets of the gemm's packing scratch, one per thread that may run a gemm at once. */
  scratch: number[] = [];
  /** Byte offset where each call's operands start. */
  private operands = 0;
  /** End of the operands laid out so far in this call (see first/next). */
  private top = 0;
  private instanceExports!: KernelExports;
  private view!: Float32Array;

  constructor(private readonly module: WebAssembly.Module, private mem: WebAssembly.Memory, threads = 1) {
    this.instantiate();
    this.setThreads(threads);
  }

  /**
   * Lay out packing scratch for `threads` gemm threads (the operands start after it). Only between
   * calls: nothing in memory outlives a call, so a pool of another size can reuse this memory.
   */
  setThreads(threads: number): void {
    const scratchBytes = align(this.exports.GEMM_SCRATCH_BYTES.value as number, 64);
    const first = align(this.exports.heapBase(), 64);
    this.scratch = Array.from({ length: threads }, (_, i) => first + i * scratchBytes);
    this.operands = first + threads * scratchBytes;
    this.reserve(0);
  }

  /** Bytes the operands of the current call take so far (for callers keeping a memory policy). */
  get operandBytes(): number {
    return this.top - this.operands;
  }

  get exports(): KernelExports {
    return this.instanceExports;
  }

  get memory(): WebAssembly.Memory {
    return this.mem;
  }

  /** Whether memory has grown past KEEP_BYTES (a caller sharing it must then let it go; see trim). */
  get oversized(): boolean {
    return this.view.byteLength > KEEP_BYTES;
  }

  /** Give back memory past KEEP_BYTES by starting over on a fresh memory (not for shared memory). */
  private trim(): void {
    if (!this.oversized || this.mem.buffer instanceof SharedArrayBuffer) return;
    this.mem = new WebAssembly.Memory({ initial: 1 });
    this.instantiate();
    this.reserve(0);
  }

  private instantiate(): void {
    const instance = new WebAssembly.Instance(this.module, { env: { memory: this.mem, abort: () => { throw new Error("wasm kernel aborted"); } } });
    this.instanceExports = instance.exports as unknown as KernelExports;
    this.view = new Float32Array(this.mem.buffer);
  }

  /**
   * Lay out a call's operands: `first(n)` starts over and returns the byte offset for n floats,
   * each `next(n)` the offset after the previous one. Each is 32-byte aligned with at least 8
   * floats of room past its end (loops may run on to a whole pair of vectors); memory grows when
   * needed. Valid until the next call.
   */
  first(floats: number): number {
    // What a large call grew past KEEP_BYTES is handed back once a call that needed less has run
    // on it: a run of large calls reuses one memory (each replaced memory waits for the GC:
    // replacing it on every call of a 16000² product held 3.2 GB instead of 2.1).
    if (this.top - this.operands <= KEEP_BYTES) this.trim();
    this.top = this.operands;
    return this.next(floats);
  }

  next(floats: number): number {
    // The 32 bytes past each operand also keep a loop's end pointer below 2³² (no wrap to 0).
    const at = this.top;
    this.top += align(floats * 4, 32) + 32;
    this.reserve(this.top - this.operands);
    return at;
  }

  /** Copy src[from, from + length) into memory at byte offset `at` (callers pass float32 arrays). */
  copyIn(src: FloatArray, at: number, from = 0, length = src.length): void {
    // at / 4, not at >> 2: byte offsets reach 4 GiB, and >> turns 2³¹ and up negative.
    this.f32().set(from === 0 && length === src.length ? src : src.subarray(from, from + length), at / 4);
  }

  /** Copy `length` floats from memory at byte offset `at` into dst[to…]. */
  copyOut(at: number, dst: FloatArray, to = 0, length = dst.length): void {
    // A view made directly is cheaper than subarray(), which looks up a species constructor.
    dst.set(new Float32Array(this.view.buffer, at, length), to);
  }

  /**
   * A Float32Array over all of memory. Growing memory detaches the old view, so reserve() makes a
   * new one; only this thread grows it (reading memory.buffer on every call costs more than the copy
   * of a small operand).
   */
  f32(): Float32Array {
    return this.view;
  }

  private reserve(operandBytes: number): void {
    const need = this.operands + operandBytes;
    const have = this.view.byteLength;
    if (need > have) {
      // Checked here too: grow() of a memory without a declared maximum may accept more pages
      // than 32-bit offsets can address.
      if (need > MAX_MEMORY_BYTES) throw new KernelMemoryError(need, have, "more than 4 GiB");
      try {
        this.mem.grow(Math.ceil((need - have) / PAGE));
      } catch (e) {
        throw new KernelMemoryError(need, have, e);
      }
      this.view = new Float32Array(this.mem.buffer);
    }
  }
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/**
 * Whether the relaxed-SIMD build (fused multiply-add in the gemm) may be used: where the runtime
 * validates it (Node 20 with --experimental-wasm-relaxed-simd, Node 22+, current browsers), unless
 * BACKPROP_WASM_FMA=0 asks for the plain build.
 */
function fmaWanted(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.BACKPROP_WASM_FMA !== "0";
}

/**
 * One memory kind's two builds, as base64: plain SIMD and relaxed-SIMD fused multiply-add; and
 * what a runtime that validates neither lacks. The shared-memory builds live with the Node gemm
 * threads (threads.ts), so that browser bundles carry only these.
 */
export interface KernelBuilds { plain: string; fma: string; lacks: string }

/** The kernels over ordinary memory, for every runtime. */
export const SINGLE_BUILDS: KernelBuilds = { plain: WASM_BASE64, fma: WASM_FMA_BASE64, lacks: "SIMD" };

/**
 * Compile the kernels, or return null (with the reason) where the runtime cannot: no WebAssembly,
 * no SIMD (or, for the shared variant, no shared memory), or a browser main thread that refuses
 * synchronous compilation. The fused multiply-add build is preferred where it validates.
 */
export function compileKernels(builds: KernelBuilds): Compiled {
  let done = compiled.get(builds);
  if (!done) compiled.set(builds, (done = compileBuilds(builds)));
  return done;
}

interface Compiled { module: WebAssembly.Module | null; fma: boolean; reason: string }
const compiled = new Map<KernelBuilds, Compiled>();

function compileBuilds(builds: KernelBuilds): Compiled {
  if (typeof WebAssembly !== "object") return { module: null, fma: false, reason: "this runtime has no WebAssembly" };
  try {
    const fmaBytes = decodeBase64(builds.fma);
    if (fmaWanted() && WebAssembly.validate(fmaBytes)) return { module: new WebAssembly.Module(fmaBytes), fma: true, reason: "" };
    const bytes = decodeBase64(builds.plain);
    if (!WebAssembly.validate(bytes)) return { module: null, fma: false, reason: `this runtime's WebAssembly lacks ${builds.lacks}` };
    return { module: new WebAssembly.Module(bytes), fma: false, reason: "" };
  } catch (e) {
    return { module: null, fma: false, reason: `the WebAssembly kernels failed to compile: ${(e as Error).message}` };
  }
}

/** The one-thread kernels over ordinary memory, or null with the reason. */
export function loadWasmKernels(): { kernels: WasmKernels | null; fma: boolean; reason: string } {
  const { module, fma, reason } = compileKernels(SINGLE_BUILDS);
  if (!module) return { kernels: null, fma, reason };
  try {
    return { kernels: new WasmKernels(module, new WebAssembly.Memory({ initial: 1 })), fma, reason: "" };
  } catch (e) {
    return { kernels: null, fma, reason: `the WebAssembly kernels failed to load: ${(e as Error).message}` };
  }
}
