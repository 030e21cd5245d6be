/**
 * formatBackward / explainBackward: the backward walkthrough printed over traceBackward. Each input
 * that needs a gradient gets one line, the rule in the tensors' labels, the rule with the numbers
 * put in, the result: `∂L/∂d₂ = ∂L/∂out · 3 = 6.9417 × 3 = 20.8251`. The numbers are checked
 * against the steps' tensors, against hand-derived and micrograd's lecture values, and the numbers
 * put in are multiplied out here, independently, to the result they claim.
 */
import { describe, expect, it } from "vitest";
import {
  add, concat, div, explainBackward, formatBackward, linear, maximum, mul, record, tensor, traceBackward, type BackwardStep, type Tensor,
} from "../src/index.js";
import { evaluate, formatNumber, parseFormula, render, ruleParts, substitute, summary, type Formula } from "../src/viz/labels.js";

const f64 = (v: number, name?: string) => tensor(v, { dtype: "float64", requiresGrad: true, ...(name !== undefined && { name }) });

/** micrograd's README expression, with micrograd's variable names on the final values. */
function micrograd() {
  const a = f64(-4, "a");
  const b = f64(2, "b");
  let c = a.add(b);
  let d = a.mul(b).add(b.pow(3));
  c = c.add(c.add(1));
  c = c.add(add(1, c).add(a.neg()));
  d = d.add(d.mul(2).add(b.add(a).relu()));
  const d2 = d;
  d2.name = "d₂";
  d = d.add(mul(3, d).add(b.sub(a).relu()));
  c.name = "c";
  d.name = "d";
  const e = c.sub(d);
  e.name = "e";
  const f = e.pow(2);
  f.name = "f";
  let g = f.div(2.0);
  g = g.add(div(10.0, f));
  g.name = "g";
  return { a, b, c, d, d2, e, f, g };
}

/** micrograd's lecture neuron: o = tanh(x1·w1 + x2·w2 + b), n = 0.8814, o = 1/√2. */
function neuron() {
  const x1 = f64(2, "x1"), x2 = f64(0, "x2"), w1 = f64(-3, "w1"), w2 = f64(1, "w2"), b = f64(6.8813735870195432, "b");
  const p1 = x1.mul(w1), p2 = x2.mul(w2);
  p1.name = "x1·w1";
  p2.name = "x2·w2";
  const sum = p1.add(p2);
  sum.name = "x1·w1 + x2·w2";
  const n = sum.add(b);
  n.name = "n";
  const o = n.tanh();
  o.name = "o";
  return { x1, x2, w1, w2, b, n, o };
}

/** The text split into one block per step ("step k/N …" up to the next blank line). */
function blocks(text: string): string[] {
  return text.split("\n\n").filter((b) => /^step \d+\/\d+ /.test(b));
}

/** A number as printed (4 decimals, or exponent notation) → its value. */
const NUM = String.raw`-?\d+(?:\.\d+)?(?:e-?\d+)?`;
const close = (printed: string, actual: number) => {
  const v = Number(printed);
  expect(Math.abs(v - actual), `${printed} vs ${actual}`).toBeLessThanOrEqual(Math.max(5e-5, 5e-4 * Math.abs(actual)));
};

/** How the walkthrough calls a tensor: its name, an unnamed one-element constant its value, else t<id>. */
const label = (t: Tensor) => t.name ?? (t.isLeaf && !t.requiresGrad && t.size === 1 ? formatNumber(t.item()) : `t${t.id}`);
/** ∂L/∂c, or ∂L/∂(x1·w1) */
const partial = (t: Tensor) => `∂L/∂${/[\s+·]/.test(label(t)) ? `(${label(t)})` : label(t)}`;

/** The gradient lines of a block: "  ∂L/∂x = …" (not the upstream line). */
const gradLines = (block: string) => block.split("\n").filter((l) => l.startsWith("  ∂L/∂") && !l.startsWith("  ∂L/∂out"));

/**
 * The arithmetic of a line's "numbers put in" part, done here without the walkthrough's code:
 * "0.4958 × 2 × (-7)" → −6.9412. Handles × / + − ², Iverson brackets and ½.
 */
function multiplyOut(numbers: string): number {
  const js = numbers
    .replace(/×/g, "*").replace(/−/g, "-").replace(/½/g, "0.5")
    .replace(/²/g, "**2").replace(/³/g, "**3")
    .replace(/\[([^\]]+)\]/g, (_, c: string) => `((${c.replace(/≥/g, ">=").replace(/≤/g, "<=").replace(/(?<![<>=])=(?!=)/g, "===")}) ? 1 : 0)`);
  if (!/^[\d\s.*/+\-()?:<>=]+$/.test(js)) throw new Error(`not arithmetic: ${numbers}`);
  return Function(`return (${js});`)() as number;
}

