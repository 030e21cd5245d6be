/**
 * toSafetensors / fromSafetensors against the format's outside reference: files PyTorch wrote
 * (fixtures/interop/, made by reference/safetensors_fixtures.py with safetensors.torch.save_file)
 * load into our layers and give PyTorch's outputs, and our writer gives the same bytes for the same
 * tensors. Half-precision widening is checked against PyTorch's values and against bit patterns
 * decoded by hand; every rule of the header has its own error test.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { manualSeed, noGrad, tensor, type Tensor } from "@backprop/core";
import { BatchNorm1d, fromSafetensors, Linear, Module, ReLU, Sequential, toSafetensors, type StateDict } from "../src/index.js";
import { HALF, NUM_BATCHES_TRACKED, SPECIAL, X, Y32, Y64 } from "./fixtures/interop/expected.js";

const FIXTURES = join(import.meta.dirname, "fixtures", "interop");
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
const mlp = () => new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Linear(4, 2));

/** A safetensors file from a header (an object, text, or raw bytes) and data bytes, built by hand. */
function file(header: object | string | Uint8Array, data: ArrayLike<number> = []): Uint8Array {
  const text = header instanceof Uint8Array ? header : new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const bytes = new Uint8Array(8 + text.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
  bytes.set(text, 8);
  bytes.set(data, 8 + text.length);
  return bytes;
}

/** The header of a file, parsed, with its keys in order. */
function headerOf(bytes: Uint8Array): Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
}

/** The exact bits of values as float32 or float64, to compare NaN and −0 too. */
const bits = (values: ArrayLike<number>, dtype: "float32" | "float64") =>
  Array.from(new Uint8Array((dtype === "float32" ? Float32Array : Float64Array).from(values).buffer));

/** Every value equal by Object.is (so −0 ≠ 0 and NaN = NaN). */
function expectSame(got: readonly number[], want: readonly number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Object.is(v, want[i]), `value ${i}: got ${v}, want ${want[i]}`).toBe(true));
}

class Awkward extends Module {
  a = tensor([0, -0, 1.5, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38]);
  b = tensor([[0, -0, NaN], [Infinity, -Infinity, 5e-324]], { dtype: "float64" });
  empty = tensor([], { shape: [2, 0] });
  forward(x: Tensor) {
    return x;
  }
}

describe("round trip", () => {
  it("a module's tensors come back with the same keys, shapes, dtypes and bits (NaN, ±∞, −0, subnormals)", () => {
    const m = new Awkward();
    const sd = fromSafetensors(toSafetensors(m));
    expect(Object.keys(sd).sort()).toEqual(["a", "b", "empty"]);
    for (const [name, t] of m.namedTensors()) {
      expect(sd[name].shape).toEqual(t.shape);
      expect(sd[name].dtype).toBe(t.dtype);
      expect(bits(sd[name].data, t.dtype)).toEqual(bits(t.data, t.dtype));
    }
  });

  it("a state dict gives the same bytes as its module, and loads back into a fresh model", () => {
    manualSeed(3);
    const m = mlp();
    const bytes = toSafetensors(m.stateDict());
    expect(bytes).toEqual(toSafetensors(m));
    const copy = mlp();
    expect(copy.loadStateDict(fromSafetensors(bytes))).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(copy.stateDict()).toEqual(m.stateDict());
  });

  it("writes F32, F64, and I64 for num_batches_tracked, with {format: pt} metadata first", () => {
    const sd: StateDict = {
      w: { shape: [2], dtype: "float32", data: [1, 2] },
      d: { shape: [], dtype: "float64", data: [0.1] },
      "bn.num_batches_tracked": { shape: [], dtype: "float64", data: [3] },
    };
    const bytes = toSafetensors(sd);
    const header = headerOf(bytes);
    expect(Object.keys(header)).toEqual(["__metadata__", "bn.num_batches_tracked", "d", "w"]);
    expect(header.__metadata__).toEqual({ format: "pt" });
    expect(header["bn.num_batches_tracked"]).toEqual({ dtype: "I64", shape: [], data_offsets: [0, 8] });
    expect(header.d).toEqual({ dtype: "F64", shape: [], data_offsets: [8, 16] });
    expect(header.w).toEqual({ dtype: "F32", shape: [2], data_offsets: [16, 24] });
    const data = bytes.subarray(bytes.length - 24);
    expect(Array.from(data.subarray(0, 8))).toEqual([3, 0, 0, 0, 0, 0, 0, 0]); // int64 3, little-endian
    expect(new DataView(data.buffer, data.byteOffset).getFloat64(8, true)).toBe(0.1);
    expect((bytes.length - 24 - 8) % 8).toBe(0); // the header is padded to a multiple of 8
    expect(fromSafetensors(bytes)["bn.num_batches_tracked"]).toEqual({ shape: [], dtype: "float64", data: [3] });
  });

  it("orders tensors as the reference library does: widest type first, then names by UTF-8 bytes (not UTF-16 units)", () => {
    const one = (dtype: "float32" | "float64") => ({ shape: [1], dtype, data: [0] });
    // U+FF61 sorts before U+1F600 by code point (and UTF-8 bytes), after it by UTF-16 code unit.
    const sd: StateDict = { b: one("float32"), "😀": one("float32"), "\uff61": one("float32"), a10: one("float32"), a9: one("float32"), Z: one("float32"), z: one("float64"), "n.num_batches_tracked": one("float32") };
    expect(Object.keys(headerOf(toSafetensors(sd)))).toEqual(["__metadata__", "n.num_batches_tracked", "z", "Z", "a10", "a9", "b", "\uff61", "😀"]);
  });
});

