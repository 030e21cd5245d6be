/**
 * safetensors: the file format PyTorch and Hugging Face use to share weights, read and written as
 * bytes (browser-safe: no file system here; files are in @backprop/nn/node).
 *
 *   const bytes = toSafetensors(model);        // or toSafetensors(model.stateDict())
 *   model.loadStateDict(fromSafetensors(bytes));
 *
 * The layout (https://huggingface.co/docs/safetensors): an 8-byte little-endian length N, N bytes
 * of JSON header `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": {…} }`,
 * then the values, little-endian, row-major, one tensor after another with no gaps.
 *
 * We write what the reference library (safetensors.torch.save_file) writes for the same tensors,
 * byte for byte: the metadata `{"format":"pt"}` first (what Hugging Face's save_pretrained passes,
 * and what its loaders look for), then the tensors ordered as that library orders them — widest
 * type first (I64, F64, F32), then by name (by UTF-8 bytes) — and the header padded with spaces to
 * a multiple of 8 bytes. Keys are the state dict's own, which for our layers are PyTorch's
 * ("0.weight", "1.running_mean", "1.num_batches_tracked").
 *
 * Types (safetensors/dtypes.ts): float32 → F32, float64 → F64, and a key ending in
 * num_batches_tracked → I64, as PyTorch stores it. Reading widens exactly: F16 and BF16 become
 * float32, integer types float64 (refusing values beyond 2^53 − 1); other types are refused.
 *
 * From a Module, the values are read straight from its tensors' typed arrays (no number[] copy of
 * a large model); from a state dict, each entry is checked first as loadStateDict checks it.
 * fromSafetensors checks the whole header before reading a value (safetensors/header.ts) and
 * returns a state dict (`{ [name]: { shape, dtype, data } }`, as stateDict() gives); the
 * metadata is checked (strings only) but not returned.
 */
import { quote } from "@backprop/core";
import { Module } from "../module.js";
import { entryProblem, type StateDict, type TensorState } from "../state.js";
import { isCounterKey, toNumber, write, WRITE_BYTES, WRITE_RANK, type WriteName } from "./safetensors/dtypes.js";
import { MAX_HEADER_BYTES, readHeader, type Entry } from "./safetensors/header.js";

/** What the header says of the file: PyTorch tensors, as save_pretrained marks them. */
const METADATA = { format: "pt" };

const utf8 = new TextEncoder();

/** One tensor on its way into the file. */
interface Outgoing {
  name: string;
  type: WriteName;
  shape: readonly number[];
  values: ArrayLike<number>;
}

function fail(why: string): never {
  throw new Error(`toSafetensors: ${why}`);
}
function failKey(key: string, why: string): never {
  fail(`key ${quote(key)}: ${why}`);
}

/** A state dict's entry, checked as loadStateDict checks one (less the module's shapes). */
function checkState(key: string, entry: unknown): TensorState {
  const why = entryProblem(entry);
  if (why !== null) failKey(key, why);
  return entry as TensorState;
}

/** The tensors to write, each with its safetensors type. */
function outgoing(source: Module | StateDict): Outgoing[] {
  let named: [string, { shape: readonly number[]; dtype: string; values: ArrayLike<number> }][];
  if (source instanceof Module) {
    named = source.namedTensors().map(([name, t]) => [name, { shape: t.shape, dtype: t.dtype, values: t.data }]);
  } else if (source !== null && typeof source === "object" && !Array.isArray(source)) {
    named = Object.entries(source).map(([name, entry]) => {
      const s = checkState(name, entry);
      return [name, { shape: s.shape, dtype: s.dtype, values: s.data }];
    });
  } else {
    fail(`expected a Module or a state dict { [name]: { shape, dtype, data } }, got ${source === null ? "null" : Array.isArray(source) ? "an array" : typeof source}`);
  }
  return named.map(([name, t]) => {
    if (name === "__metadata__") failKey(name, "the name is reserved for the file's metadata in safetensors; rename the tensor");
    const type: WriteName = isCounterKey(name) ? "I64" : t.dtype === "float64" ? "F64" : "F32";
    if (type === "I64") {
      for (let i = 0; i < t.values.length; i++) {
        const v = t.values[i];
        if (!Number.isSafeInteger(v)) {
          failKey(name, `a BatchNorm counter is written as int64, as PyTorch keeps it, so its values must be integers within ±(2^53 − 1); value ${i} is ${v}`);
        }
      }
    }
    return { name, type, shape: t.shape, values: t.values };
  });
}