/** Split "∂L/∂e = ∂L/∂out · 2 · e = 0.4958 × 2 × (-7) = -6.9417" into its parts. */
const sides = (line: string) => line.trim().split(" = ");

describe("formatBackward on micrograd's lecture neuron: every step with its numbers", () => {
  const m = neuron();
  const text = explainBackward(m.o);
  const bs = blocks(text);

  it("reproduces the lecture's gradients", () => {
    expect(m.o.item()).toBeCloseTo(Math.SQRT1_2, 12);
    // ∂o/∂n = 1 − o² = 0.5; ∂o/∂x1 = 0.5·w1, ∂o/∂w1 = 0.5·x1, ∂o/∂x2 = 0.5·w2, ∂o/∂w2 = 0.5·x2
    const grads = [m.x1, m.w1, m.x2, m.w2, m.b].map((t) => t.grad!.item());
    [-1.5, 1, 0.5, 0, 0.5].forEach((v, i) => expect(grads[i]).toBeCloseTo(v, 12));
    expect(text).toMatch(/Accumulated into \.grad by this backward:\n {2}x1\.grad {2}-1\.5\n {2}x2\.grad {2}0\.5\n {2}w1\.grad {2}1\n {2}w2\.grad {2}0\n {2}b\.grad {3}0\.5\n$/);
  });

  it("prints the five steps exactly", () => {
    expect(bs).toEqual([
      "step 1/5  o = tanh(n) = 0.7071\n" +
      "  ∂L/∂out = ∂L/∂o = 1, the seed\n" +
      "  ∂L/∂n = ∂L/∂out · (1 − tanh²(n)) = 1 × (1 − 0.7071²) = 0.5",
      "step 2/5  n = add(x1·w1 + x2·w2, b) = 0.8814\n" +
      "  ∂L/∂out = ∂L/∂n = 0.5, from step 1\n" +
      "  ∂L/∂(x1·w1 + x2·w2) = ∂L/∂out = 0.5\n" +
      "  ∂L/∂b = ∂L/∂out = 0.5\n" +
      "    b.grad so far: 0.5",
      "step 3/5  x1·w1 + x2·w2 = add(x1·w1, x2·w2) = -6\n" +
      "  ∂L/∂out = ∂L/∂(x1·w1 + x2·w2) = 0.5, from step 2\n" +
      "  ∂L/∂(x1·w1) = ∂L/∂out = 0.5\n" +
      "  ∂L/∂(x2·w2) = ∂L/∂out = 0.5",
      "step 4/5  x2·w2 = mul(x2, w2) = 0\n" +
      "  ∂L/∂out = ∂L/∂(x2·w2) = 0.5, from step 3\n" +
      "  ∂L/∂x2 = ∂L/∂out · w2 = 0.5 × 1 = 0.5\n" +
      "    x2.grad so far: 0.5\n" +
      "  ∂L/∂w2 = ∂L/∂out · x2 = 0.5 × 0 = 0\n" +
      "    w2.grad so far: 0",
      "step 5/5  x1·w1 = mul(x1, w1) = -6\n" +
      "  ∂L/∂out = ∂L/∂(x1·w1) = 0.5, from step 3\n" +
      "  ∂L/∂x1 = ∂L/∂out · w1 = 0.5 × (-3) = -1.5\n" +
      "    x1.grad so far: -1.5\n" +
      "  ∂L/∂w1 = ∂L/∂out · x1 = 0.5 × 2 = 1\n" +
      "    w1.grad so far: 1",
    ]);
  });

  it("says what L and ∂L/∂out are in its header", () => {
    const header = text.split("\n\n")[0];
    expect(header).toMatch(/^Backward from o: 5 steps, in the order they ran\. L = o, the tensor backward started from\.\n/);
    expect(header).toContain("∂L/∂out, the gradient of L with respect to that output");
    expect(header).not.toContain("float64"); // a scalar float64 goes without saying
    expect(header.includes("\n\n")).toBe(false); // one block: the playground shows it as one
  });
});

