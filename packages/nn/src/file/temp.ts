/**
 * The temporary files of an atomic save, and the clean-up of those a killed process left behind.
 *
 * `save` writes to `.<name>.<pid>.<12 hex>.tmp` next to the target and renames it over the target
 * at the end. A process killed mid-write (SIGKILL, a crash, a power cut) never reaches the rename,
 * so its temporary file stays. The writer's pid is in the name so that the next `save` or `load` of
 * the same path can tell an orphan from a file still being written: it removes only files whose
 * process no longer exists. It never touches this process's own files (another save of the same
 * path may be in flight right now) nor a live process's. If a pid has been reused by a new process,
 * that orphan is kept until the pid is free again: a left-over file, never a removed live one.
 * (On a network file system shared by two machines the pid of another machine's writer can look
 * dead here; removing its file makes that writer's rename fail with an error, never a torn file.)
 */
import { randomBytes } from "node:crypto";
import { readdirSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** A fresh name next to `path`: same directory (so the rename cannot cross file systems). */
export function tempPath(path: string): string {
  // node:crypto, not the seeded generator: saving never changes a seeded run.
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/** The writer's pid if `entry` is one of our temporary files for `target` (a base name), else null. */
export function tempOwner(entry: string, target: string): number | null {
  const prefix = `.${target}.`;
  if (!entry.startsWith(prefix) || !entry.endsWith(".tmp")) return null;
  const m = /^(\d+)\.[0-9a-f]{12}$/.exec(entry.slice(prefix.length, -".tmp".length));
  return m ? Number(m[1]) : null;
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH"; // EPERM: it exists, owned by someone else
  }
}

/**
 * Remove the temporary files that dead processes left next to `path`; returns their names.
 * Best effort: a directory that cannot be listed or a file that cannot be removed is skipped (the
 * save or load itself then reports any real problem with the path).
 */
export function removeOrphans(path: string): string[] {
  const dir = dirname(path), target = basename(path);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const pid = tempOwner(entry, target);
    if (pid === null || pid === process.pid || isAlive(pid)) continue;
    try {
      unlinkSync(join(dir, entry));
      removed.push(entry);
    } catch {
      // gone already (another process cleaned it up), or not ours to remove
    }
  }
  return removed;
}
