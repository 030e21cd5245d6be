/**
 * The two element types a tensor can hold, and how they combine.
 *
 * Rules (as NumPy/PyTorch "weak scalars"): a plain number takes the dtype of the tensor it meets;
 * float32 combined with float64 gives float64, so no precision is lost silently.
 */
export type DType = "float32" | "float64";
export type FloatArray = Float32Array | Float64Array;

export const DEFAULT_DTYPE: DType = "float32";

export function isDType(x: unknown): x is DType {
  return x === "float32" || x === "float64";
}

export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float64Array ? "float64" : "float32";
}

/** A zero-filled typed array of the given dtype. */
export function allocate(dtype: DType, size: number): FloatArray {
  return dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
}

/** The dtype of a result computed from operands of these dtypes. */
export function promote(a: DType, b: DType): DType {
  return a === "float64" || b === "float64" ? "float64" : "float32";
}

export function checkDType(op: string, dtype: unknown): DType {
  if (!isDType(dtype)) {
    throw new Error(`${op}: unknown dtype ${JSON.stringify(dtype)}; expected "float32" or "float64"`);
  }
  return dtype;
}