describe("formatBackward on micrograd's expression", () => {
  const m = micrograd();
  const steps = traceBackward(m.g);
  const text = formatBackward(steps);
  const bs = blocks(text);
  const stepOf = (t: Tensor) => steps.findIndex((s) => s.output === t);

  it("prints one block per step, in execution order, each with its op applied to its inputs' labels", () => {
    expect(steps).toHaveLength(25);
    expect(bs).toHaveLength(steps.length);
    bs.forEach((block, i) => {
      const s = steps[i];
      const header = block.split("\n")[0];
      expect(header.startsWith(`step ${i + 1}/25  ${label(s.output)} = ${s.op}(${s.inputs.map(label).join(", ")}) = `)).toBe(true);
      close(new RegExp(`= (${NUM})$`).exec(header)![1], s.output.item());
    });
    expect(bs[stepOf(m.f)].split("\n")[0]).toBe("step 4/25  f = pow(e, 2) = 49");
    expect(bs[1].split("\n")[0]).toMatch(/^step 2\/25 {2}t\d+ = div\(10, f\) = 0\.2041$/); // a constant by its value
  });

  it("writes the upstream gradient as ∂L/∂out, the seed first, and says where it came from", () => {
    expect(text.split("\n")[0]).toBe("Backward from g: 25 steps, in the order they ran. L = g, the tensor backward started from.");
    expect(bs[0].split("\n")[1]).toBe("  ∂L/∂out = ∂L/∂g = 1, the seed");
    bs.forEach((block, i) => {
      const line = block.split("\n")[1];
      expect(line.startsWith(`  ∂L/∂out = ${partial(steps[i].output)} = `)).toBe(true);
      close(new RegExp(`= (${NUM})(?:, from step| ?,)`).exec(line)![1], steps[i].upstream.item());
    });
    expect(bs[stepOf(m.e)].split("\n")[1]).toBe("  ∂L/∂out = ∂L/∂e = -6.9417, from step 4");
  });

  it("never shows the rule's letters: the rule strings stay in traceBackward, the text uses labels", () => {
    expect(steps.find((s) => s.op === "mul")!.rule).toBe("da = g·b, db = g·a"); // API.md's form, unchanged
    for (const s of steps) expect(text).not.toContain(s.rule);
    expect(text).not.toMatch(/\bd[abx] = |(^|\s)[abx]: /m);
    expect(text).not.toContain("upstream"); // the old "g is the upstream gradient" legend is gone
  });

  it("gives each input that needs a gradient one line and constants none", () => {
    bs.forEach((block, i) => {
      const s = steps[i];
      const lines = gradLines(block);
      const needing = s.inputs.filter((x) => x.requiresGrad);
      expect(lines).toHaveLength(needing.length);
      lines.forEach((line, k) => {
        const x = needing[k];
        expect(line.startsWith(`  ${partial(x)} = `), line).toBe(true);
        close(new RegExp(`= (${NUM})$`).exec(line)![1], s.inputGrads[s.inputs.indexOf(x)]!.item());
      });
    });
    // f = e²: only e gets a line; the exponent 2 is a constant
    expect(gradLines(bs[stepOf(m.f)])).toEqual(["  ∂L/∂e = ∂L/∂out · 2 · e = 0.4958 × 2 × (-7) = -6.9417"]);
  });

  it("puts the numbers into each rule: mul, div, pow, sub, relu", () => {
    const lines = text.split("\n");
    const relu = steps.find((s) => s.op === "relu" && s.inputs[0].item() === -2)!;
    for (const expected of [
      "  ∂L/∂d₂ = ∂L/∂out · 3 = 6.9417 × 3 = 20.8251", // mul by a constant: the issue's example
      "  ∂L/∂f = −∂L/∂out · 10 / f² = −1 × 10 / 49² = -0.0042", // 10/f
      "  ∂L/∂f = ∂L/∂out / 2 = 1 / 2 = 0.5", // f/2
      "  ∂L/∂b = ∂L/∂out · 3 · b² = 83.3003 × 3 × 2² = 999.6035", // b³
      "  ∂L/∂d = −∂L/∂out = −(-6.9417) = 6.9417", // c − d
      "  ∂L/∂a = ∂L/∂out · b = 83.3003 × 2 = 166.6006", // a·b
      "  ∂L/∂b = ∂L/∂out · a = 83.3003 × (-4) = -333.2012",
      `  ${partial(relu.inputs[0])} = ∂L/∂out · [${label(relu.inputs[0])} > 0] = 27.7668 × [-2 > 0] = 0`, // relu blocks
      "  ∂L/∂c = ∂L/∂out = -6.9417", // add: nothing to put in
    ]) expect(lines).toContain(expected);
  });

  it("the numbers put in multiply out to the result shown (up to the rounding of what is shown)", () => {
    let checked = 0;
    for (const line of bs.flatMap(gradLines)) {
      const parts = sides(line);
      if (parts.length !== 4) continue; // "∂L/∂c = ∂L/∂out = -6.9417": no arithmetic
      const [, , numbers, result] = parts;
      const v = multiplyOut(numbers);
      expect(Math.abs(v - Number(result)), line).toBeLessThanOrEqual(1e-4 + 2e-4 * Math.abs(Number(result)));
      checked++;
    }
    // 10/f, f/2, e², c − d (for d), the two relus, 3·d₂, d₁·2, b³, a·b (two lines), −a
    expect(checked).toBe(12);
  });

  it("adds up a tensor's contributions and shows the sum where one was used twice", () => {
    expect(bs[stepOf(m.f)].split("\n")[1]).toBe("  ∂L/∂out = ∂L/∂f = -0.0042 + 0.5 = 0.4958, from steps 2 and 3");
    expect(bs[stepOf(m.d2)].split("\n")[1]).toMatch(/^ {2}∂L\/∂out = ∂L\/∂d₂ = 6\.9417 \+ 20\.8251 = 27\.7668, from steps 6 and 10$/);
    // every upstream is the sum of what earlier lines sent to that tensor
    const sent = new Map<Tensor, number>();
    steps.forEach((s, i) => {
      if (i > 0) expect(s.upstream.item()).toBeCloseTo(sent.get(s.output)!, 12);
      s.inputs.forEach((x, j) => { const g = s.inputGrads[j]; if (g) sent.set(x, (sent.get(x) ?? 0) + g.item()); });
    });
  });

  it("keeps the leaves' running .grad totals: the last ones are micrograd's 138.8338 and 645.5773", () => {
    expect(m.a.grad!.item()).toBeCloseTo(138.8338, 4);
    expect(m.b.grad!.item()).toBeCloseTo(645.5773, 4);
    const last = bs[24].split("\n");
    expect(last).toContain("    a.grad so far: 166.6006 − 27.7668 = 138.8338");
    expect(last).toContain("    b.grad so far: 673.344 − 27.7668 = 645.5773");
    // the running totals grow by exactly what each of a's lines receives
    let total = 0, shares = 0;
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      if (!line.startsWith("  ∂L/∂a = ")) return;
      total += Number(/= (\S+)$/.exec(line)![1]);
      shares++;
      close(/ (\S+)$/.exec(lines[i + 1])![1], total); // the running total ends the line
      expect(lines[i + 1]).toMatch(shares === 1 ? /^ {4}a\.grad so far: -6\.9417$/ : /^ {4}a\.grad so far: \S+ [+−] \S+ = \S+$/);
    });
    expect(shares).toBe(5);
    expect(text).toMatch(/Accumulated into \.grad by this backward:\n {2}a\.grad {2}138\.8338\n {2}b\.grad {2}645\.5773\n$/);
  });

  it("explainBackward runs the same backward and prints the same text", () => {
    const fresh = micrograd();
    const ids = (s: string) => s.replace(/t\d+/g, "t#"); // ids differ
    expect(ids(explainBackward(fresh.g))).toBe(ids(text));
    expect(fresh.a.grad!.item()).toBe(m.a.grad!.item()); // it accumulated, as backward does
  });
});

