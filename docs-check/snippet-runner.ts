/**
 * Runs one document snippet (snippets.ts) as a program: the instrumented code goes into
 * examples/.snippets/ (where @backprop/core and @backprop/nn resolve, as in the examples), runs
 * under tsx, and reports each claim's outcome on its last line of output.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { instrument, type Claim } from "./snippets.js";

const ROOT = resolve(import.meta.dirname, "..");
const DIR = join(ROOT, "examples/.snippets");
const MARK = "__CLAIMS__";

export interface ClaimResult { line: number; what: string; ok: boolean; actual: string }
export interface SnippetRun { claims: Claim[]; results: ClaimResult[]; code: number | null; stderr: string }

const prelude = (helpers: string) => `import { holds as __holds } from ${JSON.stringify(helpers)};
const __results: { line: number; what: string; ok: boolean; actual: string }[] = [];
const __show = (v: unknown): string => {
  const plain = (x: unknown): unknown => x && typeof x === "object" && typeof (x as { toArray?: unknown }).toArray === "function"
    ? (x as { toArray(): unknown }).toArray() : ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : x;
  try { return JSON.stringify(plain(v)) ?? String(v); } catch { return String(v); }
};
function __claim(line: number, what: string, get: () => unknown, claimed: unknown): void {
  try {
    const actual = get();
    __results.push({ line, what, ok: __holds(claimed, actual), actual: __show(actual) });
  } catch (e) {
    __results.push({ line, what, ok: false, actual: \`threw \${(e as Error).message}\` });
  }
}
process.on("exit", () => console.log("\\n${MARK}" + JSON.stringify(__results)));
`;

export function runSnippet(where: string, code: string): SnippetRun {
  const [file, line] = where.split(":");
  const { code: checked, claims } = instrument(code, Number(line));
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, `${file.replace(/[^\w]+/g, "-")}-${line}.ts`);
  // The prelude is one line longer than it looks: keep the snippet's own line numbers in errors readable.
  writeFileSync(path, `${prelude(join(ROOT, "docs-check/snippets.ts"))}${checked}\n`);
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("VITEST") || k.startsWith("BACKPROP_")) delete env[k];
  const run = spawnSync(process.execPath, ["--import", "tsx", path], { cwd: join(ROOT, "examples"), encoding: "utf8", env, timeout: 120_000 });
  const last = run.stdout.split("\n").reverse().find((l) => l.startsWith(MARK));
  const results = last ? (JSON.parse(last.slice(MARK.length)) as ClaimResult[]) : [];
  return { claims, results, code: run.status, stderr: run.stderr };
}