describe("PyTorch's files", () => {
  it("a trained Sequential(Linear, BatchNorm1d, ReLU, Linear) loads into ours and gives PyTorch's eval output (float32, 1e-6)", () => {
    const sd = fromSafetensors(fixture("mlp.safetensors"));
    expect(sd["1.num_batches_tracked"]).toEqual({ shape: [], dtype: "float64", data: [NUM_BATCHES_TRACKED] });
    expect(sd["0.weight"].dtype).toBe("float32");
    const m = mlp();
    expect(m.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const y = noGrad(() => m.eval().forward(tensor(X.data, { shape: X.shape })));
    expect(y.shape).toEqual(Y32.shape);
    Array.from(y.data).forEach((v, i) => expect(Math.abs(v - Y32.data[i])).toBeLessThan(1e-6));
  });

  it("the float64 model loads into ours converted to float64 and agrees to 1e-12", () => {
    const m = mlp().to("float64");
    m.loadStateDict(fromSafetensors(fixture("mlp-f64.safetensors")));
    const y = noGrad(() => m.eval().forward(tensor(X.data, { shape: X.shape, dtype: "float64" })));
    Array.from(y.data).forEach((v, i) => expect(Math.abs(v - Y64.data[i])).toBeLessThan(1e-12));
  });

  it("our writer gives PyTorch's bytes for the same tensors (from the loaded model and from the state dict)", () => {
    for (const name of ["mlp.safetensors", "mlp-f64.safetensors", "special.safetensors"]) {
      const torchBytes = fixture(name);
      expect(toSafetensors(fromSafetensors(torchBytes)), name).toEqual(torchBytes);
    }
    const m = mlp();
    m.loadStateDict(fromSafetensors(fixture("mlp.safetensors")));
    expect(toSafetensors(m)).toEqual(fixture("mlp.safetensors"));
  });

  it("F32 and F64 values read exactly, ±0, ±∞, NaN and subnormals included", () => {
    const sd = fromSafetensors(fixture("special.safetensors"));
    expect(sd.f32.dtype).toBe("float32");
    expect(sd.f64).toMatchObject({ dtype: "float64", shape: [2, 7] });
    expectSame(sd.f32.data, SPECIAL.f32);
    expectSame(sd.f64.data, SPECIAL.f64);
  });

  it("F16 and BF16 widen to float32 exactly: PyTorch's own widening of the same values", () => {
    const sd = fromSafetensors(fixture("half.safetensors"));
    expect(sd.f16).toMatchObject({ dtype: "float32", shape: [12] });
    expect(sd.bf16).toMatchObject({ dtype: "float32", shape: [3, 4] });
    expectSame(sd.f16.data, HALF.f16);
    expectSame(sd.bf16.data, HALF.bf16);
  });
});

describe("half precision, from the bit patterns", () => {
  const halfFile = (dtype: string, patterns: number[]) => {
    const data = new Uint8Array(patterns.length * 2);
    patterns.forEach((p, i) => new DataView(data.buffer).setUint16(2 * i, p, true));
    return fromSafetensors(file({ x: { dtype, shape: [patterns.length], data_offsets: [0, data.length] } }, data)).x.data;
  };

  it("F16: zero, −0, subnormals (m·2^−24), normals ((1 + m/1024)·2^(e−15)), the largest, ±∞, NaN", () => {
    const got = halfFile("F16", [0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0xc000, 0x3555, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0xfc01]);
    expectSame(got, [0, -0, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, 1, -2, (1 + 0x155 / 1024) * 2 ** -2, 65504, Infinity, -Infinity, NaN, NaN]);
  });

  it("BF16: the upper half of a float32 — subnormals, the largest, ±∞, NaN", () => {
    const got = halfFile("BF16", [0x0000, 0x8000, 0x0001, 0x0080, 0x3f80, 0xc040, 0x3eab, 0x7f7f, 0x7f80, 0xff80, 0x7fc0]);
    expectSame(got, [0, -0, 2 ** -133, 2 ** -126, 1, -3, (1 + 0x2b / 128) * 2 ** -2, (2 - 2 ** -7) * 2 ** 127, Infinity, -Infinity, NaN]);
  });
});

describe("integer types read as float64", () => {
  it("I8 … I64 and U8 … U64 widen exactly; a 64-bit value beyond 2^53 − 1 is refused", () => {
    const data = new Uint8Array(8 + 8 + 4 + 2 + 1 + 1);
    const v = new DataView(data.buffer);
    v.setBigInt64(0, -(2n ** 53n - 1n), true);
    v.setBigUint64(8, 2n ** 53n - 1n, true);
    v.setInt32(16, -2147483648, true);
    v.setUint16(20, 65535, true);
    v.setInt8(22, -128);
    v.setUint8(23, 255);
    const sd = fromSafetensors(file({
      i64: { dtype: "I64", shape: [], data_offsets: [0, 8] }, u64: { dtype: "U64", shape: [1], data_offsets: [8, 16] },
      i32: { dtype: "I32", shape: [1], data_offsets: [16, 20] }, u16: { dtype: "U16", shape: [1], data_offsets: [20, 22] },
      i8: { dtype: "I8", shape: [1], data_offsets: [22, 23] }, u8: { dtype: "U8", shape: [1], data_offsets: [23, 24] },
    }, data));
    expect(Object.values(sd).map((e) => [e.dtype, e.data[0]])).toEqual([
      ["float64", -(2 ** 53 - 1)], ["float64", 2 ** 53 - 1], ["float64", -2147483648], ["float64", 65535], ["float64", -128], ["float64", 255],
    ]);
    v.setBigUint64(8, 2n ** 53n, true);
    expect(() => fromSafetensors(file({ u64: { dtype: "U64", shape: [1], data_offsets: [8, 16] }, i64: { dtype: "I64", shape: [], data_offsets: [0, 8] } }, data.subarray(0, 16))))
      .toThrow('fromSafetensors: key "u64": value 0 is 9007199254740992, beyond ±(2^53 − 1), the integers a float64 holds exactly');
  });
});

describe("fromSafetensors refuses a bad file, saying what and where", () => {
  const f32 = (offsets: [number, number], shape = [(offsets[1] - offsets[0]) / 4]) => ({ dtype: "F32", shape, data_offsets: offsets });
  const zeros = (n: number) => new Uint8Array(n);
  const json = new TextEncoder().encode('{"w": {"shape": [1], "dtype": "float32", "data": [1]}}'); // what save() writes
  const jsonLength = new DataView(json.buffer).getBigUint64(0, true); // its first 8 characters, read as a length
  const cases: [string, Uint8Array | unknown, string][] = [
    ["not bytes", [1, 2, 3], "fromSafetensors: expected the file's bytes as a Uint8Array (a Node Buffer is one), got object"],
    ["too short", zeros(5), "fromSafetensors: the file is 5 bytes, too short to hold the 8-byte header length (not a safetensors file)"],
    ["header length beyond the file", file("{}").subarray(0, 9), "fromSafetensors: the header length says 2 bytes, but only 1 bytes follow the 8-byte length: not a safetensors file, or a truncated one"],
    ["a JSON state dict", json, `fromSafetensors: the header length says ${jsonLength} bytes, but only ${json.length - 8} bytes follow the 8-byte length: not a safetensors file, or a truncated one (it starts with "{": a JSON state dict, written by save(), is read with load())`],
    ["not UTF-8", file(new Uint8Array([0x7b, 0xff, 0x7d])), "fromSafetensors: the header (3 bytes) is not valid UTF-8"],
    ["not starting with {", file(' {"a": 1}'), 'fromSafetensors: the header must be a JSON object starting with "{", but it starts with " {\\"a\\": 1}"'],
    ["not JSON", file("{a}"), "fromSafetensors: the header is not valid JSON ("],
    ["a key twice", file('{"a": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]}, "a": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]}}', zeros(4)), 'fromSafetensors: the header has the key "a" twice; every key must appear once'],
    ["metadata not an object", file({ __metadata__: ["pt"] }), "fromSafetensors: __metadata__ must be an object of strings { key: \"value\" }, got an array"],
    ["metadata not strings", file({ __metadata__: { format: "pt", epoch: 3 } }), 'fromSafetensors: __metadata__ "epoch" must be a string, got 3'],
    ["entry not an object", file({ w: [0, 4] }), 'fromSafetensors: key "w": expected an object { dtype, shape, data_offsets }, got an array'],
    ["entry without data_offsets", file({ w: { dtype: "F32", shape: [1] } }), 'fromSafetensors: key "w": the entry has no data_offsets; expected { dtype, shape, data_offsets }'],
    ["entry without dtype", file({ w: { shape: [1], data_offsets: [0, 4] } }, zeros(4)), 'fromSafetensors: key "w": the entry has no dtype; expected { dtype, shape, data_offsets }'],
    ["dtype not a string", file({ w: { dtype: 32, shape: [1], data_offsets: [0, 4] } }, zeros(4)), 'fromSafetensors: key "w": dtype must be a string such as "F32", got 32'],
    ["not a dtype", file({ w: { dtype: "float32", shape: [1], data_offsets: [0, 4] } }, zeros(4)), 'fromSafetensors: key "w": dtype "float32" is not a safetensors dtype; it reads F32, F16 and BF16 (as float32), F64, and the integers I8, I16, I32, I64, U8, U16, U32, U64 (as float64)'],
    ["a dtype we do not read", file({ mask: { dtype: "BOOL", shape: [4], data_offsets: [0, 4] } }, zeros(4)), 'fromSafetensors: key "mask": dtype "BOOL" is a safetensors type this library does not read; it reads F32, F16 and BF16 (as float32), F64, and the integers'],
    ["shape negative", file({ w: { dtype: "F32", shape: [2, -1], data_offsets: [0, 4] } }, zeros(4)), 'fromSafetensors: key "w": shape must be an array of non-negative integers, got [2, -1]'],
    ["shape fractional", file({ w: { dtype: "F32", shape: [1.5], data_offsets: [0, 4] } }, zeros(4)), 'fromSafetensors: key "w": shape must be an array of non-negative integers, got [1.5]'],
    ["offsets not integers", file({ w: { dtype: "F32", shape: [1], data_offsets: [0, "4"] } }, zeros(4)), 'fromSafetensors: key "w": data_offsets must be two non-negative integers [begin, end], got [0, "4"]'],
    ["three offsets", file({ w: { dtype: "F32", shape: [1], data_offsets: [0, 4, 8] } }, zeros(8)), 'fromSafetensors: key "w": data_offsets must be two non-negative integers [begin, end], got [0, 4, 8]'],
    ["end before begin", file({ w: { dtype: "F32", shape: [0], data_offsets: [4, 0] } }, zeros(4)), 'fromSafetensors: key "w": data_offsets [4, 0] end before they begin'],
    ["size not shape × width", file({ w: f32([0, 12], [2, 2]) }, zeros(12)), 'fromSafetensors: key "w": data_offsets [0, 12] span 12 bytes, but shape [2, 2] of F32 needs 4 × 4 = 16'],
    ["beyond the data", file({ a: f32([0, 8]), b: f32([8, 16]) }, zeros(12)), 'fromSafetensors: key "b": data_offsets [8, 16] reach past the end of the data, which is 12 bytes: the header claims more than the file holds (a truncated file?)'],
    ["a hole at the start", file({ w: f32([4, 8]) }, zeros(8)), 'fromSafetensors: bytes [0, 4) of the data belong to no tensor (a hole before key "w"); tensors must be packed one after another'],
    ["a hole between", file({ a: f32([0, 4]), b: f32([8, 12]) }, zeros(12)), 'fromSafetensors: bytes [4, 8) of the data belong to no tensor (a hole before key "b"); tensors must be packed one after another'],
    ["an overlap", file({ a: f32([0, 8]), b: f32([4, 12]) }, zeros(12)), 'fromSafetensors: keys "a" [0, 8] and "b" [4, 12] overlap; every byte of the data belongs to one tensor'],
    ["bytes left over", file({ a: f32([0, 4]) }, zeros(10)), "fromSafetensors: the last 6 bytes of the data (from byte 4 on) belong to no tensor; the file holds more than the header describes"],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => {
      let got = "";
      try {
        fromSafetensors(bytes as Uint8Array);
      } catch (e) {
        got = (e as Error).message;
      }
      expect(got.startsWith(message), `got: ${got}`).toBe(true);
    });
  }

  it("a header over 100 MB, even one the file holds", () => {
    const bytes = new Uint8Array(8 + 100_000_001);
    new DataView(bytes.buffer).setBigUint64(0, 100_000_001n, true);
    expect(() => fromSafetensors(bytes)).toThrow("fromSafetensors: the header is 100000001 bytes, more than the 100000000 bytes (100 MB) the format allows");
  });

  it("a key named __proto__ stays a key (the result's prototype is untouched)", () => {
    const sd = fromSafetensors(file('{"__proto__": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', new Uint8Array(new Float32Array([7]).buffer)));
    expect(Object.keys(sd)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(sd)).toBe(Object.prototype);
    expect(sd["__proto__"]).toEqual({ shape: [1], dtype: "float32", data: [7] });
  });
});