describe("the labels are the user's names, whatever letters the rule uses", () => {
  it("mul(b, a) with tensors named b and a: ∂L/∂b is ∂L/∂out times the tensor a", () => {
    // the rule is "da = g·b, db = g·a": its a is the tensor b and its b the tensor a
    const b = f64(3, "b"), a = f64(2, "a");
    const g = b.mul(a);
    g.name = "g";
    const text = explainBackward(g);
    expect(gradLines(text)).toEqual([
      "  ∂L/∂b = ∂L/∂out · a = 1 × 2 = 2",
      "  ∂L/∂a = ∂L/∂out · b = 1 × 3 = 3",
    ]);
    expect(b.grad!.item()).toBe(2);
    expect(text).toContain("L = g,");
  });

  it("a label of several words is bracketed: ∂L/∂(x1·w1)", () => {
    const x = f64(0.5, "x1"), w = f64(-3, "w1");
    const p = x.mul(w);
    p.name = "x1·w1";
    const text = explainBackward(p.tanh());
    expect(gradLines(text)[0]).toBe("  ∂L/∂(x1·w1) = ∂L/∂out · (1 − tanh²(x1·w1)) = 1 × (1 − (-0.9051)²) = 0.1807");
    expect(1 - Math.tanh(-1.5) ** 2).toBeCloseTo(0.1807, 4);
  });
});

