/**
 * Where a command writes, and how it says so. pnpm runs the examples' scripts inside examples/, and
 * sets INIT_CWD to the folder the command was typed in: a relative --out is taken from there, and
 * the paths printed are relative to it too (`out/lessons/…`), so that the output is the same on
 * every machine and the tutorial can quote it (CONTRIBUTING.md, "Quoted output").
 */
import { isAbsolute, relative, resolve } from "node:path";

/** The folder the user ran the command from. */
export function startDir(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/** `dir` (as given on the command line) resolved against startDir(). */
export function outputDir(dir: string): string {
  return resolve(startDir(), dir);
}

/** `path` as printed: relative to startDir() when it lies inside it, else absolute. */
export function shownPath(path: string): string {
  const rel = relative(startDir(), path);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}
