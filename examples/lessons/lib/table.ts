/**
 * Small aligned text tables for the lessons' printed numbers.
 *
 *   console.log(table(["z", "mse", "fused"], [[-20, -4.1223e-9, -1], [0, -0.25, -0.5]]));
 *
 *       z       mse   fused
 *     -20  -4.12e-9      -1
 *       0    -0.250  -0.500
 *
 * Numbers are formatted by `num` (so 1e-9 and 0.25 both stay readable) and right-aligned; strings
 * are left-aligned. Pass a string cell to format a number yourself (e.g. `num(v, 6)` or `v.toFixed(1)`).
 */

export type Cell = string | number;

/**
 * A number in `digits` significant figures: fixed notation between 1e-3 and 1e5 (0.250, -0.99999994
 * with 8), exponent notation outside (4.12e-9); integers as they are (-20, 0); the specials spelled
 * "NaN", "∞", "-∞" (and -0 as "0").
 */
export function num(v: number, digits = 3): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "∞";
  if (v === -Infinity) return "-∞";
  if (Number.isInteger(v) && Math.abs(v) < 1e5) return String(v); // also turns -0 into "0"
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return v.toFixed(Math.max(0, digits - 1 - Math.floor(Math.log10(a))));
  return v.toExponential(Math.max(0, digits - 1)).replace("e+", "e");
}

/** Display width: code points, so σ, β, ∞ and ✗ count as one column each. */
const width = (s: string): number => [...s].length;

export interface TableOptions {
  indent?: string;
  gap?: number;
  digits?: number;
  align?: readonly ("l" | "r" | undefined)[];
}

/**
 * The rows under the header, columns separated by `gap` spaces, numbers right-aligned and strings
 * left-aligned (a column's header follows the alignment of its first row); `align` overrides that per
 * column ("r" or "l", e.g. for numbers you formatted into strings). `digits`: significant figures
 * for number cells. `indent` prefixes every line. Returns the text without a final newline.
 */
export function table(header: readonly string[], rows: readonly (readonly Cell[])[], opts: TableOptions = {}): string {
  const { indent = "  ", gap = 2, digits = 3, align = [] } = opts;
  const text = rows.map((row) => header.map((_, c) => {
    const v = row[c] ?? "";
    return typeof v === "number" ? num(v, digits) : v;
  }));
  const right = header.map((_, c) => (align[c] ? align[c] === "r" : typeof rows[0]?.[c] === "number"));
  const widths = header.map((h, c) => Math.max(width(h), ...text.map((r) => width(r[c]))));
  const pad = (s: string, c: number): string => {
    const fill = " ".repeat(widths[c] - width(s));
    return right[c] ? fill + s : s + fill;
  };
  const line = (cells: readonly string[]): string => (indent + cells.map(pad).join(" ".repeat(gap))).trimEnd();
  return [line(header), ...text.map(line)].join("\n");
}

/**
 * Break `text` into lines of at most `max` characters at spaces (a word longer than that gets a
 * line of its own). Handy for figure subtitles: headless vega has no font metrics and estimates a
 * text's width as 0.8 · fontSize per character, so a long line makes the whole picture wider than it
 * draws; at 12 px keep lines to about (picture width in px) / 10 characters.
 */
export function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && width(line) + 1 + width(word) > max) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