describe("each op's rule with the numbers put in", () => {
  /** The gradient lines of a one-step graph out = op(inputs). */
  const linesOf = (out: Tensor) => gradLines(explainBackward(out));

  it.each([
    ["exp", () => f64(0.5, "x").exp(), ["  ∂L/∂x = ∂L/∂out · e^x = 1 × 1.6487 = 1.6487"]],
    ["log", () => f64(2, "x").log(), ["  ∂L/∂x = ∂L/∂out / x = 1 / 2 = 0.5"]],
    ["sqrt", () => f64(2, "x").sqrt(), ["  ∂L/∂x = ∂L/∂out / (2√x) = 1 / (2 × 1.4142) = 0.3536"]],
    ["sigmoid", () => f64(-1, "z").sigmoid(), ["  ∂L/∂z = ∂L/∂out · σ(z) · (1 − σ(z)) = 1 × 0.2689 × (1 − 0.2689) = 0.1966"]],
    ["tanh of a negative", () => f64(-0.5, "u").tanh(), ["  ∂L/∂u = ∂L/∂out · (1 − tanh²(u)) = 1 × (1 − (-0.4621)²) = 0.7864"]],
    ["leakyRelu", () => f64(-2, "x").leakyRelu(0.1), ["  ∂L/∂x = ∂L/∂out · (x > 0 ? 1 : 0.1) = 1 × (-2 > 0 ? 1 : 0.1) = 0.1"]],
    ["relu at 0, right side", () => f64(0, "x").relu({ atZero: "right" }), ["  ∂L/∂x = ∂L/∂out · [x ≥ 0] = 1 × [0 ≥ 0] = 1"]],
    ["clamp", () => f64(0.5, "x").clamp(-1, 1), ["  ∂L/∂x = ∂L/∂out · [−1 ≤ x ≤ 1] = 1 × [−1 ≤ 0.5 ≤ 1] = 1"]],
    ["maximum at a tie", () => maximum(f64(2, "p"), f64(2, "q")), [
      "  ∂L/∂p = ∂L/∂out · ([p > q] + ½[p = q]) = 1 × ([2 > 2] + ½ × [2 = 2]) = 0.5",
      "  ∂L/∂q = ∂L/∂out · ([q > p] + ½[p = q]) = 1 × ([2 > 2] + ½ × [2 = 2]) = 0.5",
    ]],
    ["div by a constant", () => f64(3, "x").div(4), ["  ∂L/∂x = ∂L/∂out / 4 = 1 / 4 = 0.25"]],
    ["pow of two tensors", () => f64(2, "x").pow(f64(3, "y")), [
      "  ∂L/∂x = ∂L/∂out · y · x^(y − 1) = 1 × 3 × 2^(3 − 1) = 12",
      "  ∂L/∂y = ∂L/∂out · x^y · log x = 1 × 2^3 × 0.6931 = 5.5452",
    ]],
    ["pow by a constant ½", () => f64(4, "x").pow(0.5), ["  ∂L/∂x = ∂L/∂out · 0.5 · x^(-0.5) = 1 × 0.5 × 4^(-0.5) = 0.25"]],
    ["x·x: one line per use", () => { const y = f64(2, "y"); return y.mul(y); }, [
      "  ∂L/∂y = ∂L/∂out · y = 1 × 2 = 2",
      "  ∂L/∂y = ∂L/∂out · y = 1 × 2 = 2",
    ]],
  ])("%s", (_, build, expected) => {
    expect(linesOf(build())).toEqual(expected);
  });

  it("any op's rule, not only those above: π and e are numbers unless an input has that name", () => {
    // erf's rule as an op would write it; the backward sends the true derivative 2/√π·e^(−x²)
    const x = f64(0.7, "x");
    const d = (2 / Math.sqrt(Math.PI)) * Math.exp(-0.49);
    const out = record(tensor(0.6778, { dtype: "float64" }), {
      op: "myErf", rule: "dx = g·(2/√π)·e^(−x²)", inputs: [x], backward: (g) => [mul(g, d)],
    });
    expect(linesOf(out)).toEqual(["  ∂L/∂x = ∂L/∂out · (2 / √π) · e^(−x²) = 1 × (2 / 1.7725) × e^(−0.7²) = 0.6913"]);
    expect(d).toBeCloseTo(0.6913, 4);
    // a tensor named e in exp's rule eˣ: e^e, the exponential of the tensor e
    expect(linesOf(f64(2, "e").exp())).toEqual(["  ∂L/∂e = ∂L/∂out · e^e = 1 × 7.3891 = 7.3891"]);
  });

  it("a float32 graph says so in its header; its numbers are the float32 gradients", () => {
    const x = tensor(0.3, { requiresGrad: true, name: "x" });
    const text = explainBackward(x.tanh());
    expect(text.split("\n")[0]).toMatch(/^Backward from t\d+ \(\[\] float32\): 1 step, /);
    expect(gradLines(text)).toEqual(["  ∂L/∂x = ∂L/∂out · (1 − tanh²(x)) = 1 × (1 − 0.2913²) = 0.9151"]);
  });

  it("shows no numbers where the rule would not give the gradient the op sent", () => {
    const x = f64(5, "x");
    // a rule that lies: it says 3, the backward sends 2·g
    const wrong = record(tensor(10, { dtype: "float64" }), { op: "twice", rule: "dx = g·3", inputs: [x], backward: (g) => [mul(g, 2)] });
    expect(gradLines(explainBackward(wrong))).toEqual(["  ∂L/∂x = ∂L/∂out · 3 = 2"]);
    // prose: the rule as text with the names put in, then the result
    const prose = record(tensor(5, { dtype: "float64" }), { op: "copy", rule: "dx = g copied back", inputs: [x], backward: (g) => [g] });
    expect(gradLines(explainBackward(prose))).toEqual(["  ∂L/∂x = ∂L/∂out copied back = 1"]);
    // no part for this input: the result and the whole rule
    const y = f64(1, "y");
    const odd = record(tensor(6, { dtype: "float64" }), { op: "odd", rule: "dq = g", inputs: [x, y], backward: (g) => [g, g] });
    expect(gradLines(explainBackward(odd))[0]).toBe("  ∂L/∂x = 1   (rule: dq = g)");
  });
});

