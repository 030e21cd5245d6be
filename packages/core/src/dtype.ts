/**
 * The two element types a tensor can hold, and how they combine.
 *
 * Rules (as NumPy/PyTorch "weak scalars"): a plain number takes the dtype of the tensor it meets;
 * float32 combined with float64 gives float64, so no precision is lost silently.
 */
import { quote } from "./quote.js";

export type DType = "float32" | "float64";
export type FloatArray = Float32Array | Float64Array;

export const DEFAULT_DTYPE: DType = "float32";

export function isDType(x: unknown): x is DType {
  return x === "float32" || x === "float64";
}

export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float64Array ? "float64" : "float32";
}

/**
 * A zero-filled typed array of the given dtype.
 *
 * Why not just `new Float32Array(n)`? Beyond 64 bytes, each typed array gets its own ArrayBuffer
 * outside the JavaScript heap, and making one costs about as much as adding a thousand numbers.
 * A training step makes dozens of mid-sized arrays, so that cost would dominate small networks.
 * Mid-sized arrays are therefore cut from a shared 1 MiB slab (a bump allocator: a view is ~30×
 * cheaper to make); the garbage collector frees a slab once no array cut from it is alive.
 * Tiny arrays stay on the heap (already cheap) and big ones get their own buffer (so one long-lived
 * tensor never keeps a slab's worth of memory alive for a large array's sake).
 */
const SLAB_BYTES = 1 << 20;
const SLAB_MAX_BYTES = 64 << 10;
const HEAP_MAX_BYTES = 64;
let slab = new ArrayBuffer(0);
let slabOffset = 0;

export function allocate(dtype: DType, size: number): FloatArray {
  const f64 = dtype === "float64";
  const bytes = size * (f64 ? 8 : 4);
  if (bytes <= HEAP_MAX_BYTES || bytes > SLAB_MAX_BYTES) return f64 ? new Float64Array(size) : new Float32Array(size);
  if (slabOffset + bytes > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabOffset = 0;
  }
  const out = f64 ? new Float64Array(slab, slabOffset, size) : new Float32Array(slab, slabOffset, size);
  slabOffset += (bytes + 7) & ~7; // keep every view 8-byte aligned, as Float64Array requires
  return out;
}

/** The dtype of a result computed from operands of these dtypes. */
export function promote(a: DType, b: DType): DType {
  return a === "float64" || b === "float64" ? "float64" : "float32";
}

export function checkDType(op: string, dtype: unknown): DType {
  if (!isDType(dtype)) {
    throw new Error(`${op}: unknown dtype ${quote(dtype)}; expected "float32" or "float64"`);
  }
  return dtype;
}
