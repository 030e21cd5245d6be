import { describe, expect, it } from "vitest";
import { create, toBinary } from "@bufbuild/protobuf";
import { ModelProtoSchema, TensorProto_DataLocation, TensorProto_DataType, TensorProtoSchema } from "onnx-buf";
import { tensor } from "@backprop/core";
import { tensorFromProto, tensorToProto } from "../src/interop/onnx/tensor-proto.js";
import { loadModelProto } from "../src/interop/onnx/model-proto.js";

const T = TensorProto_DataType;

describe("tensorFromProto / tensorToProto", () => {
  it("round-trips float32, float64 and int64 through little-endian raw_data", () => {
    const f = tensor([[1.5, -2], [3, 0.25]]);
    const p = tensorToProto("w", f);
    expect(p.dataType).toBe(T.FLOAT);
    expect(p.dims).toEqual([2n, 2n]);
    // 1.5f little-endian is 00 00 c0 3f
    expect(Array.from(p.rawData.slice(0, 4))).toEqual([0, 0, 0xc0, 0x3f]);
    const back = tensorFromProto(p);
    expect(back.dtype).toBe("float32");
    expect(back.shape).toEqual([2, 2]);
    expect(back.toArray()).toEqual([[1.5, -2], [3, 0.25]]);

    const d = tensorFromProto(tensorToProto("d", tensor([0.1, 1e-300], { dtype: "float64" })));
    expect(d.dtype).toBe("float64");
    expect(Array.from(d.data)).toEqual([0.1, 1e-300]);

    const i = tensorToProto("shape", tensor([-1, 2 ** 53 - 1, Infinity], { dtype: "float64" }), "int64");
    expect(i.dataType).toBe(T.INT64);
    expect(Array.from(i.rawData.slice(0, 8))).toEqual([255, 255, 255, 255, 255, 255, 255, 255]);
    expect(Array.from(tensorFromProto(i).data)).toEqual([-1, 2 ** 53 - 1, Infinity]);
  });

  it("reads raw_data at an unaligned offset", () => {
    const buf = new Uint8Array(9);
    new DataView(buf.buffer).setFloat64(1, 2.5, true);
    const p = create(TensorProtoSchema, { name: "x", dims: [1n], dataType: T.DOUBLE, rawData: buf.subarray(1) });
    expect(Array.from(tensorFromProto(p).data)).toEqual([2.5]);
  });

  it("reads the typed fields: float_data, double_data, int64_data, int32_data, bool", () => {
    const mk = (dataType: number, fields: object) => tensorFromProto(create(TensorProtoSchema, { name: "t", dims: [2n], dataType, ...fields }));
    expect(Array.from(mk(T.FLOAT, { floatData: [1, 2] }).data)).toEqual([1, 2]);
    expect(Array.from(mk(T.DOUBLE, { doubleData: [0.1, 3] }).data)).toEqual([0.1, 3]);
    expect(Array.from(mk(T.INT64, { int64Data: [5n, -7n] }).data)).toEqual([5, -7]);
    expect(Array.from(mk(T.INT32, { int32Data: [9, -1] }).data)).toEqual([9, -1]);
    expect(Array.from(mk(T.BOOL, { int32Data: [1, 0] }).data)).toEqual([1, 0]);
    expect(Array.from(mk(T.BOOL, { rawData: new Uint8Array([0, 1]) }).data)).toEqual([0, 1]);
    // a 0-d tensor has no dims and one value
    const s = tensorFromProto(create(TensorProtoSchema, { name: "s", dataType: T.FLOAT, floatData: [4] }));
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(4);
  });

  it("reads INT64_MAX and INT64_MIN (exporters' 'to the end') as ±Infinity, and rejects other int64s beyond 2^53", () => {
    const mk = (v: bigint) => create(TensorProtoSchema, { name: "ends", dims: [1n], dataType: T.INT64, int64Data: [v] });
    expect(tensorFromProto(mk(2n ** 63n - 1n)).data[0]).toBe(Infinity);
    expect(tensorFromProto(mk(-(2n ** 63n))).data[0]).toBe(-Infinity);
    expect(() => tensorFromProto(mk(2n ** 53n + 1n))).toThrow(
      'tensorFromProto: tensor "ends" holds the int64 9007199254740993, beyond 2^53 − 1, which a float64 cannot hold exactly');
  });

  it("names the tensor when it cannot be read", () => {
    const base = { name: "emb", dims: [2n] };
    expect(() => tensorFromProto(create(TensorProtoSchema, { ...base, dataType: T.FLOAT16, rawData: new Uint8Array(4) }))).toThrow(
      'tensorFromProto: tensor "emb" has element type FLOAT16; backprop reads FLOAT, DOUBLE, INT64, INT32 and BOOL');
    expect(() => tensorFromProto(create(TensorProtoSchema, { ...base, dataType: T.FLOAT, dataLocation: TensorProto_DataLocation.EXTERNAL }))).toThrow(
      'tensorFromProto: tensor "emb" keeps its values in an external file');
    expect(() => tensorFromProto(create(TensorProtoSchema, { ...base, dataType: T.FLOAT, rawData: new Uint8Array(5) }))).toThrow(
      'tensorFromProto: tensor "emb": raw_data has 5 bytes, but shape [2] of FLOAT needs 8');
    expect(() => tensorFromProto(create(TensorProtoSchema, { ...base, dataType: T.FLOAT, floatData: [1] }))).toThrow(
      'tensorFromProto: tensor "emb": float_data holds 1 values, but shape [2] needs 2');
    expect(() => tensorToProto("ax", tensor([1.5]), "int64")).toThrow(
      'tensorToProto: tensor "ax" as int64 needs integers below 2^53 in size (or ±Infinity), got 1.5 at flat position 0');
  });
});

describe("loadModelProto", () => {
  it("parses a model and rejects bytes that are not one", () => {
    const bytes = toBinary(ModelProtoSchema, create(ModelProtoSchema, {
      irVersion: 8n, opsetImport: [{ domain: "", version: 17n }], graph: { name: "g" },
    }));
    expect(loadModelProto(bytes).graph!.name).toBe("g");
    expect(() => loadModelProto(new Uint8Array(0))).toThrow("loadModelProto: the 0 bytes are not an ONNX model (no ir_version)");
    expect(() => loadModelProto(new TextEncoder().encode("not a model at all"))).toThrow(/^loadModelProto: the 18 bytes are not an ONNX model \(/);
    expect(() => loadModelProto("model.onnx" as never)).toThrow(
      "loadModelProto: expected the bytes of an .onnx file as a Uint8Array (e.g. from fs.readFileSync), got string");
  });
});
