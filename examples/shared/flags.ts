/**
 * A tiny command-line flag parser for the examples, on top of node:util's parseArgs. Each script
 * describes its flags in one table — placeholder, help line, how the value is checked — so the
 * `--help` text and the error messages can never drift from what is parsed.
 */
import { parseArgs } from "node:util";

/** A bad command line: the message says which flag and why. Scripts print it and exit with 1. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface Flag<T> {
  /** Placeholder shown in --help ("N", "X", …); absent for on/off switches. */
  value?: string;
  help: string;
  /** Turns the text after the flag into a value, or throws UsageError. Absent for switches. */
  parse?: (raw: string, flag: string) => T;
}

/** One flag per option; the key reluSide is the flag --relu-side. */
export type FlagTable<O> = { [K in keyof O]: Flag<O[K]> };

export type Parsed<O> = { help: true } | { help: false; options: O };

/** reluSide → --relu-side */
export const flagName = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

// ---- value checkers -------------------------------------------------------------------------

function number(raw: string, flag: string): number {
  const v = raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(v)) throw new UsageError(`${flag} expects a number, got ${JSON.stringify(raw)}`);
  return v;
}

export const integer = (min: number, max: number) => (raw: string, flag: string): number => {
  const v = number(raw, flag);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(`${flag} expects a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return v;
};

export const real = (check: (v: number) => boolean, what: string) => (raw: string, flag: string): number => {
  const v = number(raw, flag);
  if (!check(v)) throw new UsageError(`${flag} expects ${what}, got ${JSON.stringify(raw)}`);
  return v;
};

export const oneOf = <T extends string>(choices: readonly T[]) => (raw: string, flag: string): T => {
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`${flag} expects one of ${choices.join(", ")}; got ${JSON.stringify(raw)}`);
  }
  return raw as T;
};

export const path = (raw: string, flag: string): string => {
  if (raw.trim() === "") throw new UsageError(`${flag} expects a folder path`);
  return raw;
};

// ---- parsing and help ---------------------------------------------------------------------

/** Parse argv (without the node and script names) against the table. Throws UsageError. */
export function parseFlags<O extends object>(argv: readonly string[], defaults: Readonly<O>, flags: FlagTable<O>): Parsed<O> {
  const entries = Object.entries(flags) as [string, Flag<unknown>][];
  const spec: Record<string, { type: "string" | "boolean" }> = { help: { type: "boolean" } };
  for (const [key, flag] of entries) spec[flagName(key).slice(2)] = { type: flag.parse ? "string" : "boolean" };

  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: spec, strict: true, allowPositionals: false }));
  } catch (err) {
    // node:util's messages are already clear ("Unknown option '--wdith'"); keep them.
    throw new UsageError((err as Error).message);
  }
  if (values.help) return { help: true };

  const options: Record<string, unknown> = { ...defaults };
  for (const [key, flag] of entries) {
    const raw = values[flagName(key).slice(2)];
    if (raw !== undefined) options[key] = flag.parse ? flag.parse(raw as string, flagName(key)) : raw;
  }
  return { help: false, options: options as O };
}

/** The "Flags:" block of --help: one aligned line per flag, with its default. */
export function flagHelp<O extends object>(defaults: Readonly<O>, flags: FlagTable<O>): string {
  const rows: [string, string][] = [["--help", "show this help"]];
  for (const [key, flag] of Object.entries(flags) as [string, Flag<unknown>][]) {
    const left = flag.value ? `${flagName(key)} ${flag.value}` : flagName(key);
    const def = flag.value ? ` (default: ${(defaults as Record<string, unknown>)[key]})` : "";
    rows.push([left, flag.help + def]);
  }
  const pad = Math.max(...rows.map(([l]) => l.length)) + 2;
  return ["Flags:", ...rows.map(([l, r]) => `  ${l.padEnd(pad)}${r}`)].join("\n");
}

/**
 * Parse the process's flags; print --help, or report a usage error and exit with 1, or hand the
 * options over.
 */
export function cliOptions<O>(script: string, parse: (argv: readonly string[]) => Parsed<O>, help: () => string): O | null {
  try {
    const parsed = parse(process.argv.slice(2));
    if (!parsed.help) return parsed.options;
    console.log(help());
    return null;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${script}: ${err.message}\nRun with --help to see the flags.`);
    process.exit(1);
  }
}