/** UTF-8 byte order, which is the order of Unicode code points (the reference library sorts Rust strings, by bytes). */
function byBytes(a: string, b: string): number {
  const x = utf8.encode(a), y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/**
 * A Module's tensors, or a state dict, as the bytes of a safetensors file (see the file comment).
 * Everything is checked before any byte is written; errors name the key.
 */
export function toSafetensors(source: Module | StateDict): Uint8Array {
  const tensors = outgoing(source).sort((a, b) => WRITE_RANK[a.type] - WRITE_RANK[b.type] || byBytes(a.name, b.name));
  // The header, built in the file's order (a key such as "__proto__" stays a plain key in a string).
  const parts = [`"__metadata__":${JSON.stringify(METADATA)}`];
  let offset = 0;
  for (const t of tensors) {
    const end = offset + t.values.length * WRITE_BYTES[t.type];
    parts.push(`${JSON.stringify(t.name)}:${JSON.stringify({ dtype: t.type, shape: t.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const header = utf8.encode(`{${parts.join(",")}}`);
  if (header.length > MAX_HEADER_BYTES) fail(`the header would be ${header.length} bytes, more than the ${MAX_HEADER_BYTES} bytes (100 MB) readers accept`);
  const padded = Math.ceil(header.length / 8) * 8; // with spaces to a multiple of 8, as the reference library pads

  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(8 + padded + offset);
  } catch (e) {
    fail(`could not allocate ${8 + padded + offset} bytes for the file (${e instanceof Error ? e.message : String(e)})`);
  }
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  bytes.set(header, 8);
  bytes.fill(0x20, 8 + header.length, 8 + padded);
  let at = 8 + padded;
  for (const t of tensors) {
    const step = WRITE_BYTES[t.type];
    for (let i = 0; i < t.values.length; i++, at += step) write(view, at, t.type, t.values[i]);
  }
  return bytes;
}

/** One tensor's values, read after the header was checked (so every offset is inside the file). */
function values(view: DataView, dataStart: number, e: Entry): number[] {
  const data = new Array<number>((e.end - e.begin) / e.type.bytes);
  for (let i = 0, at = dataStart + e.begin; i < data.length; i++, at += e.type.bytes) {
    const v = e.type.read(view, at);
    const n = typeof v === "bigint" ? toNumber(v) : v;
    if (n === null) throw new Error(`fromSafetensors: key ${quote(e.name)}: value ${i} is ${v}, beyond ±(2^53 − 1), the integers a float64 holds exactly`);
    data[i] = n;
  }
  return data;
}

/**
 * A state dict from the bytes of a safetensors file (see the file comment): the header is
 * checked whole before any value is read; errors start with "fromSafetensors:" and name the key.
 */
export function fromSafetensors(bytes: Uint8Array): StateDict {
  if (!(bytes instanceof Uint8Array)) {
    throw new Error(`fromSafetensors: expected the file's bytes as a Uint8Array (a Node Buffer is one), got ${bytes === null ? "null" : typeof bytes}`);
  }
  const { entries, dataStart } = readHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sd: StateDict = {};
  for (const e of entries) {
    let data: number[];
    try {
      data = values(view, dataStart, e);
    } catch (err) {
      // A number[] holds about 134 million values in V8: a larger tensor (a big embedding) cannot be a state dict entry.
      if (!(err instanceof RangeError)) throw err;
      throw new Error(`fromSafetensors: key ${quote(e.name)} holds ${(e.end - e.begin) / e.type.bytes} values, more than one JavaScript array can hold (a state dict keeps each tensor's values as a number[])`, { cause: err });
    }
    // Defined, not assigned: a key "__proto__" from a file must stay a key, not set the prototype.
    Object.defineProperty(sd, e.name, { value: { shape: e.shape, dtype: e.type.dtype, data }, enumerable: true, writable: true, configurable: true });
  }
  return sd;
}
