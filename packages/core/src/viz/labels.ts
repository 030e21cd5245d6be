/**
 * What the teaching views (toDot, formatBackward) print: a tensor's handle (name, id, or value)
 * and its numbers; and an op's backward rule, read as a formula and written in the tensors' labels
 * and numbers. Pure string helpers with no import of the core's own (a leaf of the import stack,
 * docs/architecture.md), in three parts: numbers and names; reading rules; one input's rule.
 */
import type { Tensor } from "../tensor.js";

/**
 * One number for a person: at most `digits` decimals with trailing zeros dropped (138.83381 →
 * "138.8338", 16 → "16", 0.1f → "0.1"); exponent notation where decimals would hide it
 * (|v| ≥ 1e6, or below 1e-3 and not 0).
 */
export function formatNumber(v: number, digits = 4): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return "0"; // also −0
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) {
    const [mantissa, exponent] = v.toExponential(Math.max(digits - 1, 0)).split("e");
    return `${trimZeros(mantissa)}e${exponent.replace("+", "")}`;
  }
  const fixed = trimZeros(v.toFixed(digits));
  return fixed === "-0" ? "0" : fixed;
}

const trimZeros = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);

/** "[2, 3]" */
export const shapeText = (shape: readonly number[]) => `[${shape.join(", ")}]`;

/**
 * The first `max` values, flat: "16" for a 0-d tensor, "[1, 2, 3]", or "[1, 2, … (20)]" when
 * the tensor holds more than `max`.
 */
export function flatValues(t: Tensor, max: number, digits: number): string {
  const shown = Array.from(t.data.subarray(0, Math.min(t.size, max)), (x) => formatNumber(x, digits));
  if (t.ndim === 0) return shown[0];
  return `[${shown.join(", ")}${t.size > max ? `, … (${t.size})` : ""}]`;
}

/**
 * A compact summary: one element → the number alone; up to `max` elements → the shape and the
 * values nested by rows ("[2, 2] [[1, 2], [3, 4]]"); more → the shape, the first `max` values
 * in row-major order and how many were left out ("[4, 5] [0.1, 0.2, … +18 more]").
 */
export function summary(t: Tensor, max: number, digits: number): string {
  if (t.size === 1) return formatNumber(t.data[0], digits);
  const shape = shapeText(t.shape);
  if (t.size <= max) return `${shape} ${nested(t, digits)}`;
  const shown = Array.from(t.data.subarray(0, max), (x) => formatNumber(x, digits));
  return `${shape} [${shown.join(", ")}${shown.length ? ", " : ""}… +${t.size - shown.length} more]`;
}

function nested(t: Tensor, digits: number): string {
  const { data, shape } = t;
  const build = (axis: number, offset: number, span: number): string => {
    const n = shape[axis];
    const inner = n === 0 ? 0 : span / n;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      parts.push(axis === shape.length - 1 ? formatNumber(data[offset + i], digits) : build(axis + 1, offset + i * inner, inner));
    }
    return `[${parts.join(", ")}]`;
  };
  return build(0, 0, t.size);
}

/** The name a person knows a tensor by: its `name`, or `t<id>` (the id toDot uses for its node). */
export const handle = (t: Tensor): string => t.name ?? `t${t.id}`;

/**
 * An unnamed one-element constant (the 2 of `f/2`, a weak scalar operand): the number says more
 * than an id, so the teaching views call it by its value.
 */
export const isNumberConstant = (t: Tensor): boolean => t.name === undefined && t.isLeaf && !t.requiresGrad && t.size === 1;

/**
 * How the teaching views (toDot with `ids`, formatBackward) call a tensor: its name, its value for
 * an unnamed one-element constant (`2`), else `t<id>`.
 */
export const label = (t: Tensor, digits = 4): string => (isNumberConstant(t) ? formatNumber(t.data[0], digits) : handle(t));

