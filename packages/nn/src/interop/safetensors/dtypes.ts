/**
 * The element types of a safetensors file: which we write, which we read, and how a value of each
 * becomes a JavaScript number.
 *
 * Written: F32 for float32 tensors, F64 for float64, and I64 for keys ending in
 * `num_batches_tracked` (PyTorch keeps BatchNorm's counter as int64; we keep it as a float64 count).
 *
 * Read, every conversion exact:
 * - F32 → float32, F64 → float64.
 * - F16 and BF16 → float32. Every half and bfloat16 value (subnormals, ±∞ and NaN included) is a
 *   float32 value, so widening loses nothing; computing in 16 bits is not something we do.
 * - The integer types I8 … I64 and U8 … U64 → float64 (buffers such as PyTorch's counters and
 *   position ids). float64 holds every integer up to 2^53 − 1 and not all beyond, so a larger
 *   value is refused rather than rounded (see toNumber).
 * Refused: BOOL, the 8-, 6- and 4-bit floats (F8_E4M3, F8_E5M2, F8_E8M0, F6_E2M3, F6_E3M2, F4) and
 * the complex C64 — none is a type our tensors hold, and none has an obvious exact meaning as one.
 */
import type { DType } from "@backprop/core";

/** A type we read: its width, the dtype it becomes, and how one value is read (little-endian). */
export interface ReadType {
  bytes: number;
  dtype: DType;
  /** The value at byte `at`; 64-bit integers come back as a bigint, for toNumber to check. */
  read(view: DataView, at: number): number | bigint;
}

/** A bfloat16 is the upper half of a float32: put its bits there and read the float32. */
const scratch = new DataView(new ArrayBuffer(4));
function bfloat16(bits: number): number {
  scratch.setUint32(0, (bits << 16) >>> 0);
  return scratch.getFloat32(0);
}

/** IEEE half precision: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits. */
function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero (±0 kept) and subnormals
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

export const READ: Record<string, ReadType> = {
  F64: { bytes: 8, dtype: "float64", read: (v, at) => v.getFloat64(at, true) },
  F32: { bytes: 4, dtype: "float32", read: (v, at) => v.getFloat32(at, true) },
  F16: { bytes: 2, dtype: "float32", read: (v, at) => float16(v.getUint16(at, true)) },
  BF16: { bytes: 2, dtype: "float32", read: (v, at) => bfloat16(v.getUint16(at, true)) },
  I64: { bytes: 8, dtype: "float64", read: (v, at) => v.getBigInt64(at, true) },
  I32: { bytes: 4, dtype: "float64", read: (v, at) => v.getInt32(at, true) },
  I16: { bytes: 2, dtype: "float64", read: (v, at) => v.getInt16(at, true) },
  I8: { bytes: 1, dtype: "float64", read: (v, at) => v.getInt8(at) },
  U64: { bytes: 8, dtype: "float64", read: (v, at) => v.getBigUint64(at, true) },
  U32: { bytes: 4, dtype: "float64", read: (v, at) => v.getUint32(at, true) },
  U16: { bytes: 2, dtype: "float64", read: (v, at) => v.getUint16(at, true) },
  U8: { bytes: 1, dtype: "float64", read: (v, at) => v.getUint8(at) },
};

/** Types of the format we refuse (see the file comment), told apart from names that are no type at all. */
export const REFUSED = ["BOOL", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64"];

/** For messages: what we read, and as what. */
export const READ_LIST = "F32, F16 and BF16 (as float32), F64, and the integers I8, I16, I32, I64, U8, U16, U32, U64 (as float64)";

/** A 64-bit integer as a number, or null when float64 cannot hold it exactly (beyond ±(2^53 − 1)). */
export function toNumber(v: bigint): number | null {
  return v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(v);
}

/** A type we write. */
export type WriteName = "F32" | "F64" | "I64";

/** Widths, and the order safetensors lays tensors out in: widest type first (I64, F64, then F32). */
export const WRITE_BYTES: Record<WriteName, number> = { I64: 8, F64: 8, F32: 4 };
export const WRITE_RANK: Record<WriteName, number> = { I64: 0, F64: 1, F32: 2 };

/** Write one value (little-endian); an I64 value has been checked to be a safe integer. */
export function write(view: DataView, at: number, type: WriteName, value: number): void {
  if (type === "F32") view.setFloat32(at, value, true);
  else if (type === "F64") view.setFloat64(at, value, true);
  else view.setBigInt64(at, BigInt(value), true);
}

/** PyTorch's BatchNorm counter, an int64 there: `num_batches_tracked` itself or a key ending in `.num_batches_tracked`. */
export function isCounterKey(name: string): boolean {
  return name === "num_batches_tracked" || name.endsWith(".num_batches_tracked");
}
