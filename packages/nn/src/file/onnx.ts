/**
 * ONNX files (Node only): exportOnnx's bytes written atomically, as `save` writes (file/atomic.ts):
 * a temporary file, fsync, rename, so a crash never leaves half a model under `path`.
 *
 *   await saveOnnx(model, randn([1, 4]), "model.onnx");            // options as exportOnnx's
 */
import type { Tensor } from "@backprop/core";
import { exportOnnx, type ExportOnnxOptions } from "../interop/onnx/export.js";
import type { Module } from "../module.js";
import { checkPath } from "./args.js";
import { checkDirectory, checkDirectorySync, writeAtomic, writeAtomicSync } from "./atomic.js";

/** Export the module (see exportOnnx) and write the model to `path`; the export's errors come before any file is touched. */
export async function saveOnnx(module: Module, exampleInput: Tensor | Tensor[], path: string, opts?: ExportOnnxOptions): Promise<void> {
  checkPath("saveOnnx", path);
  await checkDirectory("saveOnnx", path);
  await writeAtomic("saveOnnx", path, exportOnnx(module, exampleInput, opts));
}

/** saveOnnx, synchronously. */
export function saveOnnxSync(module: Module, exampleInput: Tensor | Tensor[], path: string, opts?: ExportOnnxOptions): void {
  checkPath("saveOnnxSync", path);
  checkDirectorySync("saveOnnxSync", path);
  writeAtomicSync("saveOnnxSync", path, exportOnnx(module, exampleInput, opts));
}
