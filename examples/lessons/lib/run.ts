/**
 * What every lesson shares: its options, its command line and how it prints.
 *
 * A lesson module exports `run(opts: LessonOptions)` (returning its key numbers, so tests can assert
 * them, plus `files`, the pictures it wrote) and ends with one line that runs it only when the file is
 * the script being executed (importing it from a test runs nothing):
 *
 *   export async function run(opts: LessonOptions): Promise<MyResult> {
 *     const say = printer(opts);           // console.log unless opts.quiet
 *     say(claim("…one sentence…"));
 *     …
 *     return { …numbers, files };
 *   }
 *   await runAsScript(import.meta.url, { script: "lesson3", about: "…" }, run);
 *
 * Flags, common to all lessons (`--help` lists them):
 *   --fast      fewer points and steps: enough to show (and test) the claim in a few seconds
 *   --out DIR   folder for the pictures, default out/lessons, relative to where the command was run
 *               (pnpm sets INIT_CWD to that folder; pnpm runs the script itself inside examples/)
 * A lesson may add its own flags with `extra` (a default and a FlagTable entry per flag, as in
 * ../../shared/flags.ts); they arrive in run's options next to fast and outDir.
 * Name pictures `<lesson number>-<what>` (e.g. "1-gradients"): all lessons share the default folder.
 */
import { realpathSync } from "node:fs";
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cliOptions, flagHelp, parseFlags, path, type FlagTable } from "../../shared/flags.js";
import { outputDir, shownPath } from "../../shared/paths.js";

export interface LessonOptions {
  /** Fewer points and steps (CI, tests). */
  fast: boolean;
  /** Absolute or relative folder for the pictures (created if missing). */
  outDir: string;
  /** Print nothing (tests); the result still carries every number. */
  quiet?: boolean;
}

/** What run() returns at least: the picture files it wrote (SVG and PNG). */
export interface LessonResult {
  files: string[];
}

export const DEFAULT_OUT = "out/lessons";

interface CommonFlags {
  fast: boolean;
  out: string;
}

const COMMON_DEFAULTS: CommonFlags = { fast: false, out: DEFAULT_OUT };

const COMMON_FLAGS: FlagTable<CommonFlags> = {
  fast: { help: "fewer points and steps: the claim still shows, in a few seconds (used in CI)" },
  out: { value: "DIR", help: "folder for the pictures (relative to where you run the command)", parse: path },
};

/** `console.log` unless `quiet`; `say()` prints an empty line. */
export function printer(opts: Pick<LessonOptions, "quiet">): (text?: string) => void {
  return opts.quiet ? () => {} : (text = "") => console.log(text);
}

/** The lesson's claim, the first thing it prints. */
export function claim(sentence: string): string {
  return `CLAIM: ${sentence}`;
}

/** A section heading inside a lesson's output. */
export function heading(title: string): string {
  return `\n── ${title} ${"─".repeat(Math.max(3, 76 - title.length))}`;
}

/** True when `moduleUrl` (pass `import.meta.url`) is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(fileURLToPath(moduleUrl)) === real(script);
}

export interface ScriptInfo<E extends object> {
  /** The pnpm script name, used in --help and in error messages ("lesson1"). */
  script: string;
  /** A few lines for --help: what the lesson shows. */
  about: string;
  /** Extra flags of this lesson: their defaults and their table entries. */
  extra?: { defaults: E; flags: FlagTable<E> };
}

/**
 * When `moduleUrl` is the script being run: parse the flags (print --help, or a usage error and
 * exit 1), run the lesson with a resolved output folder, then print where the pictures went and how
 * long it took. Does nothing when the module is only imported.
 */
export async function runAsScript<E extends object = Record<never, never>>(
  moduleUrl: string,
  info: ScriptInfo<E>,
  run: (opts: LessonOptions & E) => Promise<LessonResult> | LessonResult,
): Promise<void> {
  if (!isMain(moduleUrl)) return;
  const defaults = { ...COMMON_DEFAULTS, ...info.extra?.defaults } as CommonFlags & E;
  const flags = { ...COMMON_FLAGS, ...info.extra?.flags } as FlagTable<CommonFlags & E>;
  const help = (): string => [`Usage: pnpm ${info.script} [flags]`, "", info.about, "", flagHelp(defaults, flags)].join("\n");
  const parsed = cliOptions(info.script, (argv) => parseFlags(argv, defaults, flags), help);
  if (!parsed) return;

  const { out, ...rest } = parsed;
  const outDir = outputDir(out);
  const start = performance.now();
  const result = await run({ ...rest, outDir, quiet: false } as LessonOptions & E);
  const seconds = (performance.now() - start) / 1000;
  console.log(`\npictures in ${shownPath(outDir)}: ${result.files.map((f) => basename(f)).join(", ")}`);
  console.log(`done in ${seconds.toFixed(1)} s${parsed.fast ? " (--fast)" : ""}`);
}
