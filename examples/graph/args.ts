/**
 * The command lines of `pnpm graph NAME` and `pnpm walkthrough NAME`: one expression name (see
 * expressions.ts) plus flags, parsed with the examples' shared flag table (shared/flags.ts).
 */
import { flagHelp, flagName, integer, oneOf, parseFlags, path, UsageError, type FlagTable, type Parsed } from "../shared/flags.js";
import { EXPRESSION_NAMES, listText } from "./expressions.js";

export { UsageError } from "../shared/flags.js";

/** What both commands share: the expression, or --list. */
export interface ExpressionChoice {
  /** The expression to show; null only with --list. */
  name: string | null;
  list: boolean;
}

/**
 * Split the positional words (the expression name) from the flags and their values, check the
 * flags against the table and the name against the known expressions.
 */
function parseWithName<O extends { list: boolean }>(argv: readonly string[], defaults: Readonly<O>, flags: FlagTable<O>): Parsed<O & { name: string | null }> {
  const takesValue = new Set(Object.entries(flags).filter(([, f]) => (f as { parse?: unknown }).parse).map(([k]) => flagName(k)));
  const words: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") { words.push(...argv.slice(i + 1)); break; }
    if (!arg.startsWith("-")) { words.push(arg); continue; }
    rest.push(arg);
    if (takesValue.has(arg) && i + 1 < argv.length) rest.push(argv[++i]); // --out DIR
  }
  const parsed = parseFlags(rest, defaults, flags);
  if (parsed.help) return parsed;
  const choices = EXPRESSION_NAMES.join(", ");
  if (words.length > 1) throw new UsageError(`expected one expression name, got ${words.length}: ${words.join(" ")}`);
  const name = words[0] ?? null;
  if (name !== null && !EXPRESSION_NAMES.includes(name)) throw new UsageError(`unknown expression ${JSON.stringify(name)}; choose one of ${choices}`);
  if (name === null && !parsed.options.list) throw new UsageError(`name an expression: ${choices} (--list describes them)`);
  return { help: false, options: { ...parsed.options, name } };
}

// ---- pnpm graph ---------------------------------------------------------------------------------

export interface GraphOptions extends ExpressionChoice {
  out: string;
  noValues: boolean;
  noGrads: boolean;
  rules: boolean;
  rankdir: "LR" | "TB";
}

export const GRAPH_DEFAULTS: Readonly<Omit<GraphOptions, "name">> = {
  list: false,
  out: "out/graph",
  noValues: false,
  noGrads: false,
  rules: false,
  rankdir: "TB",
};

const GRAPH_FLAGS: FlagTable<Omit<GraphOptions, "name">> = {
  list: { help: "list the expressions and exit" },
  out: { value: "DIR", help: "folder for NAME.dot, NAME.svg and NAME.png (relative to where you run the command)", parse: path },
  noValues: { help: "leave the values out of the nodes" },
  noGrads: { help: "leave the gradients out (and skip the backward pass)" },
  rules: { help: "show each op's backward rule in its node, as the walkthrough writes it" },
  rankdir: { value: "DIR", help: "TB draws the graph top to bottom, LR left to right (wider)", parse: oneOf(["TB", "LR"] as const) },
};

export function graphHelp(): string {
  return [
    "Usage: pnpm graph NAME [flags]",
    "",
    "Builds the example expression NAME, runs backward through it and draws its graph with Graphviz,",
    "top to bottom by default: one node per tensor with its value and gradient (every node's, as",
    "traceBackward sees it). An op's node says what it computed from what, e = sub(c, d), in the names",
    "`pnpm walkthrough NAME` uses; shape and dtype appear only where they are not a scalar float64.",
    "The output is outlined in green, parameters are orange, constants grey (a plain number is drawn",
    "as itself). Writes NAME.dot, NAME.svg and NAME.png (at most 1600 px wide) and prints where.",
    "",
    "Expressions:",
    listText(),
    "",
    flagHelp(GRAPH_DEFAULTS, GRAPH_FLAGS),
  ].join("\n");
}

export function parseGraphArgs(argv: readonly string[]): Parsed<GraphOptions> {
  return parseWithName(argv, GRAPH_DEFAULTS, GRAPH_FLAGS);
}

// ---- pnpm walkthrough ---------------------------------------------------------------------------

export interface WalkthroughCliOptions extends ExpressionChoice {
  maxElements: number;
  digits: number;
}

export const WALKTHROUGH_DEFAULTS: Readonly<Omit<WalkthroughCliOptions, "name">> = {
  list: false,
  maxElements: 6,
  digits: 4,
};

const WALKTHROUGH_FLAGS: FlagTable<Omit<WalkthroughCliOptions, "name">> = {
  list: { help: "list the expressions and exit" },
  maxElements: { value: "N", help: "print tensors of up to N elements in full, summarise bigger ones", parse: integer(0, 10_000) },
  digits: { value: "N", help: "decimals per number", parse: integer(0, 12) },
};

export function walkthroughHelp(): string {
  return [
    "Usage: pnpm walkthrough NAME [flags]",
    "",
    "Builds the example expression NAME and prints its backward pass step by step, in the order it",
    "runs. L is the output backward starts from, ∂L/∂out the gradient arriving at a step's output.",
    "Each input that needs a gradient gets one line: the op's rule in the tensors' names, the rule",
    "with the numbers put in, and the result, e.g.",
    "  ∂L/∂d₂ = ∂L/∂out · 3 = 6.9417 × 3 = 20.8251",
    "(tensors of more than one element: the rule and the result). The leaves' shares add up into",
    "their .grad, shown as a running total.",
    "",
    "Expressions:",
    listText(),
    "",
    flagHelp(WALKTHROUGH_DEFAULTS, WALKTHROUGH_FLAGS),
  ].join("\n");
}

export function parseWalkthroughArgs(argv: readonly string[]): Parsed<WalkthroughCliOptions> {
  return parseWithName(argv, WALKTHROUGH_DEFAULTS, WALKTHROUGH_FLAGS);
}