describe("toSafetensors refuses what it cannot write", () => {
  it("not a module or a state dict", () => {
    expect(() => toSafetensors([] as never)).toThrow("toSafetensors: expected a Module or a state dict { [name]: { shape, dtype, data } }, got an array");
    expect(() => toSafetensors(null as never)).toThrow("toSafetensors: expected a Module or a state dict { [name]: { shape, dtype, data } }, got null");
  });

  it("a state dict entry that does not hold together, named by key", () => {
    expect(() => toSafetensors({ w: { shape: [2, 2], dtype: "float32", data: [1, 2, 3] } })).toThrow('toSafetensors: key "w": data has 3 values, but shape [2, 2] needs 4');
    expect(() => toSafetensors({ w: { shape: [1], dtype: "int8" as never, data: [1] } })).toThrow('toSafetensors: key "w": dtype must be "float32" or "float64", got "int8"');
    expect(() => toSafetensors({ w: { shape: [2], dtype: "float32", data: [1, "2" as never] } })).toThrow('toSafetensors: key "w": data[1] is "2", not a number');
  });

  it("the reserved key __metadata__", () => {
    expect(() => toSafetensors({ __metadata__: { shape: [1], dtype: "float32", data: [1] } })).toThrow('toSafetensors: key "__metadata__": the name is reserved for the file\'s metadata in safetensors; rename the tensor');
  });

  it("a BatchNorm counter that is not an integer (it is written as int64)", () => {
    const bn = new BatchNorm1d(2);
    noGrad(() => bn.num_batches_tracked!.copy_(tensor(2.5, { dtype: "float64" })));
    expect(() => toSafetensors(bn)).toThrow('toSafetensors: key "num_batches_tracked": a BatchNorm counter is written as int64, as PyTorch keeps it, so its values must be integers within ±(2^53 − 1); value 0 is 2.5');
  });
});
