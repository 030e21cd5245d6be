/**
 * Node: the ONNX schema and protobuf, required on first use (see schema.ts). onnx-buf is an ES
 * module, which require() loads synchronously from Node 20.19 on.
 */
import { createRequire } from "node:module";
import type { OnnxSchema } from "./schema.js";

export function loadSchema(): OnnxSchema {
  const require = createRequire(import.meta.url);
  try {
    return { pb: require("@bufbuild/protobuf"), onnx: require("onnx-buf") };
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_REQUIRE_ESM") {
      throw new Error(`ONNX export and import need Node 20.19 or newer (this is ${process.version}): they load the ONNX schema, an ES module, with require() on first use`, { cause: e });
    }
    throw e;
  }
}
