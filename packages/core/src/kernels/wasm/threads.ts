/**
 * The many-thread gemm (Node): C is cut into bands of rows or columns, the main thread computes the
 * first band and worker threads the others, all running the same WebAssembly gemm on one shared
 * memory. Every entry of C is summed in the same order whichever band it falls in (see
 * assembly/gemm.ts), so results are bit for bit those of one thread.
 *
 * A worker sleeps in Atomics.wait on its control block until the main thread posts a job, runs its
 * band and posts "done". Waking a worker costs tens of microseconds, so only products of
 * THREADS_MIN_WORK multiply-adds and more are split (measured: docs/backends.md).
 *
 * This file is Node's: the package maps the import "#wasm-threads" to it under the "node"
 * condition, and to threads-browser.ts everywhere else, so browser bundles carry neither this
 * code nor the shared-memory kernels.
 *
 * Memory: one shared memory serves every pool this process starts, reused by every call and kept
 * when setThreads() restarts the pool with another count. A shared memory is not cheap to let go:
 * it cannot shrink, it cannot be swapped under running workers (they must be restarted with the
 * new one), and the old one is freed only when the main thread and every worker have collected it,
 * at a major GC. Handing it back after every large product (as the one-thread memory does, see
 * module.ts) once meant a fresh 1 GB memory per call of a 16000² product, 7 GB after 6 calls.
 * So it is handed back only when it has stopped paying: memory past `keepBytes` is kept while
 * products keep needing it, and given back once `handBackAfter` threaded products in a row have
 * fitted in `keepBytes` (or when setThreads(1) closes the pool).
 */
import { WASM_SHARED_BASE64, WASM_SHARED_FMA_BASE64 } from "./binary-shared.generated.js";
import { compileKernels, KEEP_BYTES, WasmKernels, type KernelBuilds } from "./module.js";

/** When the shared memory is handed back (see above). Tests lower these to see it happen. */
export const sharedMemoryPolicy = { keepBytes: KEEP_BYTES, handBackAfter: 64 };

/** The one shared memory and the main thread's kernels over it, kept across pools. */
let kept: WasmKernels | null = null;
/** Threaded products in a row whose operands fitted in keepBytes while the memory was larger. */
let fitted = 0;

/** The shared memory every pool uses, or null before the first pool (for tests). */
export function keptSharedMemory(): WebAssembly.Memory | null {
  return kept?.memory ?? null;
}

function sharedKernels(module: WebAssembly.Module, threads: number): WasmKernels {
  // 65536 pages: 4 GiB, the most 32-bit offsets address (shared memory must declare its maximum).
  kept ??= new WasmKernels(module, new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true }), threads);
  kept.setThreads(threads);
  return kept;
}

/** The kernels over shared memory (the main thread and the workers run them on one memory). */
export const SHARED_BUILDS: KernelBuilds = { plain: WASM_SHARED_BASE64, fma: WASM_SHARED_FMA_BASE64, lacks: "SIMD or threads" };

// Control block of one worker (Int32 slots in its own SharedArrayBuffer, then room for a message).
const JOB = 0;    // the main thread bumps it to post a job
const DONE = 1;   // the worker copies JOB here when the job is finished
const READY = 2;  // STARTED once the worker has instantiated the kernels, or BROKEN if it could not
const FAILED = 3; // 1 if the job threw (the message goes to the worker's stderr)
const ARGS = 4;   // the gemm's 12 arguments
const SLOTS = ARGS + 12;
const STARTED = 1, BROKEN = 2;
/** Bytes after the slots where a worker that could not start writes why (UTF-8, zero-padded). */
const MESSAGE_BYTES = 256;

