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
 *
 * Saving is atomic: the JSON is written to a temporary file in the same directory (a unique name,
 * created exclusively), flushed to disk (fsync), then renamed over `path` (atomic on POSIX) and the
 * directory is fsynced. A crash or error at any point leaves either the old file or the new one,
 * never a torn mix; on failure the temporary file is removed. The unique name comes from
 * node:crypto, not from the seeded generator, so saving never changes a seeded run.
 *
 * Loading reads and parses the whole file first (errors name the path) and then calls
 * loadStateDict, which checks every key, shape and value before writing any: a bad or corrupt
 * file leaves the module unchanged.
 *
 * `saveSync` / `loadSync` do the same synchronously.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Module } from "./module.js";
import type { LoadResult, StateDict } from "./state.js";

export interface LoadOptions {
  /** Missing or unexpected keys are errors (default true); false loads the matching keys and reports the rest. */
  strict?: boolean;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function checkArgs(op: string, module: unknown, path: unknown): void {
  if (!(module instanceof Module)) throw new Error(`${op}: expected a Module, got ${module === null ? "null" : typeof module}`);
  if (typeof path !== "string" || path === "") throw new Error(`${op}: path must be a non-empty string, got ${JSON.stringify(path)}`);
}

function checkLoadOptions(op: string, opts: unknown): LoadOptions {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) throw new Error(`${op}: options must be an object`);
  for (const k of Object.keys(opts)) if (k !== "strict") throw new Error(`${op}: unknown option ${JSON.stringify(k)}; expected one of: strict`);
  return opts as LoadOptions;
}

/** The module's state dict as JSON text, non-finite numbers written as strings. */
function serialize(op: string, module: Module, path: string): string {
  try {
    return JSON.stringify(module.stateDict(), (_key, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
  } catch (e) {
    throw new Error(`${op}: could not serialise the state dict for "${path}" (nothing was written): ${message(e)}`, { cause: e });
  }
}

/** Parse a saved file's text; "NaN" / "Infinity" / "-Infinity" inside data arrays become numbers. */
function parse(op: string, text: string, path: string): StateDict {
  let sd: unknown;
  try {
    sd = JSON.parse(text);
  } catch (e) {
    throw new Error(`${op}: "${path}" is not valid JSON (${message(e)}); the module was not changed`, { cause: e });
  }
  if (sd === null || typeof sd !== "object" || Array.isArray(sd)) {
    throw new Error(`${op}: "${path}" does not hold a state dict (expected a JSON object { [name]: { shape, dtype, data } }); the module was not changed`);
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

/** A fresh name next to `path`: same directory (so the rename cannot cross file systems). */
function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

function loadInto(op: string, module: Module, sd: StateDict, path: string, opts: LoadOptions): LoadResult {
  try {
    return module.loadStateDict(sd, opts);
  } catch (e) {
    throw new Error(`${op}: "${path}": ${message(e)}`, { cause: e });
  }
}

/** Write the module's state dict to `path` as JSON, atomically (see the file comment). */
export async function save(module: Module, path: string): Promise<void> {
  checkArgs("save", module, path);
  const json = serialize("save", module, path);
  const tmp = tempPath(path);
  let created = false;
  try {
    const handle = await open(tmp, "wx"); // exclusive: never clobbers another writer's temp file
    created = true;
    try {
      await handle.writeFile(json, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    created = false;
  } catch (e) {
    if (created) await unlink(tmp).catch(() => {});
    throw new Error(`save: could not write "${path}" (any previous file there is unchanged): ${message(e)}`, { cause: e });
  }
  // Make the rename itself durable. Best effort: some platforms cannot open or fsync a directory.
  try {
    const dir = await open(dirname(path), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // ignored: the new file is complete and in place either way
  }
}

/** Read a file written by save and load it into the module (see loadStateDict); returns { missingKeys, unexpectedKeys }. */
export async function load(module: Module, path: string, opts?: LoadOptions): Promise<LoadResult> {
  checkArgs("load", module, path);
  const o = checkLoadOptions("load", opts);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new Error(`load: could not read "${path}": ${message(e)}`, { cause: e });
  }
  return loadInto("load", module, parse("load", text, path), path, o);
}

/** save, synchronously. */
export function saveSync(module: Module, path: string): void {
  checkArgs("saveSync", module, path);
  const json = serialize("saveSync", module, path);
  const tmp = tempPath(path);
  let created = false;
  try {
    const fd = openSync(tmp, "wx");
    created = true;
    try {
      writeFileSync(fd, json, "utf8");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    created = false;
  } catch (e) {
    if (created) {
      try {
        unlinkSync(tmp);
      } catch {
        // already gone
      }
    }
    throw new Error(`saveSync: could not write "${path}" (any previous file there is unchanged): ${message(e)}`, { cause: e });
  }
  try {
    const dir = openSync(dirname(path), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // best effort, as in save
  }
}

/** load, synchronously. */
export function loadSync(module: Module, path: string, opts?: LoadOptions): LoadResult {
  checkArgs("loadSync", module, path);
  const o = checkLoadOptions("loadSync", opts);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`loadSync: could not read "${path}": ${message(e)}`, { cause: e });
  }
  return loadInto("loadSync", module, parse("loadSync", text, path), path, o);
}