describe("formatBackward on a small MLP: bigger tensors", () => {
  // x [4, 3] (data), W1 [3, 5], b1 [5], W2 [5, 1]: loss = mean((relu(x·W1 + b1)·W2 − y)²)
  function mlp() {
    const x = tensor([[1, -2, 0.5], [0.3, 0.8, -1], [-1.5, 0.2, 2], [0.7, 0.7, 0.7]], { name: "x" });
    const y = tensor([[1], [0], [-1], [2]], { name: "y" });
    const W1 = tensor([[0.2, -0.5, 1.0, 0.3, -0.8], [0.7, 0.1, -0.3, 0.5, 0.2], [-0.4, 0.9, 0.6, -0.2, 0.1]], { requiresGrad: true, name: "W1" });
    const b1 = tensor([0.1, -0.2, 0.05, 0, 0.3], { requiresGrad: true, name: "b1" });
    const W2 = tensor([[1], [-2], [0.5], [3], [-1]], { requiresGrad: true, name: "W2" });
    const h = x.matmul(W1).add(b1).relu();
    const loss = h.matmul(W2).sub(y).square().mean();
    return { x, W1, b1, W2, h, loss };
  }

  it("shows the rule in labels and the result, and the inputs' values; summarises big tensors", () => {
    const net = mlp();
    const steps = traceBackward(net.loss);
    const text = formatBackward(steps, { maxElements: 5 });
    expect(blocks(text)).toHaveLength(steps.length);
    expect(steps.map((s) => s.op)).toEqual(["mean", "square", "sub", "matmul", "relu", "add", "matmul"]);
    expect(text.split("\n")[0]).toContain("Backward from t"); // unnamed loss
    expect(text.split("\n")[0]).toContain("([] float32)");
    // the first matmul: the data x needs no gradient, W1 gets xᵀ·∂L/∂out; both values are shown
    const last = blocks(text).pop()!;
    const w1 = net.W1.grad!;
    expect(last).toContain("\n  x = [4, 3] [1, -2, 0.5, 0.3, 0.8, … +7 more]\n");
    expect(last).toContain("\n  W1 = [3, 5] [0.2, -0.5, 1, 0.3, -0.8, … +10 more]\n");
    expect(gradLines(last)).toEqual([`  ∂L/∂W1 = xᵀ · ∂L/∂out = ${summary(w1, 5, 4)}`]);
    expect(last).toContain(`    W1.grad so far: [3, 5] [${Array.from(w1.data.subarray(0, 5), (v) => formatNumber(v)).join(", ")}, … +10 more]`);
    // b1 [5] fits: all five values
    expect(text).toContain("\n  b1 = [5] [0.1, -0.2, 0.05, 0, 0.3]\n");
    // relu on a matrix: the rule in labels
    const relu = steps.find((s) => s.op === "relu")!;
    expect(text).toContain(`  ∂L/∂t${relu.inputs[0].id} = ∂L/∂out · [t${relu.inputs[0].id} > 0] = ${summary(relu.inputGrads[0]!, 5, 4)}`);
    // every upstream has the shape of its step's output
    blocks(text).forEach((b, i) => {
      const up = b.split("\n")[1];
      if (steps[i].upstream.size > 1) expect(up).toContain(` = [${steps[i].output.shape.join(", ")}] `);
    });
    expect(text).toMatch(/Accumulated into \.grad by this backward:\n {2}W1\.grad {2}\[3, 5\] /);
  });

  it("nests small matrices by rows", () => {
    const net = mlp();
    const text = formatBackward(traceBackward(net.loss), { maxElements: 100 });
    expect(text).toContain("W2 = [5, 1] [[1], [-2], [0.5], [3], [-1]]");
    expect(text).toContain("x = [4, 3] [[1, -2, 0.5], [0.3, 0.8, -1], [-1.5, 0.2, 2], [0.7, 0.7, 0.7]]");
  });

  it("concat's rule for every input alike (dxᵢ) is written for each input; linear's rows sum stays prose", () => {
    const p = f64(1, "p"), q = f64(2, "q");
    const text = explainBackward(concat([p.reshape([1]), q.reshape([1])]).sum());
    const cat = traceBackward(concat([f64(1).reshape([1]), f64(2).reshape([1])]).sum())[1];
    expect(cat.rule).toBe("dxᵢ = the slice of g where xᵢ was placed");
    expect(text).toMatch(/∂L\/∂t\d+ = the slice of ∂L\/∂out where t\d+ was placed = 1\n/);
    const x = tensor([[1, 2]], { name: "x" }), W = tensor([[3, 4]], { requiresGrad: true, name: "W" }), b = tensor([5], { requiresGrad: true, name: "b" });
    const lin = explainBackward(linear(x, W, b).sum());
    expect(lin).toContain("  ∂L/∂W = (∂L/∂out)ᵀ · x = [1, 2] [[1, 2]]");
    expect(lin).toContain("  ∂L/∂b = Σ_rows ∂L/∂out = 1");
  });
});

