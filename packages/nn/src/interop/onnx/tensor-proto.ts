/**
 * ONNX TensorProto ⇄ backprop Tensor.
 *
 * backprop tensors hold float32 or float64 only, so ONNX's integer and boolean tensors (shapes,
 * axes, gather indices, Where conditions) are read into float64: every integer up to 2^53 is exact
 * there. ONNX files store values little-endian, whatever the machine, so raw bytes are read and
 * written through a DataView with `littleEndian = true` rather than by viewing the bytes as a typed
 * array (which would use the machine's byte order, and needs an aligned offset besides).
 */
import type { TensorProto } from "onnx-buf";
import { DataLocation, DataType } from "./codes.js";
import { schema } from "./schema.js";
import { quote, Tensor, type DType } from "@backprop/core";

/** ONNX element types that can be read, and how each byte group decodes. */
const READERS: Partial<Record<number, { bytes: number; read: (v: DataView, at: number) => number | bigint }>> = {
  [DataType.FLOAT]: { bytes: 4, read: (v, at) => v.getFloat32(at, true) },
  [DataType.DOUBLE]: { bytes: 8, read: (v, at) => v.getFloat64(at, true) },
  [DataType.INT64]: { bytes: 8, read: (v, at) => v.getBigInt64(at, true) },
  [DataType.INT32]: { bytes: 4, read: (v, at) => v.getInt32(at, true) },
  [DataType.BOOL]: { bytes: 1, read: (v, at) => (v.getUint8(at) ? 1 : 0) },
};

/** The ONNX element type of a backprop dtype. */
export function onnxDataType(dtype: DType): number {
  return dtype === "float64" ? DataType.DOUBLE : DataType.FLOAT;
}

/**
 * The backprop dtype an ONNX element type is read into (integers and booleans as float64, exact up
 * to 2^53), or null for a type backprop cannot hold.
 */
export function backpropDType(dataType: number): DType | null {
  if (dataType === DataType.FLOAT) return "float32";
  return dataType in READERS ? "float64" : null;
}

/** "FLOAT", "INT64", … for messages ("type 99" for a code the schema does not know). */
export function onnxTypeName(dataType: number): string {
  return schema().onnx.TensorProto_DataType[dataType] ?? `type ${dataType}`;
}

const INT64_MAX = 2n ** 63n - 1n, INT64_MIN = -(2n ** 63n);

/**
 * An int64 as a number. Exporters write INT64_MAX (and INT64_MIN or −INT64_MAX) to mean "to the
 * end" (Slice's ends for `x[1:]`), so those become ±Infinity; any other value beyond 2^53 would be
 * rounded silently in a float64 (beyond 2^53 − 1), so it is an error.
 */
function int64ToNumber(v: bigint, where: string): number {
  if (v === INT64_MAX) return Infinity;
  if (v === INT64_MIN || v === -INT64_MAX) return -Infinity;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`${where} holds the int64 ${v}, beyond 2^53 − 1, which a float64 cannot hold exactly`);
  return n;
}

/**
 * The values of an ONNX TensorProto as a backprop Tensor (a new leaf): FLOAT → float32, DOUBLE →
 * float64, and INT64, INT32, BOOL → float64 values. Values come from raw_data or from the typed
 * field of the element type (float_data, double_data, int64_data, int32_data — BOOL lives in
 * int32_data). External data (a separate weights file) and other element types are errors naming
 * the tensor.
 */
export function tensorFromProto(t: TensorProto): Tensor {
  const where = `tensorFromProto: tensor ${quote(t.name || "(unnamed)")}`;
  const dtype = backpropDType(t.dataType);
  const reader = READERS[t.dataType];
  if (dtype === null || !reader) {
    throw new Error(`${where} has element type ${onnxTypeName(t.dataType)}; backprop reads FLOAT, DOUBLE, INT64, INT32 and BOOL`);
  }
  if (t.dataLocation === DataLocation.EXTERNAL || t.externalData.length > 0) {
    throw new Error(`${where} keeps its values in an external file; save the model with its weights inside (onnx.save_model(m, path, save_as_external_data=False))`);
  }
  if (t.segment) throw new Error(`${where} is a segment of a larger tensor, which backprop cannot read`);
  const shape = t.dims.map((d) => {
    const n = Number(d);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${where} has a bad dimension ${d} in dims [${t.dims.join(", ")}]`);
    return n;
  });
  const size = shape.reduce((p, d) => p * d, 1);
  const data = dtype === "float32" ? new Float32Array(size) : new Float64Array(size);
  const toNumber = (v: number | bigint) => (typeof v === "bigint" ? int64ToNumber(v, where) : v);

  if (t.rawData.length > 0) {
    if (t.rawData.length !== size * reader.bytes) {
      throw new Error(`${where}: raw_data has ${t.rawData.length} bytes, but shape [${shape.join(", ")}] of ${onnxTypeName(t.dataType)} needs ${size * reader.bytes}`);
    }
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    for (let i = 0; i < size; i++) data[i] = toNumber(reader.read(view, i * reader.bytes));
    return new Tensor(data, shape);
  }
  const field = typedField(t);
  if (field.values.length !== size) {
    throw new Error(`${where}: ${field.name} holds ${field.values.length} values, but shape [${shape.join(", ")}] needs ${size}`);
  }
  for (let i = 0; i < size; i++) data[i] = toNumber(field.values[i]);
  return new Tensor(data, shape);
}

/** The repeated field that holds values of t's element type when raw_data is empty. */
function typedField(t: TensorProto): { name: string; values: readonly (number | bigint)[] } {
  switch (t.dataType) {
    case DataType.FLOAT: return { name: "float_data", values: t.floatData };
    case DataType.DOUBLE: return { name: "double_data", values: t.doubleData };
    case DataType.INT64: return { name: "int64_data", values: t.int64Data };
    default: return { name: "int32_data", values: t.int32Data.map((v) => (t.dataType === DataType.BOOL ? (v ? 1 : 0) : v)) };
  }
}

/**
 * A TensorProto named `name` holding t's values in raw_data (little-endian): FLOAT for float32,
 * DOUBLE for float64, or INT64 when `dtype` is "int64" (for shapes, axes and indices; every value
 * must then be an integer below 2^53 in size, or ±Infinity, written as INT64_MAX / INT64_MIN:
 * tensorFromProto's reading of those, "to the end" as a Slice bound).
 */
export function tensorToProto(name: string, t: Tensor, dtype?: "int64"): TensorProto {
  const dataType = dtype === "int64" ? DataType.INT64 : onnxDataType(t.dtype);
  const bytes = dataType === DataType.FLOAT ? 4 : 8;
  const raw = new Uint8Array(t.size * bytes);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < t.size; i++) {
    const v = t.data[i];
    if (dataType === DataType.INT64) {
      if (!Number.isSafeInteger(v) && Math.abs(v) !== Infinity) {
        throw new Error(`tensorToProto: tensor ${quote(name)} as int64 needs integers below 2^53 in size (or ±Infinity), got ${v} at flat position ${i}`);
      }
      view.setBigInt64(i * 8, v === Infinity ? INT64_MAX : v === -Infinity ? INT64_MIN : BigInt(v), true);
    } else if (bytes === 4) view.setFloat32(i * 4, v, true);
    else view.setFloat64(i * 8, v, true);
  }
  const { pb, onnx } = schema();
  return pb.create(onnx.TensorProtoSchema, { name, dims: t.shape.map((d) => BigInt(d)), dataType, rawData: raw });
}
