/**
 * Writing a file atomically, and the messages of the file helpers (save, saveCheckpoint,
 * saveSafetensors).
 *
 * The content (JSON text, or the bytes of a safetensors file) is written to a temporary file in
 * the same directory (a unique name with the writer's pid, created exclusively: temp.ts), flushed
 * to disk (fsync), then renamed over `path` (atomic on POSIX) and the directory is fsynced. A
 * crash or error at any point leaves either the old file or the new one, never a torn mix; on an
 * error the temporary file is removed, and the one a killed process leaves behind is removed by
 * the next save or load of the same path.
 *
 * A directory that does not exist (or is not a directory) is reported as such, naming it, before
 * any temporary file is tried — not as the failure to create the temporary file, whose name the
 * caller never chose.
 */
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { open, rename, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { quote } from "@backprop/core";
import { removeOrphans, tempPath } from "./temp.js";

/** A path is shown up to this many characters (longer than quote's default: paths are often long). */
export const PATH_MAX = 160;
export const at = (path: string): string => quote(path, PATH_MAX);

/**
 * The message of an underlying error, kept short: an fs error repeats its path (which may be huge),
 * so that path is quoted like ours; anything else is cut at CAUSE_MAX as a backstop (our own
 * messages, loadStateDict's, are bounded already and stay whole).
 */
const CAUSE_MAX = 1200;
export function message(e: unknown): string {
  let text = e instanceof Error ? e.message : String(e);
  const fsPath = (e as { path?: unknown } | null)?.path;
  if (typeof fsPath === "string" && fsPath.length > PATH_MAX) text = text.split(fsPath).join(at(fsPath));
  return text.length > CAUSE_MAX ? `${text.slice(0, CAUSE_MAX)}…` : text;
}

/** Why the directory of `path` cannot hold a new file (it does not exist, or is not a directory), or null. */
function directoryProblem(op: string, path: string, info: { isDirectory(): boolean } | null): string | null {
  const dir = dirname(path);
  if (info === null) return `${op}: could not write ${at(path)}: the directory ${at(dir)} does not exist (nothing was written; create it first)`;
  if (!info.isDirectory()) return `${op}: could not write ${at(path)}: ${at(dir)} is not a directory (nothing was written)`;
  return null;
}

const statOrNull = async (p: string) => stat(p).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" || e.code === "ENOTDIR" ? null : Promise.reject(e)));
function statOrNullSync(p: string) {
  try {
    return statSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return null;
    throw e;
  }
}

/** Check the directory (async): throws the plain message when it is missing. Other stat errors are left to the write. */
export async function checkDirectory(op: string, path: string): Promise<void> {
  let problem: string | null = null;
  try {
    problem = directoryProblem(op, path, await statOrNull(dirname(path)));
  } catch {
    return; // e.g. no permission to stat: the write reports it
  }
  if (problem) throw new Error(problem);
}

export function checkDirectorySync(op: string, path: string): void {
  let problem: string | null = null;
  try {
    problem = directoryProblem(op, path, statOrNullSync(dirname(path)));
  } catch {
    return;
  }
  if (problem) throw new Error(problem);
}

/**
 * Write `content` to `path` atomically (see the file comment): a string as UTF-8, bytes as they
 * are (Node ignores the encoding for bytes). Errors start with `${op}: `.
 */
export async function writeAtomic(op: string, path: string, content: string | Uint8Array): Promise<void> {
  await checkDirectory(op, path);
  removeOrphans(path); // what killed saves left behind (never a live writer's file)
  const tmp = tempPath(path);
  let created = false;
  try {
    const handle = await open(tmp, "wx"); // exclusive: never clobbers another writer's temp file
    created = true;
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    created = false;
  } catch (e) {
    if (created) await unlink(tmp).catch(() => {});
    else await checkDirectory(op, path); // removed since the check: say so plainly
    throw new Error(`${op}: could not write ${at(path)} (any previous file there is unchanged): ${message(e)}`, { cause: e });
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

/** writeAtomic, synchronously. */
export function writeAtomicSync(op: string, path: string, content: string | Uint8Array): void {
  checkDirectorySync(op, path);
  removeOrphans(path);
  const tmp = tempPath(path);
  let created = false;
  try {
    const fd = openSync(tmp, "wx");
    created = true;
    try {
      writeFileSync(fd, content, "utf8");
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
    } else checkDirectorySync(op, path);
    throw new Error(`${op}: could not write ${at(path)} (any previous file there is unchanged): ${message(e)}`, { cause: e });
  }
  try {
    const dir = openSync(dirname(path), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // best effort, as in writeAtomic
  }
}