describe("formatBackward options and edge cases", () => {
  it("digits sets the decimals, in the header too; unknown options and bad values throw", () => {
    const x = f64(1 / 3, "x");
    const steps = traceBackward(x.mul(3).exp());
    const two = formatBackward(steps, { digits: 2 });
    expect(two).toContain("∂L/∂x = ∂L/∂out · 3 = 2.72 × 3 = 8.15");
    expect(two).toContain("(2 decimals)");
    expect(formatBackward(steps)).toContain("∂L/∂x = ∂L/∂out · 3 = 2.7183 × 3 = 8.1548");
    expect(() => formatBackward(steps, { digit: 2 } as never)).toThrow(/formatBackward.*digit/);
    expect(() => formatBackward(steps, { maxElements: -1 })).toThrow(/maxElements/);
  });

  it("explainBackward takes a seed, or options in its place", () => {
    const x = tensor([1, 2], { dtype: "float64", requiresGrad: true, name: "x" });
    const y = x.mul(3);
    y.name = "y";
    const text = explainBackward(y, tensor([1, -1], { dtype: "float64" }));
    expect(text).toContain("  ∂L/∂out = ∂L/∂y = [2] [1, -1], the seed");
    expect(text).toContain("Backward from y ([2] float64)");
    expect(text).toContain("  x = [2] [1, 2]");
    expect(text).toContain("  ∂L/∂x = ∂L/∂out · 3 = [2] [3, -3]");
    expect(Array.from(x.grad!.data)).toEqual([3, -3]);
    const z = f64(2, "z");
    expect(explainBackward(z.mul(z), { digits: 1 })).toMatch(/^ {4}z\.grad so far: 2 \+ 2 = 4$/m);
    expect(() => explainBackward(z.mul(z), { digits: 1 }, { digits: 2 })).toThrow(/seed must be a Tensor/);
  });

  it("says so when there is nothing to walk through", () => {
    const steps: BackwardStep[] = [];
    expect(formatBackward(steps)).toMatch(/No backward steps/);
  });
});

