/**
 * One input's part of an op's backward rule, in the tensors' own labels: the rule's `g` becomes
 * `∂L/∂out`, its letters the labels of the inputs (and a one-element constant its number), so
 * `pow(e, 2)`'s "da = g·b·a^(b−1), db = …" gives `∂L/∂out · 2 · e` for e. The walkthrough and the
 * graph's `rules` option both show rules this way. formula.ts says how a rule is read.
 */
import type { Tensor } from "../tensor.js";
import { needsBrackets, parseFormula, render, renderText, ruleParts, substitute, type Formula } from "./formula.js";
import { isNumberConstant } from "./labels.js";

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
