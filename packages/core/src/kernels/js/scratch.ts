/**
 * Reusable working arrays for the temporaries of one op call (a convolution's unfolded columns and
 * its reordered products), which never leave the call.
 *
 * Why: a fresh large typed array costs its first touch, page by page, on every call, and that is
 * what dominated a convolution before (a fresh 58 MB of columns took longer to touch than the
 * matrix product over it took to compute, on the 2-core machine of docs/backends.md). A kept array
 * is touched once. Each named slot holds one array per dtype and grows when a call needs more;
 * arrays over KEEP_BYTES are not kept, so one huge call does not pin its size for good.
 *
 * A slot's contents are valid until the next request for the same slot: callers finish with a
 * slot before anything else can ask for it (ops run to completion; nothing here is re-entrant).
 */
import type { DType, FloatArray } from "../../dtype.js";

const KEEP_BYTES = 256 << 20;
const kept = new Map<string, FloatArray>();

/** A working array of `size` elements of `dtype` for `slot` (contents undefined: callers overwrite or fill). */
export function scratch(slot: string, dtype: DType, size: number): FloatArray {
  const key = `${slot}:${dtype}`;
  const bytes = size * (dtype === "float64" ? 8 : 4);
  const have = kept.get(key);
  if (have && have.length >= size) return have.subarray(0, size);
  const fresh = dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
  if (bytes <= KEEP_BYTES) kept.set(key, fresh);
  return fresh;
}
