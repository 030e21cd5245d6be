/**
 * Quoted output in the repository's Markdown: every ```text fence is program output, and the line
 * just above it says which command prints it (CONTRIBUTING.md, "Quoted output"):
 *
 *   <!-- output: pnpm lesson2 | excerpt | ±1% | timings -->
 *   ```text
 *   …
 *   ```
 */

/** How a quoted block is compared with what its command prints. */
export interface QuoteOptions {
  /** The block is a part of the output (its lines in order; a `…` line skips any number). */
  excerpt: boolean;
  /** Numbers may differ by this much: relative (`±2%` → 0.02) or absolute (`±0.001`). */
  tolerance: { relative: number } | { absolute: number } | null;
  /** Numbers with a unit of time, or rates per second, may be any value. */
  timings: boolean;
  /** Run on the default backend only (the text says why the other prints something else). */
  wasmOnly: boolean;
}

export interface QuotedBlock {
  /** Where it is: `examples/README.md:120` (the line of the fence). */
  where: string;
  command: string;
  options: QuoteOptions;
  /** The block's lines, as written. */
  lines: string[];
}

/** A ```text fence with no marker above it, or a marker that cannot be read. */
export interface MarkerProblem {
  where: string;
  problem: string;
}

const MARKER = /^<!--\s*output:\s*(.*?)\s*-->\s*$/;
const TOLERANCE = /^±\s*([0-9.]+(?:e-?\d+)?)\s*(%?)$/;

/** The options after the command, or the reason they cannot be read. */
export function parseOptions(parts: readonly string[]): QuoteOptions | string {
  const o: QuoteOptions = { excerpt: false, tolerance: null, timings: false, wasmOnly: false };
  for (const part of parts) {
    const tol = TOLERANCE.exec(part);
    if (part === "excerpt") o.excerpt = true;
    else if (part === "timings") o.timings = true;
    else if (part === "wasm") o.wasmOnly = true;
    else if (tol && Number.isFinite(Number(tol[1]))) {
      o.tolerance = tol[2] ? { relative: Number(tol[1]) / 100 } : { absolute: Number(tol[1]) };
    } else return `unknown option "${part}" (known: excerpt, ±N%, ±N, timings, wasm)`;
  }
  return o;
}

/** Every quoted block of one Markdown file, and every ```text fence that lacks a readable marker. */
export function findQuotedBlocks(file: string, markdown: string): { blocks: QuotedBlock[]; problems: MarkerProblem[] } {
  const lines = markdown.split("\n");
  const blocks: QuotedBlock[] = [];
  const problems: MarkerProblem[] = [];
  let fence: string | null = null; // the opening fence of the code block we are in
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (fence !== null) {
      if (line.trimStart().startsWith(fence) && line.trim() === fence) fence = null;
      continue;
    }
    const open = /^\s*(`{3,}|~{3,})(.*)$/.exec(line);
    if (!open) continue;
    fence = open[1];
    if (open[2].trim() !== "text") continue;
    const where = `${file}:${i + 1}`;
    const marker = MARKER.exec(lines[i - 1] ?? "");
    const end = lines.findIndex((l, j) => j > i && l.trim() === fence);
    if (!marker) {
      problems.push({ where, problem: "a ```text block is quoted output: put <!-- output: COMMAND --> on the line above it (or use ```plain for text that no program prints)" });
      continue;
    }
    if (end < 0) {
      problems.push({ where, problem: "the ```text block is never closed" });
      continue;
    }
    const [command, ...parts] = marker[1].split("|").map((s) => s.trim());
    const options = parseOptions(parts);
    if (!command) problems.push({ where, problem: "the marker names no command" });
    else if (typeof options === "string") problems.push({ where, problem: options });
    else blocks.push({ where, command, options, lines: lines.slice(i + 1, end) });
  }
  return { blocks, problems };
}
