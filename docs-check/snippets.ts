/**
 * Code in the documents that runs: every ```ts block of the Markdown is a program, run by
 * snippets.test.ts, and a line that ends in a comment holding a value claims that value:
 *
 *   x.sum().item();                 // 21
 *   x.shape; x.ndim; x.dtype;       // [2, 3], 2, "float32"
 *   const ok = gradcheck(f, [x]).ok; // true
 *   console.log(g.item(), a.grad!.item()); // 24.7041  138.8338
 *
 * The comment's value is what comes before two spaces, " — " or " (" outside quotes and brackets
 * ("// 12  (3x²)" claims 12); a comment that is not a JavaScript value ("// per call") claims
 * nothing, and one that opens with a quote must parse. A number claims
 * the digits it shows: 0.4958 holds for 0.49581…, 12 for 12.000001. A block that should not run
 * (an excerpt of the source, a sketch) says why on the line above it: <!-- not run: REASON -->.
 * A block that shows a whole file of the repository says which (<!-- file: examples/x.ts -->): it
 * must equal that file, which runs as its own command (its output quoted with an output marker).
 */

export interface Snippet {
  where: string;
  code: string;
  /** Set when the block is a whole file of the repository, shown as it is: `<!-- file: PATH -->`. */
  file?: string;
}

export interface Claim {
  /** Line in the document. */
  line: number;
  /** What is checked, as written. */
  what: string;
  /** The claimed value(s), as written in the comment. */
  claimed: string;
}

const FENCE = /^(`{3,})\s*(ts|typescript|js|javascript)\s*$/;
const NOT_RUN = /^<!--\s*not run:\s*\S.*-->\s*$/;
const FILE = /^<!--\s*file:\s*(\S+)\s*-->\s*$/;

/** The runnable blocks of a Markdown file (those not marked `not run`), with their first line. */
export function findSnippets(file: string, markdown: string): Snippet[] {
  const lines = markdown.split("\n");
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === open[1]);
    if (end < 0) break;
    const above = lines[i - 1] ?? "";
    if (FENCE.test(lines[i]) && !NOT_RUN.test(above)) {
      const shown = FILE.exec(above)?.[1];
      out.push({ where: `${file}:${i + 2}`, code: lines.slice(i + 1, end).join("\n"), ...(shown && { file: shown }) });
    }
    i = end;
  }
  return out;
}

/**
 * Where a comment's value ends: at the first two spaces, " — " or " (" outside quotes and brackets
 * (so a claimed string may hold two spaces, and an array a parenthesis).
 */
function valueEnd(comment: string): number {
  let depth = 0, quote = "";
  for (let i = 0; i < comment.length; i++) {
    const c = comment[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth = Math.max(0, depth - 1);
    if (depth === 0 && (comment.startsWith("  ", i) || comment.startsWith(" — ", i) || comment.startsWith(" (", i))) return i;
  }
  return comment.length;
}

/**
 * The claimed value of a comment, or null when it claims none (prose). A comment that opens like a
 * value (a quote) but does not parse is an error, not prose: it would check nothing.
 */
export function claimedValue(comment: string): { text: string; values: unknown[] } | null {
  const text = comment.slice(0, valueEnd(comment)).trim();
  if (!text) return null;
  try {
    const values = new Function(`"use strict"; return [${text}];`)() as unknown[];
    return { text, values };
  } catch {
    if (/^["'`]/.test(text)) throw new Error(`the comment "// ${comment}" looks like a claimed value but ${text} does not parse as JavaScript`);
    return null; // prose, not a value
  }
}

/** The statements of one line of code, split at top-level semicolons. */
export function statements(code: string): string[] {
  const out: string[] = [];
  let depth = 0, quote = "", start = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (c === ";" && depth === 0) {
      out.push(code.slice(start, i).trim());
      start = i + 1;
    }
  }
  const rest = code.slice(start).trim();
  if (rest) out.push(rest);
  return out.filter(Boolean);
}

/** Where a line's trailing `//` comment starts (not inside a string), or -1. */
function commentAt(line: string): number {
  let quote = "";
  for (let i = 0; i < line.length - 1; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "/" && line[i + 1] === "/") return i;
  }
  return -1;
}

