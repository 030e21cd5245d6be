/**
 * safetensors files (Node only): the binary format PyTorch and Hugging Face share weights in, and
 * the way to save a model too large for JSON (the format has no size limit but memory's).
 *
 *   await saveSafetensors(model, "model.safetensors");        // or a state dict
 *   await loadSafetensors(model, "model.safetensors");        // or (model, path, { strict: false })
 *   const sd = await loadSafetensors("model.safetensors");    // the state dict itself
 *
 * The bytes are those of toSafetensors / fromSafetensors (interop/safetensors.ts: the layout, the
 * dtypes, the metadata). Saving is atomic, as `save` is (file/atomic.ts): a temporary file,
 * fsync, rename; never a torn file, and a missing directory is named plainly. Loading reads the
 * whole file, checks the header and reads every value, and only then calls loadStateDict, which
 * checks every key and shape before writing any tensor: a bad file changes nothing. Errors name
 * the function and the path. The `Sync` variants do the same synchronously.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { quote } from "@backprop/core";
import { fromSafetensors, toSafetensors } from "../interop/safetensors.js";
import { Module } from "../module.js";
import type { LoadResult, StateDict } from "../state.js";
import { checkLoadOptions, checkPath } from "./args.js";
import { at, checkDirectory, checkDirectorySync, message, writeAtomic, writeAtomicSync } from "./atomic.js";
import { removeOrphans } from "./temp.js";

/** As for `load`: missing or unexpected keys are errors unless `strict` is false. */
export interface LoadSafetensorsOptions {
  strict?: boolean;
}

/** The file's bytes, from the module's tensors (no number[] copy) or the state dict; nothing is written on an error. */
function serialize(op: string, source: Module | StateDict, path: string): Uint8Array {
  try {
    return toSafetensors(source);
  } catch (e) {
    throw new Error(`${op}: could not serialise the state dict for ${at(path)} (nothing was written): ${message(e)}`, { cause: e });
  }
}

/** How the two ways of calling load are told apart: (path) gives a state dict, (module, path, opts?) loads it. */
interface LoadCall {
  module: Module | null;
  path: string;
  opts: LoadSafetensorsOptions;
}
function loadCall(op: string, args: unknown[]): LoadCall {
  if (typeof args[0] === "string") {
    checkPath(op, args[0]);
    if (args.length > 1) throw new Error(`${op}: (path) takes no other argument; to load into a module, call ${op}(module, path, { strict })`);
    return { module: null, path: args[0], opts: {} };
  }
  if (!(args[0] instanceof Module)) throw new Error(`${op}: expected a Module and a path, or a path alone, got ${quote(args[0])}`);
  checkPath(op, args[1]);
  return { module: args[0], path: args[1] as string, opts: checkLoadOptions<LoadSafetensorsOptions>(op, args[2]) };
}

/** Parse the bytes, then load them into the module (if any); a bad file changes nothing. */
function finish(op: string, call: LoadCall, bytes: Uint8Array): StateDict | LoadResult {
  const unchanged = call.module ? "; the module was not changed" : "";
  let sd: StateDict;
  try {
    sd = fromSafetensors(bytes);
  } catch (e) {
    throw new Error(`${op}: ${at(call.path)}: ${message(e)}${unchanged}`, { cause: e });
  }
  if (!call.module) return sd;
  try {
    return call.module.loadStateDict(sd, call.opts); // checks every key and shape before writing any
  } catch (e) {
    throw new Error(`${op}: ${at(call.path)}: ${message(e)}`, { cause: e });
  }
}

/** Write a module's tensors (or a state dict) to `path` as a safetensors file, atomically. */
export async function saveSafetensors(source: Module | StateDict, path: string): Promise<void> {
  const op = "saveSafetensors";
  checkPath(op, path);
  await checkDirectory(op, path); // a missing directory is named before any work
  await writeAtomic(op, path, serialize(op, source, path));
}

/** saveSafetensors, synchronously. */
export function saveSafetensorsSync(source: Module | StateDict, path: string): void {
  const op = "saveSafetensorsSync";
  checkPath(op, path);
  checkDirectorySync(op, path);
  writeAtomicSync(op, path, serialize(op, source, path));
}

/**
 * Read a safetensors file: `loadSafetensors(path)` returns its state dict; `loadSafetensors(module,
 * path, { strict = true })` loads it into the module (see loadStateDict) and returns
 * `{ missingKeys, unexpectedKeys }`.
 */
export function loadSafetensors(path: string): Promise<StateDict>;
export function loadSafetensors(module: Module, path: string, opts?: LoadSafetensorsOptions): Promise<LoadResult>;
export async function loadSafetensors(...args: unknown[]): Promise<StateDict | LoadResult> {
  const op = "loadSafetensors";
  const call = loadCall(op, args);
  removeOrphans(call.path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(call.path);
  } catch (e) {
    throw new Error(`${op}: could not read ${at(call.path)}: ${message(e)}`, { cause: e });
  }
  return finish(op, call, bytes);
}

/** loadSafetensors, synchronously. */
export function loadSafetensorsSync(path: string): StateDict;
export function loadSafetensorsSync(module: Module, path: string, opts?: LoadSafetensorsOptions): LoadResult;
export function loadSafetensorsSync(...args: unknown[]): StateDict | LoadResult {
  const op = "loadSafetensorsSync";
  const call = loadCall(op, args);
  removeOrphans(call.path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(call.path);
  } catch (e) {
    throw new Error(`${op}: could not read ${at(call.path)}: ${message(e)}`, { cause: e });
  }
  return finish(op, call, bytes);
}
