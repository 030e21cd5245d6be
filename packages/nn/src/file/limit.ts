/**
 * How large a state dict the JSON format can hold, checked BEFORE any serialisation work.
 *
 * A JSON file is one JavaScript string when it is written (JSON.stringify) and when it is read
 * (JSON.parse), and a string has at most MAX_STRING_LENGTH characters (2^29 − 24 ≈ 537 M in Node
 * 20 to 26 on 64-bit). A value takes 2 to 24 characters ("0," to "-1.2345678901234567e-10,"), so
 * the limit lies between roughly 22 M and 270 M parameters, depending on the values. A model past
 * it used to fail with `Invalid string length` after 44 s of work; instead we estimate the length
 * from a sample of the values (cheap: a few hundred values per tensor) and refuse at once, pointing
 * to the binary format, which has no such limit.
 */
import { constants } from "node:buffer";
import type { Tensor } from "@backprop/core";

/** The longest string (so the longest JSON text) this runtime can build. */
export const MAX_JSON_CHARS: number = constants.MAX_STRING_LENGTH;

/** Values sampled (evenly spaced) from each tensor to estimate the characters per value. */
const SAMPLES = 256;

/** The characters one value takes in the file, with its comma ("NaN" and ±Infinity are written as strings). */
function valueChars(v: number): number {
  return String(v).length + (Number.isFinite(v) ? 1 : 3);
}

/**
 * The estimated length of the state dict's JSON text: per tensor, its key, shape and dtype, plus
 * its size times the mean length of a sample of its values. Within about 1% of the real
 * length for initialised or trained weights (tested); exact for constant tensors.
 */
export function estimateJsonChars(named: readonly [string, Tensor][]): number {
  let chars = 1; // {} less the comma after the last entry
  for (const [name, t] of named) {
    // "name":{"shape":[…],"dtype":"float32","data":[]}, and the values, each with a comma but the last
    chars += JSON.stringify(name).length + 36 + String(t.shape).length + t.dtype.length;
    const n = t.size;
    if (n === 0) continue;
    chars -= 1;
    const k = Math.min(n, SAMPLES);
    const data = t.data;
    let sampled = 0;
    for (let j = 0; j < k; j++) sampled += valueChars(data[Math.floor((j * n) / k)]);
    chars += (sampled / k) * n;
  }
  return Math.round(chars);
}

/** How the message names the way out: the binary format (file/safetensors.ts). */
export const BINARY_FORMAT_HINT =
  "save it in the binary safetensors format instead (saveSafetensors / loadSafetensors in @backprop/nn/node), which has no such limit";

const mb = (chars: number) => `${Math.round(chars / 1e6)} MB`;

/** Why the state dict's JSON would not fit in one string (the caller's name first), or null if it fits. */
export function jsonSizeProblem(op: string, named: readonly [string, Tensor][], limit = MAX_JSON_CHARS): string | null {
  const chars = estimateJsonChars(named);
  if (chars <= limit) return null;
  const values = named.reduce((s, [, t]) => s + t.size, 0);
  return (
    `${op}: the state dict holds ${values.toLocaleString("en-US")} values, about ${mb(chars)} of JSON, more than the ` +
    `${mb(limit)} one JSON text can hold (the JavaScript string limit); nothing was written. For a model this size, ${BINARY_FORMAT_HINT}`
  );
}