// The worker's whole program (CommonJS, run with eval: no file to locate or bundle). Its names must
// not be ones a runtime predefines for CommonJS code (module, exports, require, __filename): Bun and
// Deno refuse to redeclare them.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { kernelsModule, kernelsMemory, control } = workerData;
const ctl = new Int32Array(control, 0, ${SLOTS});
let gemm = null;
try {
  const env = { memory: kernelsMemory, abort() { throw new Error("wasm kernel aborted"); } };
  gemm = new WebAssembly.Instance(kernelsModule, { env }).exports.gemm;
  Atomics.store(ctl, ${READY}, ${STARTED});
} catch (e) {
  new Uint8Array(control, ${SLOTS * 4}, ${MESSAGE_BYTES}).set(new TextEncoder().encode(String(e)).subarray(0, ${MESSAGE_BYTES}));
  Atomics.store(ctl, ${READY}, ${BROKEN});
}
Atomics.notify(ctl, ${READY});
for (let seen = 0; gemm; ) {
  Atomics.wait(ctl, ${JOB}, seen);
  seen = Atomics.load(ctl, ${JOB});
  try {
    gemm(${Array.from({ length: 12 }, (_, i) => `ctl[${ARGS + i}]`).join(", ")});
  } catch (e) {
    Atomics.store(ctl, ${FAILED}, 1);
    console.error(e);
  }
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}`;

interface Worker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: "error", listener: (e: Error) => void): void;
}
interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => Worker;
}

type Gemm = (a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number,
             m: number, n: number, k: number, transA: boolean, transB: boolean) => void;

/** How long a new pool waits for each worker to start before giving up on threads (tests shorten it). */
export const workerStartPolicy = { timeoutMs: 10_000 };

export class GemmThreads {
  private kernels: WasmKernels;
  private controls: Int32Array[] = [];
  private workers: Worker[] = [];
  private workerError = "";
  private job = 0;

  constructor(private readonly workerThreads: WorkerThreads, private readonly module: WebAssembly.Module, readonly threads: number) {
    this.kernels = sharedKernels(module, threads);
    this.startWorkers();
  }

  /**
   * Start the workers and wait until each has its kernels. One that cannot start (it reports why)
   * or does not start within workerStartPolicy.timeoutMs stops them all and throws: the caller (pool.ts) then
   * runs on one thread and backendInfo().note says why.
   */
  private startWorkers(): void {
    const memory = this.kernels.memory;
    for (let t = 1; t < this.threads; t++) {
      const control = new SharedArrayBuffer(SLOTS * 4 + MESSAGE_BYTES);
      const worker = new this.workerThreads.Worker(WORKER_SOURCE, { eval: true, workerData: { kernelsModule: this.module, kernelsMemory: memory, control } });
      // An error the worker could not report itself (it ends the worker, not the process).
      worker.on("error", (e) => { this.workerError = e.message; });
      worker.unref(); // an idle worker must not keep the process alive
      this.workers.push(worker);
      this.controls.push(new Int32Array(control, 0, SLOTS));
    }
    for (const ctl of this.controls) {
      const state = Atomics.wait(ctl, READY, 0, workerStartPolicy.timeoutMs) === "timed-out" ? 0 : Atomics.load(ctl, READY);
      if (state === STARTED) continue;
      this.stopWorkers();
      if (state === BROKEN) {
        const bytes = new Uint8Array(ctl.buffer, SLOTS * 4, MESSAGE_BYTES).slice();
        throw new Error(`a kernel worker thread could not start: ${new TextDecoder().decode(bytes).replace(/\0+$/, "")}`);
      }
      throw new Error(`a kernel worker thread did not start within ${workerStartPolicy.timeoutMs} ms${this.workerError ? ` (${this.workerError})` : ""}`);
    }
  }

  private stopWorkers(): void {
    for (const w of this.workers) void w.terminate();
    this.workers = [];
    this.controls = [];
  }

  /** Before a product of `floats` operand floats: hand the memory back if it has stopped paying (see above). */
  private handBackIfIdle(floats: number): void {
    const { keepBytes, handBackAfter } = sharedMemoryPolicy;
    if (this.kernels.memory.buffer.byteLength <= keepBytes) { fitted = 0; return; } // nothing to hand back
    fitted = 4 * floats <= keepBytes ? fitted + 1 : 0;
    if (fitted < handBackAfter) return;
    this.stopWorkers();
    kept = null; // freed at the next major GC, once the workers' isolates are gone
    this.kernels = sharedKernels(this.module, this.threads);
    this.startWorkers();
    fitted = 0;
  }

  /** Same contract as Backend.gemm, for float32 operands. */
  readonly gemm: Gemm = (a, aOff, b, bOff, c, cOff, m, n, k, transA, transB) => {
    const wasm = this.memoryFor(m * k + k * n + m * n);
    const pa = wasm.first(m * k), pb = wasm.next(k * n), pc = wasm.next(m * n);
    wasm.copyIn(a, pa, aOff, m * k);
    wasm.copyIn(b, pb, bOff, k * n);
    this.gemmAt(pa, transA ? m : k, pb, transB ? k : n, pc, n, m, n, k, transA, transB);
    wasm.copyOut(pc, c, cOff, m * n);
  };

  /**
   * The shared memory's kernels, for a call that lays out `floats` operand floats in it itself
   * (a convolution keeps its columns there) and then calls gemmAt.
   */
  memoryFor(floats: number): WasmKernels {
    this.handBackIfIdle(floats);
    return this.kernels;
  }

  /**
   * C = op(A)·op(B) on operands already in the shared memory (byte offsets, row strides in
   * elements, as the WebAssembly gemm takes them), split across the threads.
   */
  gemmAt(pa: number, lda: number, pb: number, ldb: number, pc: number, ldc: number,
         m: number, n: number, k: number, transA: boolean, transB: boolean): void {
    const wasm = this.kernels;
    // Cut the longer side of C into bands of whole 4×8 tiles, one gemm call each. No band is
    // thinner than a tile (a short tail joins the band before it): the gemm sums thin products
    // in another order, and a band must give the bits the whole product would.
    const byColumns = n >= m;
    const side = byColumns ? n : m, unit = byColumns ? 8 : 4;
    const size = Math.ceil(side / this.threads / unit) * unit;
    const bands = Array.from({ length: this.threads + 1 }, (_, t) => Math.min(side, t * size));
    const last = this.threads - 1;
    if (side - bands[last] < unit) bands[last] = side;
    const args = (t: number): number[] => {
      const from = bands[t], size = bands[t + 1] - from;
      if (byColumns) return [pa, lda, pb + 4 * from * (transB ? ldb : 1), ldb, pc + 4 * from, ldc, m, size, k, +transA, +transB, wasm.scratch[t]];
      return [pa + 4 * from * (transA ? 1 : lda), lda, pb, ldb, pc + 4 * from * ldc, ldc, size, n, k, +transA, +transB, wasm.scratch[t]];
    };
    this.job++;
    for (let t = 1; t < this.threads; t++) {
      const ctl = this.controls[t - 1];
      ctl.set(args(t), ARGS);
      Atomics.store(ctl, FAILED, 0);
      Atomics.store(ctl, JOB, this.job);
      Atomics.notify(ctl, JOB);
    }
    const [a0, l0, b0, lb0, c0, lc0, m0, n0, k0, ta0, tb0, s0] = args(0);
    wasm.exports.gemm(a0, l0, b0, lb0, c0, lc0, m0, n0, k0, ta0, tb0, s0);
    for (const ctl of this.controls) this.waitFor(ctl);
  }

  private waitFor(ctl: Int32Array): void {
    for (;;) {
      const done = Atomics.load(ctl, DONE);
      if (done === this.job) break;
      Atomics.wait(ctl, DONE, done);
    }
    if (Atomics.load(ctl, FAILED)) throw new Error("gemm: a kernel worker thread failed (its error is on stderr)");
  }

  /**
   * Stop the workers (they also stop with the process). The shared memory stays for the next
   * pool, unless `handBack` (no pool will follow: setThreads(1)) and it is past keepBytes.
   */
  close(handBack = false): void {
    this.stopWorkers();
    if (handBack && kept && kept.memory.buffer.byteLength > sharedMemoryPolicy.keepBytes) kept = null;
  }
}

/** Node's worker_threads, reached without a static import so that browsers can load this file. */
function nodeWorkerThreads(): WorkerThreads | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.("node:worker_threads") as WorkerThreads | undefined) ?? null;
}

/** Processor cores this process may use (Node), or 1 where that cannot be asked. */
export function availableCores(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.("node:os") as { availableParallelism?: () => number } | undefined;
  return os?.availableParallelism?.() ?? 1;
}

/**
 * Why this runtime has no gemm threads, or "" when it has what they need. Cheap: nothing is
 * compiled or started here; a later failure to start them (startGemmThreads throws) is handled
 * by the caller falling back to one thread.
 */
export function threadsUnavailableReason(): string {
  if (!nodeWorkerThreads()) return "threads need Node's worker_threads (Node ≥ 20.16)";
  if (typeof SharedArrayBuffer !== "function") return "threads need SharedArrayBuffer";
  return "";
}

/** Start a pool of `threads` gemm threads; throws if the shared-memory kernels or the workers cannot start. */
export function startGemmThreads(threads: number): GemmThreads {
  const { module, reason } = compileKernels(SHARED_BUILDS);
  if (!module) throw new Error(reason);
  return new GemmThreads(nodeWorkerThreads()!, module, threads);
}
