/**
 * The ONNX schema and protobuf are loaded only when a model is exported or imported (schema.ts):
 * no module of the package imports them as values except the bundled variant of the loader, and
 * the codes the other modules use without the schema are the schema's own.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { AttributeProto_AttributeType, TensorProto_DataLocation, TensorProto_DataType } from "onnx-buf";
import { describe, expect, it } from "vitest";
import { AttributeType, DataLocation, DataType } from "../src/interop/onnx/codes.js";

const SRC = resolve(import.meta.dirname, "../src");
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));

describe("the ONNX schema is loaded on first use", () => {
  it("only schema-bundled.ts imports onnx-buf or @bufbuild/protobuf as values (the rest: import type)", () => {
    const valueImport = /^import\s+(?!type\b)[^;]*from\s+["'](onnx-buf|@bufbuild\/protobuf)["']/m;
    const importers = files(SRC).filter((f) => valueImport.test(readFileSync(f, "utf8"))).map((f) => relative(SRC, f));
    expect(importers).toEqual(["interop/onnx/schema-bundled.ts"]);
  });

  it("the codes used without the schema equal the schema's enums", () => {
    for (const [name, code] of Object.entries(DataType)) expect(code, name).toBe(TensorProto_DataType[name as keyof typeof TensorProto_DataType]);
    for (const [name, code] of Object.entries(AttributeType)) expect(code, name).toBe(AttributeProto_AttributeType[name as keyof typeof AttributeProto_AttributeType]);
    for (const [name, code] of Object.entries(DataLocation)) expect(code, name).toBe(TensorProto_DataLocation[name as keyof typeof TensorProto_DataLocation]);
  });
});
