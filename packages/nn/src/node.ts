/**
 * @backprop/nn/node — saving and loading a module's state dict as a JSON file (Node only; the
 * main entry stays browser-safe).
 *
 *   await save(model, "model.json");
 *   await load(model, "model.json");            // or load(model, path, { strict: false })
 *
 * The file is the state dict as JSON, `{ [name]: { shape, dtype, data } }`, except that non-finite
 * values, which JSON cannot hold, are written as the strings "NaN", "Infinity" and "-Infinity" and
 * read back as numbers (so a diverged model round-trips exactly instead of turning into nulls).
 * A UTF-8 byte order mark at the start (some editors add one) is accepted by load.
 *
 * Saving is atomic (file/atomic.ts): the JSON is written to a temporary file in the same directory
 * (a unique name with the writer's pid, created exclusively), flushed to disk (fsync), then renamed
 * over `path` (atomic on POSIX) and the directory is fsynced. A crash or error at any point leaves
 * either the old file or the new one, never a torn mix; on an error the temporary file is removed,
 * and the one a killed process leaves behind is removed by the next save or load of the same path
 * (file/temp.ts). A directory that does not exist is reported as such, before any file is tried.
 *
 * A state dict too large for one JSON text (tens of millions of parameters) is refused before any
 * work, with a pointer to the binary format (file/limit.ts).
 *
 * Loading reads and parses the whole file first (errors name the path) and then calls
 * loadStateDict, which checks every key, shape and value before writing any: a bad or corrupt
 * file leaves the module unchanged. Messages show the caller's values (paths, keys, options)
 * through core's quote(): a short prefix, never a whole huge value.
 *
 * `saveSync` / `loadSync` do the same synchronously.
 *
 * Checkpoints (file/checkpoint.ts): `saveCheckpoint(path, { model, optimizer, scheduler?, step })`
 * writes the model, optimizer and scheduler states, the step and the random generator's state to
 * one file, atomically; `loadCheckpoint(path, { model, optimizer, scheduler? })` checks every part
 * against its target before restoring any, and returns `{ step }`.
 *
 * safetensors (file/safetensors.ts), the binary format PyTorch shares weights in, with no size
 * limit: `saveSafetensors(moduleOrStateDict, path)`, atomic; `loadSafetensors(module, path, opts?)`
 * loads it like `load`, `loadSafetensors(path)` returns the state dict; and their Sync variants.
 *
 * ONNX (file/onnx.ts): `saveOnnx(model, exampleInput, path, opts?)` writes exportOnnx's bytes,
 * atomically; `saveOnnxSync` likewise.
 */
import { readFileSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { checkLoadOptions, checkPath } from "./file/args.js";
import { at, checkDirectory, checkDirectorySync, message, writeAtomic, writeAtomicSync } from "./file/atomic.js";
import { BINARY_FORMAT_HINT, jsonSizeProblem, MAX_JSON_CHARS } from "./file/limit.js";
import { removeOrphans } from "./file/temp.js";
import { Module } from "./module.js";
import type { LoadResult, StateDict } from "./state.js";

export { saveSafetensors, loadSafetensors, saveSafetensorsSync, loadSafetensorsSync, type LoadSafetensorsOptions } from "./file/safetensors.js";
export { saveOnnx, saveOnnxSync } from "./file/onnx.js";
export { saveCheckpoint, loadCheckpoint, saveCheckpointSync, loadCheckpointSync, type CheckpointParts, type CheckpointTargets, type Checkpoint } from "./file/checkpoint.js";

export interface LoadOptions {
  /** Missing or unexpected keys are errors (default true); false loads the matching keys and reports the rest. */
  strict?: boolean;
}

function checkArgs(op: string, module: unknown, path: unknown): void {
  if (!(module instanceof Module)) throw new Error(`${op}: expected a Module, got ${module === null ? "null" : typeof module}`);
  checkPath(op, path);
}

/**
 * The module's state dict as JSON text, non-finite numbers written as strings. The size is checked
 * first, from the tensors themselves, so a model too large for JSON fails before any work.
 */
function serialize(op: string, module: Module, path: string): string {
  let tooLarge: string | null;
  try {
    tooLarge = jsonSizeProblem(op, module.namedTensors());
    if (tooLarge === null) {
      return JSON.stringify(module.stateDict(), (_key, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
    }
  } catch (e) {
    // The estimate is within about 1%: a state dict right at the limit can still fail here.
    const hint = e instanceof RangeError && /string length/i.test(e.message) ? `; ${BINARY_FORMAT_HINT}` : "";
    throw new Error(`${op}: could not serialise the state dict for ${at(path)} (nothing was written): ${message(e)}${hint}`, { cause: e });
  }
  throw new Error(tooLarge);
}

/** Refuse a file longer than one string can hold, before reading it (it could not be parsed). */
function checkFileSize(op: string, bytes: number, path: string): void {
  // A UTF-8 BOM is 3 bytes but one character; everything else in a saved file is ASCII.
  if (bytes - 3 <= MAX_JSON_CHARS) return;
  throw new Error(
    `${op}: ${at(path)} is ${Math.round(bytes / 1e6)} MB, more than one JSON text can hold (the JavaScript string limit, ` +
      `${Math.round(MAX_JSON_CHARS / 1e6)} MB); the module was not changed. A model this size cannot be stored as JSON: ${BINARY_FORMAT_HINT}`,
  );
}

/**
 * Parse a saved file's text; "NaN" / "Infinity" / "-Infinity" inside data arrays become numbers.
 * A leading byte order mark is skipped: the file is valid UTF-8 JSON to every other reader.
 */
function parse(op: string, text: string, path: string): StateDict {
  let sd: unknown;
  try {
    sd = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new Error(`${op}: ${at(path)} is not valid JSON (${message(e)}); the module was not changed`, { cause: e });
  }
  if (sd === null || typeof sd !== "object" || Array.isArray(sd)) {
    throw new Error(`${op}: ${at(path)} does not hold a state dict (expected a JSON object { [name]: { shape, dtype, data } }); the module was not changed`);
  }
  for (const entry of Object.values(sd)) {
    const data = entry !== null && typeof entry === "object" ? (entry as { data?: unknown }).data : undefined;
    if (!Array.isArray(data)) continue;
    for (let i = 0; i < data.length; i++) {
      if (data[i] === "NaN" || data[i] === "Infinity" || data[i] === "-Infinity") data[i] = Number(data[i]);
    }
  }
  return sd as StateDict;
}

function loadInto(op: string, module: Module, sd: StateDict, path: string, opts: LoadOptions): LoadResult {
  try {
    return module.loadStateDict(sd, opts);
  } catch (e) {
    throw new Error(`${op}: ${at(path)}: ${message(e)}`, { cause: e });
  }
}

/** Write the module's state dict to `path` as JSON, atomically (see the file comment). */
export async function save(module: Module, path: string): Promise<void> {
  checkArgs("save", module, path);
  await checkDirectory("save", path); // a missing directory is named before any work
  await writeAtomic("save", path, serialize("save", module, path));
}

/** Read a file written by save and load it into the module (see loadStateDict); returns { missingKeys, unexpectedKeys }. */
export async function load(module: Module, path: string, opts?: LoadOptions): Promise<LoadResult> {
  checkArgs("load", module, path);
  const o = checkLoadOptions<LoadOptions>("load", opts);
  removeOrphans(path);
  let text: string;
  try {
    checkFileSize("load", (await stat(path)).size, path);
    text = await readFile(path, "utf8");
  } catch (e) {
    if (e instanceof Error && e.message.startsWith("load: ")) throw e;
    throw new Error(`load: could not read ${at(path)}: ${message(e)}`, { cause: e });
  }
  return loadInto("load", module, parse("load", text, path), path, o);
}

/** save, synchronously. */
export function saveSync(module: Module, path: string): void {
  checkArgs("saveSync", module, path);
  checkDirectorySync("saveSync", path);
  writeAtomicSync("saveSync", path, serialize("saveSync", module, path));
}

/** load, synchronously. */
export function loadSync(module: Module, path: string, opts?: LoadOptions): LoadResult {
  checkArgs("loadSync", module, path);
  const o = checkLoadOptions<LoadOptions>("loadSync", opts);
  removeOrphans(path);
  let text: string;
  try {
    checkFileSize("loadSync", statSync(path).size, path);
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof Error && e.message.startsWith("loadSync: ")) throw e;
    throw new Error(`loadSync: could not read ${at(path)}: ${message(e)}`, { cause: e });
  }
  return loadInto("loadSync", module, parse("loadSync", text, path), path, o);
}