/**
 * Shape and dtype where they say something: "" for a scalar float64 (the common case of the
 * examples, micrograd's Python floats), else e.g. "[] float32" or "[2, 3] float64".
 */
export const typeText = (t: Tensor): string => (t.ndim === 0 && t.dtype === "float64" ? "" : `${shapeText(t.shape)} ${t.dtype}`);

// ==== Reading rules ================================================================================

/**
 * An op's backward rule, read as a formula so the walkthrough can teach the arithmetic. The rule
 * strings stay as ops write them (`"da = g·b, db = g·a"`: g is the upstream gradient, a and b the
 * op's inputNames); this part reads them, nothing more, so every op — and any op added later —
 * gets the same treatment without a table of ops:
 *
 *   1. `ruleParts` splits a rule into one formula per input (`da = …`, `db = …`).
 *   2. `parseFormula` reads the right-hand side into a small tree. The language is what the rules
 *      use: numbers (½ too), names, `· / + −`, `^` and superscripts (², ᵀ), functions (`σ(x)`,
 *      `tanh²(x)`, `log a`, `√x`, `eˣ`), Iverson brackets `[x > 0]`, comparisons and `c ? a : b`.
 *      Prose (`"dx = g placed at the slice"`) does not parse: the caller then shows the rule as
 *      text with the names put in (`renderText`).
 *   3. `substitute` puts in what is known before any number: a constant operand becomes its value
 *      and plain arithmetic on numbers is folded, so `pow(e, 2)`'s `g·b·a^(b−1)` reads `g·2·e`.
 *   4. `render` writes the tree twice: with the tensors' labels (`∂L/∂out · 2 · e`) and with
 *      their numbers (`0.4958 × 2 × (-7)`); function values are worked out (`tanh(0.8814)` is
 *      shown as `0.7071`), comparisons are not (`[-2 > 0]` is what the learner should read).
 *   5. `evaluate` computes the formula; the caller shows the numbers only when that agrees with
 *      the gradient the op actually sent, so a rule this reader misunderstands is never shown
 *      with wrong arithmetic — it falls back to the rule and the result.
 */

export type Formula =
  | { k: "num"; v: number; text?: string } // text: as written in the rule ("½"), else formatted
  | { k: "id"; name: string }
  | { k: "neg"; x: Formula }
  | { k: "bin"; op: "+" | "−" | "·" | "/" | "^" | "jux"; a: Formula; b: Formula } // jux: "½[…]", "2√x"
  | { k: "sup"; x: Formula; sup: string } // x², x³, xᵀ
  | { k: "call"; f: string; pow?: string; arg: Formula; style: "paren" | "space" | "root" | "exp" }
  | { k: "paren"; x: Formula }
  | { k: "bracket"; x: Formula } // Iverson bracket: 1 where true, else 0
  | { k: "cmp"; ops: string[]; xs: Formula[] }
  | { k: "cond"; c: Formula; a: Formula; b: Formula }
  /**
   * A tensor's label put in for a name: shown as text, read as its value. `bare`: never bracketed
   * in a product (`∂L/∂out · b`), only before a superscript (`(∂L/∂out)ᵀ`).
   */
  | { k: "label"; text: string; v: number; bare?: boolean };

/** One input's part of a rule: `da = g·b` → { name: "a", rhs: "g·b" }. */
export interface RulePart {
  name: string;
  rhs: string;
}

/** "da = g·b, db = g·a" → [{ a, "g·b" }, { b, "g·a" }]; a comma inside a formula does not split it. */
export function ruleParts(rule: string): RulePart[] {
  const parts: RulePart[] = [];
  for (const piece of rule.split(/,\s*(?=d[^\s=,]+\s*=)/u)) {
    const m = /^\s*d([^\s=]+)\s*=\s*([\s\S]*)$/u.exec(piece);
    if (!m) continue; // a trailing definition ("lw = 1 + …") belongs to no input
    parts.push({ name: m[1], rhs: m[2].trim() });
  }
  return parts;
}

// ---- reading ------------------------------------------------------------------------------------

const SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
/** Superscript letters the rules use as exponents (`eˣ`), and the letter each stands for. */
const SUPERSCRIPT_LETTERS: Record<string, string> = { "ˣ": "x", "ᵃ": "a", "ᵇ": "b", "ʸ": "y", "ᶻ": "z" };
/** Functions the rules use, with their values (for one number). */
const FUNCTIONS: Record<string, (x: number) => number> = {
  σ: (x) => 1 / (1 + Math.exp(-x)),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  log: Math.log,
  exp: Math.exp,
  sign: Math.sign,
  abs: Math.abs,
  sin: Math.sin,
  cos: Math.cos,
  sqrt: Math.sqrt,
  "√": Math.sqrt,
  erf,
  Φ: (x) => 0.5 * (1 + erf(x / Math.SQRT2)),
  φ: (x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI),
  softplus: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
};
const COMPARISONS = [">", "<", "≥", "≤", "=", "≠"];
/** Names a rule may use for numbers (erf: "2/√π·e^(−x²)"); an input of that name comes first. */
const CONSTANTS: Record<string, number> = { π: Math.PI, e: Math.E };

type Token =
  | { t: "num"; v: number; text: string }
  | { t: "id"; name: string }
  | { t: "sup"; text: string } // a run of superscript digits, or ᵀ
  | { t: "supLetter"; name: string }
  | { t: "op"; op: string; space: boolean }; // space: whitespace came before it

const IDENT_START = /[A-Za-z\u0370-\u03FF]/u;
const IDENT_PART = /[A-Za-z0-9\u0370-\u03FF\u2080-\u2089ᵢⱼₖ′_]/u;

function tokenize(s: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  let space = false;
  while (i < s.length) {
    const c = s[i];
    if (/\s/u.test(c)) { i++; space = true; continue; }
    const number = /^(\d+(?:\.\d+)?(?:e[-+]?\d+)?|Infinity)/u.exec(s.slice(i));
    if (number) {
      out.push({ t: "num", v: Number(number[1]), text: number[1] === "Infinity" ? "∞" : number[1] });
      i += number[1].length;
    } else if (c === "½") {
      out.push({ t: "num", v: 0.5, text: "½" });
      i++;
    } else if (SUPERSCRIPT_DIGITS.includes(c) || c === "ᵀ") {
      let j = i;
      if (c === "ᵀ") j++;
      else while (j < s.length && SUPERSCRIPT_DIGITS.includes(s[j])) j++;
      out.push({ t: "sup", text: s.slice(i, j) });
      i = j;
    } else if (c in SUPERSCRIPT_LETTERS) {
      out.push({ t: "supLetter", name: SUPERSCRIPT_LETTERS[c] });
      i++;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < s.length && IDENT_PART.test(s[j])) j++;
      out.push({ t: "id", name: s.slice(i, j) });
      i = j;
    } else if ("+−-·*/^()[]?:√¬".includes(c) || COMPARISONS.includes(c)) {
      out.push({ t: "op", op: c === "-" ? "−" : c === "*" ? "·" : c, space });
      i++;
    } else return null;
    space = false;
  }
  return out;
}