/**
 * The snippet with each claim turned into a check (a call of `__claim`, defined by the runner),
 * and the claims. A claim whose statements and values do not pair up is an error: the document
 * says something the runner cannot check.
 */
export function instrument(code: string, firstLine: number): { code: string; claims: Claim[] } {
  const claims: Claim[] = [];
  const out = code.split("\n").map((line, k) => {
    const at = commentAt(line);
    if (at < 0) return line;
    const body = line.slice(0, at).trimEnd(), comment = line.slice(at + 2);
    if (!body.endsWith(";")) return line; // a comment on a line of its own, or inside an expression
    const claim = claimedValue(comment);
    if (!claim) return line;
    const lineNo = firstLine + k;
    const parts = statements(body);
    const log = parts.length === 1 ? /^console\.log\((.*)\)$/.exec(parts[0]) : null;
    if (log) {
      // console.log(a, b) // 1.5  2: each printed value against the comment's values, split at two spaces.
      const each = comment.trim().split(/ {2,}/).map((t) => claimedValue(t));
      if (each.some((c) => c === null || c.values.length !== 1)) return line;
      claims.push({ line: lineNo, what: parts[0], claimed: comment.trim() });
      const values = `[${each.map((c) => c!.text).join(", ")}]`;
      return `${body} __claim(${lineNo}, ${JSON.stringify(parts[0])}, () => [${log[1]}], ${values});`;
    }
    const decl = parts.length === 1 ? /^(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=/.exec(parts[0]) : null;
    if (decl) {
      claims.push({ line: lineNo, what: decl[1], claimed: claim.text });
      return `${body} __claim(${lineNo}, ${JSON.stringify(decl[1])}, () => ${decl[1]}, ${claim.text});`;
    }
    if (parts.length !== claim.values.length) {
      throw new Error(`line ${lineNo}: ${parts.length} statements but ${claim.values.length} claimed values ("${claim.text}")`);
    }
    // One check per statement: `x.shape; x.ndim; // [2, 3], 2` claims [2, 3] of x.shape and 2 of x.ndim.
    const each = parts.length === 1 ? [claim.text] : claim.values.map((v) => JSON.stringify(v));
    parts.forEach((p, i) => claims.push({ line: lineNo, what: p, claimed: each[i] }));
    return parts.map((p, i) => `__claim(${lineNo}, ${JSON.stringify(p)}, () => (${p}), ${each[i]});`).join(" ");
  });
  return { code: out.join("\n"), claims };
}

/**
 * Does `actual` hold what `claimed` says? Numbers to the digits claimed (an integer within 1e-4 of
 * it, relative); arrays and typed arrays elementwise; plain objects key by key; anything with
 * toArray() (a Tensor) by its values.
 */
export function holds(claimed: unknown, actual: unknown): boolean {
  if (actual !== null && typeof actual === "object" && typeof (actual as { toArray?: unknown }).toArray === "function") {
    actual = (actual as { toArray(): unknown }).toArray();
  }
  if (ArrayBuffer.isView(actual)) actual = Array.from(actual as unknown as ArrayLike<number>);
  if (typeof claimed === "number") {
    if (typeof actual !== "number") return false;
    if (Number.isNaN(claimed)) return Number.isNaN(actual);
    if (!Number.isFinite(claimed)) return claimed === actual;
    const shown = String(claimed);
    const decimals = shown.includes("e") ? null : (shown.split(".")[1] ?? "").length;
    if (decimals === null) return Math.abs(actual - claimed) <= 1e-4 * Math.abs(claimed);
    if (decimals === 0) return Math.abs(actual - claimed) <= 1e-4 * Math.max(1, Math.abs(claimed));
    return Math.abs(actual - claimed) <= 0.5 * 10 ** -decimals * (1 + 1e-9);
  }
  if (Array.isArray(claimed)) {
    return Array.isArray(actual) && actual.length === claimed.length && claimed.every((c, i) => holds(c, actual[i]));
  }
  if (claimed !== null && typeof claimed === "object") {
    if (actual === null || typeof actual !== "object") return false;
    const keys = Object.keys(claimed), got = Object.keys(actual);
    return keys.length === got.length && keys.every((k) => holds((claimed as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k]));
  }
  return Object.is(claimed, actual);
}
