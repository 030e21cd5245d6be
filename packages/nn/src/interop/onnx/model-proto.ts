/**
 * Reading an .onnx file's bytes into a ModelProto. Protobuf has no magic number, and its parser
 * accepts many byte strings that are not ONNX models (an empty file parses as an empty message),
 * so besides a parse error we check the three things every ONNX model has: an IR version, a graph
 * and an opset import.
 */
import type { ModelProto } from "onnx-buf";
import { schema } from "./schema.js";

export function loadModelProto(bytes: Uint8Array, op = "loadModelProto"): ModelProto {
  if (!(bytes instanceof Uint8Array)) {
    throw new Error(`${op}: expected the bytes of an .onnx file as a Uint8Array (e.g. from fs.readFileSync), got ${bytes === null ? "null" : typeof bytes}`);
  }
  const notModel = (why: string) => new Error(`${op}: the ${bytes.length} bytes are not an ONNX model (${why})`);
  let model: ModelProto;
  try {
    const { pb, onnx } = schema();
    model = pb.fromBinary(onnx.ModelProtoSchema, bytes);
  } catch (e) {
    throw notModel(`the protobuf parser says: ${(e as Error).message}`);
  }
  if (model.irVersion <= 0n) throw notModel("no ir_version");
  if (!model.graph) throw notModel("no graph");
  if (model.opsetImport.length === 0) throw notModel("no opset_import");
  return model;
}
