/**
 * The ONNX schema (the npm package onnx-buf: ONNX's onnx.proto compiled for @bufbuild/protobuf) and
 * the three protobuf functions the exporter and importer use, loaded on first use.
 *
 * Loading them costs a Node process a tenth of a second or more, so a program that never exports or
 * imports ONNX should not pay it. Where they come from depends on where the code runs
 * (package.json "imports", #onnx-schema): in Node, schema-node.ts requires them the first time
 * schema() is called; everywhere else, schema-bundled.ts imports them statically, and a bundler
 * leaves them out of any program that does not reach exportOnnx or importOnnx.
 */
import type { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type * as Onnx from "onnx-buf";
import { loadSchema } from "#onnx-schema";

export interface OnnxSchema {
  pb: { create: typeof create; toBinary: typeof toBinary; fromBinary: typeof fromBinary };
  onnx: typeof Onnx;
}

let loaded: OnnxSchema | null = null;

export function schema(): OnnxSchema {
  return (loaded ??= loadSchema());
}