describe("reading rules (labels.ts)", () => {
  const names = (entries: [string, Formula][]) => new Map(entries);
  const lab = (text: string, v: number): Formula => ({ k: "label", text, v });
  const n4 = (v: number) => formatNumber(v);

  it("splits a rule into one part per input, a comma inside a formula kept", () => {
    expect(ruleParts("da = g·b, db = g·a")).toEqual([{ name: "a", rhs: "g·b" }, { name: "b", rhs: "g·a" }]);
    expect(ruleParts("dx = g·σ(1·x), or g where 1·x > 20")).toEqual([{ name: "x", rhs: "g·σ(1·x), or g where 1·x > 20" }]);
    expect(ruleParts("dz = g·(lw·σ(z) − p·t), dt = g·z, lw = 1 + (p − 1)·t").map((p) => p.name)).toEqual(["z", "t"]);
  });

  it("folds a constant operand into the rule: pow's a^(b−1) with b = 2 is a, with b = 3 a²", () => {
    const rule = parseFormula("g·b·a^(b−1)")!;
    const g: Formula = { k: "label", text: "∂L/∂out", v: 0.5 };
    const two = substitute(rule, names([["g", g], ["a", lab("e", -7)], ["b", { k: "num", v: 2 }]]));
    expect(render(two, "symbols", n4)).toBe("(∂L/∂out) · 2 · e"); // a plain label: brackets only when not bare
    expect(evaluate(two)).toBe(-7);
    const three = substitute(rule, names([["g", { k: "label", text: "∂L/∂out", v: 0.5, bare: true }], ["a", lab("b", 2)], ["b", { k: "num", v: 3 }]]));
    expect(render(three, "symbols", n4)).toBe("∂L/∂out · 3 · b²");
    expect(render(three, "numbers", n4)).toBe("0.5 × 3 × 2²");
    expect(evaluate(three)).toBe(6);
  });

  it("does not read prose, and gives no value for a name it does not know", () => {
    expect(parseFormula("g placed at the slice, 0 elsewhere")).toBeNull();
    expect(parseFormula("g/2 broadcast back over the averaged axes")).toBeNull();
    expect(parseFormula("gather(g′)")).toBeNull();
    expect(evaluate(parseFormula("g·[cond]")!)).toBeNull();
  });
});

describe("the label helpers", () => {
  it("formatNumber: up to 4 decimals, exponent for tiny and huge", () => {
    expect(formatNumber(138.83381)).toBe("138.8338");
    expect(formatNumber(16)).toBe("16");
    expect(formatNumber(Math.fround(0.1))).toBe("0.1");
    expect(formatNumber(-0)).toBe("0");
    expect(formatNumber(-0.00004)).toBe("-4e-5"); // fixed decimals would print 0
    expect(formatNumber(-5.7787e-5)).toBe("-5.779e-5");
    expect(formatNumber(2.5e7)).toBe("2.5e7");
    expect(formatNumber(NaN)).toBe("nan");
    expect(formatNumber(-Infinity)).toBe("-inf");
    expect(formatNumber(0.123456, 2)).toBe("0.12");
  });

  it("each op names its inputs as its rule does (OpRecord.inputNames), not by parsing the rule", () => {
    const x = tensor([[1, 2]], { requiresGrad: true }), W = tensor([[3, 4]], { requiresGrad: true });
    const names = (t: Tensor) => t._node!.inputNames;
    expect(names(linear(x, W))).toEqual(["x", "W"]); // no bias: was "input 0", "input 1"
    expect(names(linear(x, W, tensor([5], { requiresGrad: true })))).toEqual(["x", "W", "b"]);
    expect(names(x.matmul(W.T))).toEqual(["A", "B"]);
    expect(names(x.mul(W))).toEqual(["a", "b"]);
    expect(names(x.exp())).toEqual(["x"]);
    expect(names(concat([x, W, x], 0))).toEqual(["x₀", "x₁", "x₂"]);
    const steps = traceBackward(linear(x, W).sum());
    expect(steps.find((s) => s.op === "linear")!.inputNames).toEqual(["x", "W"]);
    expect(() => record(tensor([1]), { op: "mine", rule: "dx = g", inputs: [x], inputNames: ["x", "y"], backward: (g) => [g] }))
      .toThrow("record: mine has 1 input(s) but 2 inputNames");
  });

  it("summary: a number for one element, [shape] values otherwise", () => {
    expect(summary(tensor([[2.5]]), 6, 4)).toBe("2.5");
    expect(summary(tensor([1, 2, 3]), 6, 4)).toBe("[3] [1, 2, 3]");
    expect(summary(tensor([1, 2, 3, 4, 5, 6, 7]), 3, 4)).toBe("[7] [1, 2, 3, … +4 more]");
    expect(summary(tensor([[1, 2], [3, 4]]), 6, 4)).toBe("[2, 2] [[1, 2], [3, 4]]");
  });
});
