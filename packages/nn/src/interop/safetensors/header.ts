/**
 * Reading and checking a safetensors file's header, before any tensor data is touched.
 *
 * The file: 8 bytes holding N, a little-endian unsigned 64-bit integer; N bytes of UTF-8 JSON, the
 * header; then the data. The header is an object `{ name: { dtype, shape, data_offsets: [begin,
 * end] }, …, "__metadata__"?: { string: string } }`, offsets in bytes from the start of the data.
 *
 * A file may come from anywhere, so every rule of the format is checked, each with its own message
 * naming the key and the values (through core's quote(): a short prefix of an untrusted string):
 * the header fits in the file and in 100 MB (the reference library's limit, against a header built
 * to exhaust memory); it is UTF-8, starts with "{" and parses as one JSON object with no key twice;
 * the metadata maps strings to strings; every entry has a dtype we read, a shape of non-negative
 * integers and two integer offsets whose distance is the shape's size times the type's width; and
 * the tensors tile the data exactly — no byte outside the file, none shared, none left over.
 * Fields of an entry besides those three are ignored, as the reference library ignores them.
 */
import { quote } from "@backprop/core";
import { READ, READ_LIST, REFUSED, type ReadType } from "./dtypes.js";

/** The reference library refuses headers longer than this (bytes). */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor as the header describes it; begin and end are from the start of the data. */
export interface Entry {
  name: string;
  type: ReadType;
  shape: number[];
  begin: number;
  end: number;
}

function fail(why: string): never {
  throw new Error(`fromSafetensors: ${why}`);
}
function failKey(key: string, why: string): never {
  fail(`key ${quote(key)}: ${why}`);
}

const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : quote(v));
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const fmt = (list: readonly number[]) => `[${list.join(", ")}]`;

/**
 * The keys of the outermost object of a valid JSON text, in order, repeats included: JSON.parse
 * keeps the last of two equal keys without a word, and the format forbids them. A key is a string
 * at depth 1 followed by ":" (a string value is followed by "," or "}").
 */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      let k = j + 1;
      while (k < text.length && " \t\n\r".includes(text[k])) k++; // JSON's whitespace
      if (depth === 1 && text[k] === ":") keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      i = j;
    }
  }
  return keys;
}

/** The header's length from the first 8 bytes, checked against the file and the limit. */
function headerLength(bytes: Uint8Array, view: DataView): number {
  if (bytes.length < 8) fail(`the file is ${bytes.length} bytes, too short to hold the 8-byte header length (not a safetensors file)`);
  const n = view.getBigUint64(0, true);
  const after = bytes.length - 8;
  if (n > BigInt(after)) {
    // A JSON state dict (from save) starts with "{", read as a huge length: say what it is.
    const hint = bytes[0] === 0x7b ? ' (it starts with "{": a JSON state dict, written by save(), is read with load())' : "";
    fail(`the header length says ${n} bytes, but only ${after} bytes follow the 8-byte length: not a safetensors file, or a truncated one${hint}`);
  }
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`the header is ${n} bytes, more than the ${MAX_HEADER_BYTES} bytes (100 MB) the format allows`);
  return Number(n);
}

