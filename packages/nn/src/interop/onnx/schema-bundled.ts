/**
 * Browsers and bundles: the ONNX schema and protobuf, imported statically (see schema.ts). Only a
 * program that calls exportOnnx or importOnnx reaches this module, so bundlers drop it from others.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import * as onnx from "onnx-buf";
import type { OnnxSchema } from "./schema.js";

export function loadSchema(): OnnxSchema {
  return { pb: { create, fromBinary, toBinary }, onnx };
}