/** The rule's right-hand side as a tree, or null when it is not a formula this reader knows. */
export function parseFormula(text: string): Formula | null {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return null;
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (op: string, tok = peek()) => tok?.t === "op" && tok.op === op;
  const fail = (): never => { throw new SyntaxError("not a formula"); };
  const expect = (op: string) => { if (!isOp(op)) fail(); pos++; };

  const conditional = (): Formula => {
    const c = comparison();
    if (!isOp("?")) return c;
    pos++;
    const a = conditional();
    expect(":");
    return { k: "cond", c, a, b: conditional() };
  };
  const comparison = (): Formula => {
    const xs = [additive()];
    const ops: string[] = [];
    for (let tok = peek(); tok?.t === "op" && COMPARISONS.includes(tok.op); tok = peek()) {
      pos++;
      ops.push(tok.op);
      xs.push(additive());
    }
    return ops.length ? { k: "cmp", ops, xs } : xs[0];
  };
  const additive = (): Formula => {
    let x = term();
    while (isOp("+") || isOp("−")) {
      const op = (peek() as { op: "+" | "−" }).op;
      pos++;
      x = { k: "bin", op, a: x, b: term() };
    }
    return x;
  };
  // A leading minus covers the whole product: −g·a/b² is −(g·a/b²), the same number either way.
  const term = (): Formula => {
    if (isOp("−")) { pos++; return { k: "neg", x: term() }; }
    if (isOp("¬")) fail();
    let x = power();
    for (;;) {
      if (isOp("·") || isOp("/")) {
        const op = (peek() as { op: "·" | "/" }).op;
        pos++;
        x = { k: "bin", op, a: x, b: power() };
      } else if (x.k === "num" && (isOp("[") || isOp("√") || isOp("(")) && !(peek() as { space: boolean }).space) {
        x = { k: "bin", op: "jux", a: x, b: power() }; // ½[a = b], 2√x
      } else return x;
    }
  };
  const power = (): Formula => {
    let x = postfix();
    if (isOp("^")) {
      pos++;
      x = { k: "bin", op: "^", a: x, b: isOp("−") ? (pos++, { k: "neg", x: postfix() }) : postfix() };
    }
    return x;
  };
  const postfix = (): Formula => {
    let x = primary();
    for (let tok = peek(); tok?.t === "sup"; tok = peek()) {
      pos++;
      x = { k: "sup", x, sup: tok.text };
    }
    return x;
  };
  const primary = (): Formula => {
    const tok = tokens[pos++];
    if (!tok) return fail();
    if (tok.t === "num") return { k: "num", v: tok.v, text: tok.text };
    if (tok.t === "op") {
      if (tok.op === "(") { const x = conditional(); expect(")"); return { k: "paren", x }; }
      if (tok.op === "[") { const x = conditional(); expect("]"); return { k: "bracket", x }; }
      if (tok.op === "√") return { k: "call", f: "√", arg: postfix(), style: "root" };
      return fail();
    }
    if (tok.t !== "id") return fail();
    const next = peek();
    // eˣ: e with a superscript name is the exponential of that name.
    if (tok.name === "e" && next?.t === "supLetter") {
      pos++;
      return { k: "call", f: "exp", arg: { k: "id", name: next.name }, style: "exp" };
    }
    if (tok.name in FUNCTIONS) {
      let pow: string | undefined;
      if (next?.t === "sup" && isOp("(", tokens[pos + 1])) { pow = next.text; pos++; } // tanh²(x)
      if (isOp("(")) {
        pos++;
        const arg = conditional();
        expect(")");
        return { k: "call", f: tok.name, pow, arg, style: "paren" };
      }
      const after = peek();
      if (pow === undefined && (after?.t === "id" || after?.t === "num")) {
        return { k: "call", f: tok.name, arg: postfix(), style: "space" }; // log a
      }
    }
    return { k: "id", name: tok.name };
  };

  try {
    const tree = conditional();
    return pos === tokens.length ? tree : null;
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
}

// ---- putting in what is known -------------------------------------------------------------------

/**
 * Replace names: `g` and the inputs become labels (shown as text, read as numbers), constant
 * inputs become numbers. Then fold what is plain arithmetic on numbers (`2−1` → 1, `x^1` → x,
 * `x^2` → x², `1·x` → x, `x/1` → x): the rule of a constant operand reads as the learner would
 * write it. Names the map does not know stay names (and `evaluate` then gives up).
 */
export function substitute(f: Formula, names: ReadonlyMap<string, Formula>): Formula {
  const go = (x: Formula): Formula => {
    switch (x.k) {
      case "id": return names.get(x.name) ?? x;
      case "num": case "label": return x;
      case "neg": {
        const inner = go(x.x);
        return inner.k === "num" && inner.text === undefined ? { k: "num", v: -inner.v } : { k: "neg", x: inner };
      }
      case "paren": {
        const inner = go(x.x);
        return inner.k === "num" || inner.k === "label" || inner.k === "id" || inner.k === "call" || inner.k === "bracket" ? inner : { k: "paren", x: inner };
      }
      case "sup": return { k: "sup", x: go(x.x), sup: x.sup };
      case "bracket": return { k: "bracket", x: go(x.x) };
      case "call": return { ...x, arg: go(x.arg) };
      case "cmp": return { k: "cmp", ops: x.ops, xs: x.xs.map(go) };
      case "cond": return { k: "cond", c: go(x.c), a: go(x.a), b: go(x.b) };
      case "bin": return fold({ k: "bin", op: x.op, a: go(x.a), b: go(x.b) });
    }
  };
  return go(f);
}

function fold(x: Formula & { k: "bin" }): Formula {
  const { op, a, b } = x;
  const num = (f: Formula): number | null => (f.k === "num" ? f.v : null);
  const va = num(a), vb = num(b);
  if (va !== null && vb !== null && (op === "+" || op === "−" || op === "·")) {
    return { k: "num", v: op === "+" ? va + vb : op === "−" ? va - vb : va * vb };
  }
  if (op === "·" && va === 1) return b;
  if ((op === "·" || op === "/" || op === "^") && vb === 1) return a;
  if (op === "^" && vb !== null && Number.isInteger(vb) && vb >= 2 && vb <= 9) {
    return { k: "sup", x: a, sup: SUPERSCRIPT_DIGITS[vb] };
  }
  return x;
}

// ---- numbers ------------------------------------------------------------------------------------

/** The formula's value, or null where it holds a name that is not a number or a function unknown here. */
export function evaluate(f: Formula): number | null {
  const go = (x: Formula): number => {
    switch (x.k) {
      case "num": case "label": return x.v;
      case "id": { // π and e are the constants where no input has that name
        if (x.name in CONSTANTS) return CONSTANTS[x.name];
        throw new RangeError(x.name);
      }
      case "neg": return -go(x.x);
      case "paren": return go(x.x);
      case "bracket": return go(x.x) ? 1 : 0;
      case "sup": return x.sup === "ᵀ" ? go(x.x) : go(x.x) ** superscriptValue(x.sup);
      case "call": {
        const v = FUNCTIONS[x.f](go(x.arg));
        return x.pow === undefined ? v : v ** superscriptValue(x.pow);
      }
      case "cmp": {
        const vs = x.xs.map(go);
        return x.ops.every((op, i) => compare(op, vs[i], vs[i + 1])) ? 1 : 0;
      }
      case "cond": return go(x.c) ? go(x.a) : go(x.b);
      case "bin": {
        const a = go(x.a), b = go(x.b);
        switch (x.op) {
          case "+": return a + b;
          case "−": return a - b;
          case "·": case "jux": return a * b;
          case "/": return a / b;
          case "^": return a ** b;
        }
      }
    }
  };
  try {
    return go(f);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

const superscriptValue = (s: string) => Number([...s].map((c) => SUPERSCRIPT_DIGITS.indexOf(c)).join(""));

function compare(op: string, a: number, b: number): boolean {
  switch (op) {
    case ">": return a > b;
    case "<": return a < b;
    case "≥": return a >= b;
    case "≤": return a <= b;
    case "=": return a === b;
    default: return a !== b;
  }
}

/** erf to about 1e-7 (Abramowitz & Stegun 7.1.26): enough to check a rule, not to compute with. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x < 0 ? -y : y;
}

// ---- writing ------------------------------------------------------------------------------------

/**
 * The formula as text. "symbols": labels and names as they are (`∂L/∂out · 2 · e`); "numbers":
 * every label by its value and every function by its value (`0.4958 × 2 × (-7)`). A negative
 * number is bracketed unless it leads, a label that is not one word (`x1·w1 + x2·w2`) always.
 */
export function render(f: Formula, mode: "symbols" | "numbers", num: (v: number) => string): string {
  const numbers = mode === "numbers";
  const times = numbers ? " × " : " · ";
  const number = (v: number, text: string | undefined, leading: boolean) => {
    const s = text ?? (v === Infinity ? "∞" : v === -Infinity ? "-∞" : num(v));
    return !leading && s.startsWith("-") ? `(${s})` : s;
  };
  /** Atoms need no brackets as a base of a power or before a superscript. */
  const atomic = (x: Formula): boolean => {
    switch (x.k) {
      case "id": case "paren": case "bracket": return true;
      case "call": return !numbers || (x.pow === undefined && (evaluate(x) ?? -1) >= 0);
      case "label": return numbers ? x.v >= 0 : isWord(x.text);
      case "num": return x.v >= 0 && x.text !== "½";
      default: return false;
    }
  };
  const go = (x: Formula, leading: boolean): string => {
    switch (x.k) {
      case "num": return number(x.v, x.text, leading);
      case "label": return numbers ? number(x.v, undefined, leading) : !x.bare && needsBrackets(x.text) ? `(${x.text})` : x.text;
      case "id": return x.name;
      case "neg": return `−${go(x.x, false)}`;
      case "paren": return `(${go(x.x, true)})`;
      case "bracket": return `[${go(x.x, true)}]`;
      case "sup": {
        if (numbers && x.sup === "ᵀ" && evaluate(x.x) !== null) return go(x.x, leading); // a number is its own transpose
        return atomic(x.x) ? `${go(x.x, true)}${x.sup}` : `(${go(x.x, true)})${x.sup}`;
      }
      case "call": {
        if (numbers) {
          const v = evaluate(x);
          // tanh²(n) → 0.7071²; a negative value before a power is bracketed: (-0.4621)²
          if (v !== null) return number(FUNCTIONS[x.f](evaluate(x.arg)!), undefined, leading && x.pow === undefined) + (x.pow ?? "");
        }
        const arg = go(x.arg, true);
        if (x.style === "exp") return atomic(x.arg) ? `e^${arg}` : `e^(${arg})`;
        if (x.style === "root") return atomic(x.arg) ? `√${arg}` : `√(${arg})`;
        if (x.style === "space") return atomic(x.arg) ? `${x.f} ${arg}` : `${x.f}(${arg})`;
        const inner = x.arg.k === "label" && !numbers ? x.arg.text : arg; // tanh(x1·w1), not tanh((x1·w1))
        return `${x.f}${x.pow ?? ""}(${inner})`;
      }
      case "cmp": return x.xs.map((e, i) => (i ? ` ${x.ops[i - 1]} ` : "") + go(e, i === 0)).join("");
      case "cond": return `${go(x.c, leading)} ? ${go(x.a, true)} : ${go(x.b, true)}`;
      case "bin": {
        const a = go(x.a, leading);
        if (x.op === "^") {
          const b = go(x.b, true);
          return `${atomic(x.a) ? a : `(${go(x.a, true)})`}^${atomic(x.b) ? b : `(${b})`}`;
        }
        if (x.op === "jux") return numbers ? `${a}${times}${go(x.b, false)}` : `${a}${go(x.b, false)}`;
        const op = x.op === "·" ? times : ` ${x.op} `;
        return `${a}${op}${go(x.b, false)}`;
      }
    }
  };
  return go(f, true);
}

/** One name (`W1`, `c₁`, `t12`): it takes a superscript without brackets. */
const isWord = (label: string) => /^[\p{L}\p{N}\u2080-\u2089ᵢⱼₖ′_]+$/u.test(label);

/** A label that is more than one word or symbol (`x1·w1 + x2·w2`) needs brackets inside a formula. */
export function needsBrackets(label: string): boolean {
  return /[\s+\-−·/^,]/u.test(label);
}

/**
 * A rule that is not a formula, as text with the names put in: `g` becomes `∂L/∂out`, an input's
 * name its label ("dx = g placed at the slice" → "∂L/∂out placed at the slice").
 */
export function renderText(rhs: string, names: ReadonlyMap<string, string>): string {
  const spaced = rhs.replace(/\s*([·/])\s*/gu, " $1 ");
  return spaced.replace(/[A-Za-z\u0370-\u03FF][A-Za-z0-9\u0370-\u03FF\u2080-\u2089ᵢⱼₖ′_]*/gu, (w) => {
    const label = names.get(w);
    if (label === undefined) return w;
    return label !== "∂L/∂out" && needsBrackets(label) ? `(${label})` : label;
  });
}

// ==== One input's rule, in labels =================================================================

// One input's part of an op's backward rule, in the tensors' own labels: the rule's `g` becomes
// `∂L/∂out`, its letters the labels of the inputs (and a one-element constant its number), so
// `pow(e, 2)`'s "da = g·b·a^(b−1), db = …" gives `∂L/∂out · 2 · e` for e. The walkthrough and the
// graph's `rules` option both show rules this way; the part above says how a rule is read.

/** The upstream gradient, as every line writes it. */
export const UPSTREAM = "∂L/∂out";

/** ∂L/∂c, or ∂L/∂(x1·w1 + x2·w2) for a label of more than one word. */
export const partial = (name: string) => `∂L/∂${needsBrackets(name) ? `(${name})` : name}`;

/** What an op's rule is about: its rule string, what it calls its inputs, the inputs, its output. */
export interface RuleSource {
  rule: string;
  inputNames: readonly string[];
  inputs: readonly Tensor[];
  output: Tensor;
  /** The gradient arriving at the output, when known (a walkthrough step); only its value is read. */
  upstream?: Tensor;
}

export interface InputRule {
  /** The rule's right-hand side in labels: "∂L/∂out · 2 · e". */
  symbols: string;
  /** The same as a formula with every name's value in, for one-element tensors; null for prose. */
  formula: Formula | null;
}

/**
 * Input j's rule. null when the rule has no part for it (then show the whole rule). The output is
 * `y` where the rule says so and no input is called that (softmax: "dx = y·(g − Σ g·y)").
 */
export function inputRule(src: RuleSource, j: number, name: (t: Tensor) => string, num: (v: number) => string): InputRule | null {
  const parts = ruleParts(src.rule);
  const own = src.inputNames[j];
  // The input's own part (da = …); a rule for every input alike (dxᵢ = …, concat); or the only part.
  let part = parts.find((p) => p.name === own);
  let alias: string | undefined;
  if (!part) {
    const base = own.replace(/[\u2080-\u2089]+$/u, "");
    part = parts.find((p) => p.name === `${base}ᵢ`);
    if (part) alias = `${base}ᵢ`;
    else if (parts.length === 1 && src.inputs.length === 1) part = parts[0];
  }
  if (!part) return null;

  const value = (t: Tensor | undefined) => (t !== undefined && t.size === 1 ? t.data[0] : NaN);
  const formulaNames = new Map<string, Formula>([["g", { k: "label", text: UPSTREAM, v: value(src.upstream), bare: true }]]);
  const textNames = new Map<string, string>([["g", UPSTREAM]]);
  const set = (key: string, t: Tensor) => {
    formulaNames.set(key, isNumberConstant(t) ? { k: "num", v: t.data[0] } : { k: "label", text: name(t), v: value(t) });
    textNames.set(key, name(t));
  };
  if (!src.inputNames.includes("y")) set("y", src.output);
  src.inputs.forEach((x, k) => set(src.inputNames[k], x));
  if (alias) set(alias, src.inputs[j]);

  const tree = parseFormula(part.rhs);
  if (!tree) return { symbols: renderText(part.rhs, textNames), formula: null };
  const formula = substitute(tree, formulaNames);
  return { symbols: render(formula, "symbols", num), formula };
}