/** The header's JSON object, parsed from its bytes. */
function headerObject(bytes: Uint8Array, n: number): Record<string, unknown> {
  let text: string;
  try {
    // fatal: bad UTF-8 is an error, not U+FFFD; ignoreBOM: a byte order mark is kept, and refused below.
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail(`the header (${n} bytes) is not valid UTF-8`);
  }
  if (text[0] !== "{") fail(`the header must be a JSON object starting with "{", but it starts with ${quote(text.slice(0, 20))}`);
  let header: Record<string, unknown>; // JSON that starts with "{" and parses is an object
  try {
    header = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    fail(`the header is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const seen = new Set<string>();
  for (const key of topLevelKeys(text)) {
    if (seen.has(key)) fail(`the header has the key ${quote(key)} twice; every key must appear once`);
    seen.add(key);
  }
  return header;
}

function checkMetadata(metadata: unknown): void {
  if (!isRecord(metadata)) fail(`__metadata__ must be an object of strings { key: "value" }, got ${kind(metadata)}`);
  for (const [k, v] of Object.entries(metadata as object)) {
    if (typeof v !== "string") fail(`__metadata__ ${quote(k)} must be a string, got ${kind(v)}`);
  }
}

/** One entry of the header, checked on its own (the layout of all of them is checked after). */
function checkEntry(key: string, value: unknown): Entry {
  if (!isRecord(value)) failKey(key, `expected an object { dtype, shape, data_offsets }, got ${kind(value)}`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  for (const [field, v] of [["dtype", dtype], ["shape", shape], ["data_offsets", offsets]] as const) {
    if (v === undefined) failKey(key, `the entry has no ${field}; expected { dtype, shape, data_offsets }`);
  }
  if (typeof dtype !== "string") failKey(key, `dtype must be a string such as "F32", got ${kind(dtype)}`);
  const type = Object.hasOwn(READ, dtype) ? READ[dtype] : null;
  if (type === null) {
    const what = REFUSED.includes(dtype) ? "is a safetensors type this library does not read" : "is not a safetensors dtype";
    failKey(key, `dtype ${quote(dtype)} ${what}; it reads ${READ_LIST}`);
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    failKey(key, `shape must be an array of non-negative integers, got ${quote(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || o < 0)) {
    failKey(key, `data_offsets must be two non-negative integers [begin, end], got ${quote(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) failKey(key, `data_offsets ${fmt(offsets)} end before they begin`);
  const values = shape.reduce((a: number, d: number) => a * d, 1);
  if (end - begin !== values * type.bytes) {
    failKey(key, `data_offsets ${fmt(offsets)} span ${end - begin} bytes, but shape ${fmt(shape)} of ${dtype} needs ${values} × ${type.bytes} = ${values * type.bytes}`);
  }
  return { name: key, type, shape: shape as number[], begin, end };
}

/**
 * The tensors must cover the data exactly: sorted by offset, each begins where the previous one
 * ended, the first at 0, and the last ends at the end of the file.
 */
function checkLayout(entries: Entry[], dataBytes: number): void {
  for (const e of entries) {
    if (e.end > dataBytes) {
      failKey(e.name, `data_offsets [${e.begin}, ${e.end}] reach past the end of the data, which is ${dataBytes} bytes: the header claims more than the file holds (a truncated file?)`);
    }
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0; // bytes [0, covered) belong to the tensors so far
  sorted.forEach((e, i) => {
    if (e.begin > covered) {
      fail(`bytes [${covered}, ${e.begin}) of the data belong to no tensor (a hole before key ${quote(e.name)}); tensors must be packed one after another`);
    }
    if (e.begin < covered) {
      const p = sorted[i - 1]; // i > 0: the first tensor begins at 0 or later
      fail(`keys ${quote(p.name)} [${p.begin}, ${p.end}] and ${quote(e.name)} [${e.begin}, ${e.end}] overlap; every byte of the data belongs to one tensor`);
    }
    covered = e.end;
  });
  if (covered < dataBytes) fail(`the last ${dataBytes - covered} bytes of the data (from byte ${covered} on) belong to no tensor; the file holds more than the header describes`);
}

/** Parse and check the header of `bytes`; returns the entries in the header's order and where the data starts. */
export function readHeader(bytes: Uint8Array): { entries: Entry[]; dataStart: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = headerLength(bytes, view);
  const header = headerObject(bytes, n);
  const entries: Entry[] = [];
  for (const [key, value] of Object.entries(header)) {
    if (key === "__metadata__") checkMetadata(value);
    else entries.push(checkEntry(key, value));
  }
  checkLayout(entries, bytes.length - 8 - n);
  return { entries, dataStart: 8 + n };
}
