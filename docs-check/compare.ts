/**
 * Does a quoted block still say what its command prints? Exact text, line by line, unless the
 * block's marker allows a tolerance on numbers or any value for timings (see markers.ts).
 */
import type { QuoteOptions } from "./markers.js";

// A number as programs print it: 12, -0.25, 1.5e-8, 7,680,000, −4 (Unicode minus), 97.5 (of 97.5%).
const NUMBER = /[-+−]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:e[-+]?\d+)?|[-+−]?\.\d+(?:e[-+]?\d+)?/g;
// What follows a number that is a time or a rate: "13.0 s", "1828 ms", "95 steps/s", "16 redraws/s".
const TIME_UNIT = /^\s?(?:ns|µs|us|ms|s|min|h)\b|^\s?[a-z]*\/s\b/;

type Token = { text: string } | { num: string; time: boolean };

function tokens(line: string): Token[] {
  const out: Token[] = [];
  let at = 0;
  for (const m of line.matchAll(NUMBER)) {
    if (m.index > at) out.push({ text: line.slice(at, m.index) });
    const after = line.slice(m.index + m[0].length);
    out.push({ num: m[0], time: TIME_UNIT.test(after) });
    at = m.index + m[0].length;
  }
  if (at < line.length) out.push({ text: line.slice(at) });
  return out;
}

const value = (s: string): number => Number(s.replace(/,/g, "").replace("−", "-"));

/** Why `actual` is not what `expected` quotes, or null when it is. */
export function lineMismatch(expected: string, actual: string, o: QuoteOptions): string | null {
  if (expected.trimEnd() === actual.trimEnd()) return null;
  const flexible = o.tolerance !== null || o.timings;
  if (!flexible) return "the text differs";
  // A number of another width shifts the columns after it: runs of spaces count as one.
  const squeeze = (s: string) => s.replace(/\s+/g, " ");
  const e = tokens(expected.trim()), a = tokens(actual.trim());
  if (e.length !== a.length) return "the text differs";
  for (let i = 0; i < e.length; i++) {
    const x = e[i], y = a[i];
    if ("text" in x || "text" in y) {
      if (!("text" in x && "text" in y) || squeeze(x.text) !== squeeze(y.text)) return "the text differs";
      continue;
    }
    if (o.timings && x.time && y.time) continue;
    if (x.num === y.num) continue;
    const t = o.tolerance;
    const want = value(x.num), got = value(y.num);
    const allowed = t === null ? 0 : "relative" in t ? t.relative * Math.abs(want) : t.absolute;
    if (!(Math.abs(got - want) <= allowed)) {
      return `${x.num} is printed as ${y.num}${t === null ? "" : `, more than the block's ${"relative" in t ? `±${t.relative * 100}%` : `±${t.absolute}`}`}`;
    }
  }
  return null;
}

/** What a command printed, as a quote compares it: no colours, no pnpm banner, no trailing spaces. */
export function cleanOutput(raw: string): string[] {
  const lines = raw
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "") // terminal colours
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((l) => l.slice(l.lastIndexOf("\r") + 1).trimEnd()); // a line rewritten in place: its last state
  // `pnpm <script>` first prints "> package@version script /path" and "> command", then a blank line.
  while (lines.length && (lines[0] === "" || lines[0].startsWith("> "))) lines.shift();
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

const SKIP = "…";

/**
 * Why the quoted `block` does not match the command's `output` lines, or null when it does.
 * Without `excerpt`, the block is the whole output; with it, each run of lines between `…` lines
 * appears, contiguous, after the previous one.
 */
export function blockMismatch(block: readonly string[], output: readonly string[], o: QuoteOptions): string | null {
  const quoted = [...block];
  while (quoted.length && quoted[quoted.length - 1].trim() === "") quoted.pop();
  if (!o.excerpt) {
    for (let i = 0; i < Math.max(quoted.length, output.length); i++) {
      if (i >= quoted.length) return `the output goes on after the quote ends: line ${i + 1} is "${output[i]}" (add | excerpt if the block is a part)`;
      if (i >= output.length) return `the output ends before the quote's line ${i + 1}: "${quoted[i]}"`;
      const why = lineMismatch(quoted[i], output[i], o);
      if (why) return `line ${i + 1}: ${why}\n  quoted:  ${quoted[i]}\n  printed: ${output[i]}`;
    }
    return null;
  }
  const runs: { first: number; lines: string[] }[] = [];
  quoted.forEach((line, i) => {
    if (line.trim() === SKIP) runs.push({ first: i + 2, lines: [] });
    else {
      if (runs.length === 0) runs.push({ first: i + 1, lines: [] });
      runs[runs.length - 1].lines.push(line);
    }
  });
  let from = 0;
  for (const run of runs) {
    if (run.lines.length === 0) continue;
    const at = findRun(run.lines, output, from, o);
    if (at < 0) return runNotFound(run, output, from, o);
    from = at + run.lines.length;
  }
  return null;
}

function findRun(run: readonly string[], output: readonly string[], from: number, o: QuoteOptions): number {
  for (let at = from; at + run.length <= output.length; at++) {
    if (run.every((line, k) => lineMismatch(line, output[at + k], o) === null)) return at;
  }
  return -1;
}

/** Explain a run that is not in the output: the nearest place it almost matches, and where not. */
function runNotFound(run: { first: number; lines: string[] }, output: readonly string[], from: number, o: QuoteOptions): string {
  let best = -1, bestCount = -1;
  for (let at = from; at < output.length; at++) {
    let k = 0;
    while (k < run.lines.length && at + k < output.length && lineMismatch(run.lines[k], output[at + k], o) === null) k++;
    if (k > bestCount) { best = at; bestCount = k; }
  }
  const head = `the quoted lines from line ${run.first} on are not in the output (in this order, after what the quote matched before)`;
  if (best < 0 || bestCount === 0) return `${head}\n  quoted:  ${run.lines[0]}`;
  const k = bestCount, printed = output[best + k];
  const why = printed === undefined ? "the output ends here" : lineMismatch(run.lines[k], printed, o);
  return `${head}; the nearest match stops at quoted line ${run.first + k}: ${why}\n  quoted:  ${run.lines[k]}\n  printed: ${printed ?? "(end of output)"}`;
}
