import { describe, expect, it } from "vitest";
import { micrograd } from "./helpers.js";
import { Tensor, tensor, toDot, traceBackward, type BackwardStep } from "../src/index.js";

const f64 = (v: number | number[] | number[][], opts: { requiresGrad?: boolean; name?: string } = {}) =>
  tensor(v, { dtype: "float64", requiresGrad: opts.requiresGrad ?? true, ...(opts.name !== undefined && { name: opts.name }) });
const arr = (t: Tensor | null) => {
  if (t === null) throw new Error("expected a tensor, got null");
  return Array.from(t.data);
};

/** DOT node lines (`tN [label=...]`) and edge lines (`tA -> tB;`). */
const nodeLines = (dot: string) => dot.split("\n").filter((l) => /^\s*t\d+ \[label=/.test(l));
const edgeLines = (dot: string) => dot.split("\n").filter((l) => /^\s*t\d+ -> t\d+;\s*$/.test(l));
const labelOf = (dot: string, t: Tensor) => {
  const line = dot.split("\n").find((l) => l.trim().startsWith(`t${t.id} [label=`));
  if (!line) throw new Error(`no node line for tensor ${t.id}`);
  return /label="((?:[^"\\]|\\.)*)"/.exec(line)![1];
};
const balanced = (dot: string) => {
  let depth = 0, inString = false;
  for (let i = 0; i < dot.length; i++) {
    const ch = dot[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}") {
      depth--;
      if (depth < 0) return false;
    }
  }
  return depth === 0 && !inString;
};

/** a = 2, b = −3: c = a·b = −6, d = c + a = −4, L = d·d = 16. */
function small() {
  const a = f64(2, { name: "a" });
  const b = f64(-3, { name: "b" });
  const c = a.mul(b);
  const d = c.add(a);
  const L = d.mul(d);
  return { a, b, c, d, L };
}

/** micrograd's README expression (float64); g = 24.7041, a.grad = 138.8338, b.grad = 645.5773. */

describe("toDot", () => {
  it("is valid DOT with one node per tensor and one edge per input use", () => {
    const { a, b, c, d, L } = small();
    const dot = toDot(L);
    expect(dot.startsWith("digraph")).toBe(true);
    expect(balanced(dot)).toBe(true);
    expect(dot.trimEnd().endsWith("}")).toBe(true);
    const nodes = nodeLines(dot);
    expect(nodes).toHaveLength(5);
    for (const t of [a, b, c, d, L]) expect(labelOf(dot, t)).toBeTruthy();
    const edges = edgeLines(dot).map((l) => l.trim()).sort();
    const e = (x: Tensor, y: Tensor) => `t${x.id} -> t${y.id};`;
    expect(edges).toEqual([e(a, c), e(b, c), e(c, d), e(a, d), e(d, L), e(d, L)].sort()); // d·d: two uses
  });

  it("labels show op names and leaf names; shape and dtype only where they are not a scalar float64", () => {
    const { a, b, c, d, L } = small();
    const dot = toDot(L);
    expect(labelOf(dot, c)).toMatch(/^mul/);
    expect(labelOf(dot, d)).toMatch(/^add/);
    expect(labelOf(dot, L)).toMatch(/^mul/);
    expect(labelOf(dot, a)).toBe("a"); // no "shape [] float64": every node of a scalar graph would repeat it
    expect(labelOf(dot, b)).toBe("b");
    expect(labelOf(dot, c)).toBe("mul");
    expect(dot).not.toContain("float64");
    // any other shape or dtype is shown
    const v = tensor([1, 2], { dtype: "float64", requiresGrad: true, name: "v" });
    const s32 = tensor(3, { requiresGrad: true, name: "s" }); // float32 scalar
    const y = v.sum().mul(s32); // float32 with float64 gives float64
    const typed = toDot(y);
    expect(labelOf(typed, v)).toBe("v\\n[2] float64");
    expect(labelOf(typed, s32)).toBe("s\\n[] float32");
    expect(labelOf(typed, y)).toBe("mul"); // a scalar float64 again
  });

  it("shows values and grads only when asked", () => {
    const { a, b, c, L } = small();
    const plain = toDot(L);
    expect(plain).not.toMatch(/value/);
    expect(plain).not.toMatch(/grad /);
    const withValues = toDot(L, { values: true });
    expect(labelOf(withValues, c)).toMatch(/value -6\b/);
    expect(labelOf(withValues, L)).toMatch(/value 16\b/);
    expect(withValues).not.toMatch(/grad /);
    // no gradients yet: nothing to show even when asked
    expect(toDot(L, { grads: true })).not.toMatch(/grad /);
    L.backward(); // dL/dd = 2d = −8; a.grad = −8·b + −8 = 16, b.grad = −8·a = −16
    expect(a.grad!.item()).toBe(16);
    expect(b.grad!.item()).toBe(-16);
    const withGrads = toDot(L, { grads: true });
    expect(labelOf(withGrads, a)).toMatch(/grad 16\b/);
    expect(labelOf(withGrads, b)).toMatch(/grad -16\b/);
    expect(labelOf(withGrads, c)).not.toMatch(/grad/); // non-leaf, no retained grad
    expect(withGrads).not.toMatch(/value/);
    expect(() => toDot(L, { value: true } as never)).toThrow(/toDot.*value/);
  });

  it("includes constants (tensors not requiring grad) as nodes", () => {
    const x = f64([1, 2], { name: "x" });
    const k = tensor([3, 4], { dtype: "float64", name: "k" });
    const y = x.mul(k).sum();
    const dot = toDot(y);
    expect(nodeLines(dot)).toHaveLength(4);
    expect(edgeLines(dot)).toHaveLength(3);
    expect(labelOf(dot, k)).toMatch(/^k/);
    expect(labelOf(dot, y)).toMatch(/^sum/);
    expect(labelOf(toDot(y, { values: true }), k)).toContain("value [3, 4]");
  });

  it("summarises long values", () => {
    const x = tensor(new Float64Array(20).map((_, i) => i), { requiresGrad: true });
    const dot = toDot(x.mul(2).sum(), { values: true, maxElements: 3 });
    expect(labelOf(dot, x)).toContain("value [0, 1, 2, … (20)]");
  });
});

describe("traceBackward", () => {
  it("reports one step per op, last op first, with rule, upstream and input gradients", () => {
    const { a, b, c, d, L } = small();
    const steps = traceBackward(L);
    expect(steps.map((s) => s.op)).toEqual(["mul", "add", "mul"]);
    expect(steps.map((s) => s.output)).toEqual([L, d, c]);
    for (const s of steps) {
      expect(typeof s.rule).toBe("string");
      expect(s.rule.length).toBeGreaterThan(0);
      expect(s.inputGrads).toHaveLength(s.inputs.length);
    }
    expect(steps[0].rule).toMatch(/g/);
    const [s0, s1, s2] = steps;
    expect(s0.upstream.item()).toBe(1);
    expect(s0.inputs).toEqual([d, d]);
    expect(s0.inputGrads.map((g) => g!.item())).toEqual([-4, -4]); // g·d each
    expect(s1.upstream.item()).toBe(-8); // both uses summed
    expect(s1.inputs).toEqual([c, a]);
    expect(s1.inputGrads.map((g) => g!.item())).toEqual([-8, -8]);
    expect(s2.upstream.item()).toBe(-8);
    expect(s2.inputs).toEqual([a, b]);
    expect(s2.inputGrads.map((g) => g!.item())).toEqual([24, -16]); // g·b, g·a
    // accumulated into .grad as backward does
    expect(a.grad!.item()).toBe(16);
    expect(b.grad!.item()).toBe(-16);
    expect(c.grad).toBeNull();
  });

  it("inputGrads is null for inputs that need no gradient", () => {
    const x = f64([1, 2]);
    const k = tensor([3, 4], { dtype: "float64" });
    const steps = traceBackward(x.mul(k).mul(5).sum());
    expect(steps.map((s) => s.op)).toEqual(["sum", "mul", "mul"]);
    const [sum, byFive, byK] = steps;
    expect(sum.inputGrads.map(arr)).toEqual([[1, 1]]);
    expect(byFive.inputGrads[1]).toBeNull(); // the weak scalar 5
    expect(arr(byFive.inputGrads[0])).toEqual([5, 5]);
    expect(byK.inputs[1]).toBe(k);
    expect(byK.inputGrads[1]).toBeNull();
    expect(arr(byK.inputGrads[0])).toEqual([15, 20]);
    expect(arr(x.grad)).toEqual([15, 20]);
  });

  it("on micrograd's expression: runs in reverse topological order and accumulates exactly as backward", () => {
    const m1 = micrograd();
    const steps = traceBackward(m1.g);
    const m2 = micrograd();
    m2.g.backward();
    expect(m1.a.grad!.item()).toBeCloseTo(138.8338, 4);
    expect(m1.b.grad!.item()).toBeCloseTo(645.5773, 4);
    expect(m1.a.grad!.item()).toBe(m2.a.grad!.item());
    expect(m1.b.grad!.item()).toBe(m2.b.grad!.item());

    expect(steps[0].output).toBe(m1.g);
    expect(steps[0].op).toBe("add"); // g += 10/f was the last op
    expect(steps[0].upstream.item()).toBe(1);
    // every op result that requires grad appears exactly once, after all of its consumers
    const position = new Map<Tensor, number>(steps.map((s, i) => [s.output, i]));
    expect(position.size).toBe(steps.length);
    steps.forEach((s, i) => {
      for (const x of s.inputs) if (!x.isLeaf && x.requiresGrad) expect(position.get(x)!).toBeGreaterThan(i);
    });
    // the upstream of each step is the sum of the input gradients that its consumers sent
    const sent = new Map<Tensor, number>();
    steps.forEach((s) => {
      if (s.output !== m1.g) expect(s.upstream.item()).toBeCloseTo(sent.get(s.output)!, 9);
      s.inputs.forEach((x, j) => {
        const gx = s.inputGrads[j];
        if (gx) sent.set(x, (sent.get(x) ?? 0) + gx.item());
      });
    });
    expect(sent.get(m1.a)).toBeCloseTo(m1.a.grad!.item(), 9);
    expect(sent.get(m1.b)).toBeCloseTo(m1.b.grad!.item(), 9);
    expect(steps.some((s) => s.op === "relu")).toBe(true);
    expect(steps.some((s) => s.op === "pow")).toBe(true);

    // a second trace accumulates again, as a second backward would
    traceBackward(m1.g);
    expect(m1.a.grad!.item()).toBeCloseTo(2 * m2.a.grad!.item(), 9);
  });

  it("honours a seed and rejects a missing one for non-scalar outputs", () => {
    const x = f64([1, 2]);
    const y = x.mul(3);
    expect(() => traceBackward(y)).toThrow(/backward.*\[2\]/);
    const steps = traceBackward(y, tensor([1, -1], { dtype: "float64" }));
    expect(steps).toHaveLength(1);
    expect(arr(steps[0].upstream)).toEqual([1, -1]);
    expect(arr(x.grad)).toEqual([3, -3]);
  });
});

describe("an MLP-like expression (matmul + add + relu + sum)", () => {
  // x [4, 3] (data), W1 [3, 5], b1 [5], W2 [5, 1]: out = Σ relu(x·W1 + b1)·W2
  const X = [[1, -2, 0.5], [0.3, 0.8, -1], [-1.5, 0.2, 2], [0.7, 0.7, 0.7]];
  const W1v = [[0.2, -0.5, 1.0, 0.3, -0.8], [0.7, 0.1, -0.3, 0.5, 0.2], [-0.4, 0.9, 0.6, -0.2, 0.1]];
  const b1v = [0.1, -0.2, 0.05, 0, 0.3];
  const W2v = [[1], [-2], [0.5], [3], [-1]];

  function build() {
    const x = tensor(X, { dtype: "float64", name: "x" });
    const W1 = f64(W1v, { name: "W1" });
    const b1 = f64(b1v, { name: "b1" });
    const W2 = f64(W2v, { name: "W2" });
    const pre = x.matmul(W1).add(b1);
    const h = pre.relu();
    const out = h.matmul(W2).sum();
    return { x, W1, b1, W2, pre, h, out };
  }

  /** Hand-computed forward and gradients. */
  function byHand() {
    const pre = X.map((row) => b1v.map((b, j) => b + row.reduce((s, xk, k) => s + xk * W1v[k][j], 0)));
    const h = pre.map((row) => row.map((v) => Math.max(v, 0)));
    const out = h.reduce((s, row) => s + row.reduce((t, v, j) => t + v * W2v[j][0], 0), 0);
    const dW2 = W2v.map((_, j) => h.reduce((s, row) => s + row[j], 0));
    const dPre = pre.map((row) => row.map((v, j) => (v > 0 ? W2v[j][0] : 0)));
    const db1 = b1v.map((_, j) => dPre.reduce((s, row) => s + row[j], 0));
    const dW1 = W1v.map((row, k) => row.map((_, j) => X.reduce((s, xr, i) => s + xr[k] * dPre[i][j], 0)));
    return { out, dW2, db1, dW1 };
  }

  it("toDot draws every op and parameter", () => {
    const { x, W1, b1, W2, out } = build();
    const dot = toDot(out);
    expect(balanced(dot)).toBe(true);
    expect(nodeLines(dot)).toHaveLength(9); // x, W1, b1, W2, matmul, add, relu, matmul, sum
    expect(edgeLines(dot)).toHaveLength(8);
    for (const op of ["matmul", "add", "relu", "sum"]) expect(dot).toContain(`label="${op}`);
    for (const t of [x, W1, b1, W2]) expect(labelOf(dot, t)).toMatch(new RegExp(`^${t.name}`));
    expect(labelOf(dot, W1)).toContain("[3, 5] float64");
    expect(labelOf(dot, out)).toBe("sum"); // a scalar float64: no shape line
  });

  it("traceBackward steps and gradients match a hand computation and a fresh backward", () => {
    const ref = byHand();
    const net = build();
    expect(net.out.item()).toBeCloseTo(ref.out, 12);
    const steps: BackwardStep[] = traceBackward(net.out);
    expect(steps.map((s) => s.op)).toEqual(["sum", "matmul", "relu", "add", "matmul"]);
    expect(steps[1].rule).toMatch(/ᵀ/);
    const relu = steps[2];
    expect(relu.output).toBe(net.h);
    expect(relu.inputs).toEqual([net.pre]);
    expect(relu.upstream.shape).toEqual([4, 5]);
    expect(relu.inputGrads[0]!.shape).toEqual([4, 5]);
    const firstMatmul = steps[4];
    expect(firstMatmul.inputs[0]).toBe(net.x);
    expect(firstMatmul.inputGrads[0]).toBeNull(); // data needs no gradient
    expect(firstMatmul.inputGrads[1]!.shape).toEqual([3, 5]);

    expect(arr(net.W2.grad).map((v, i) => v - ref.dW2[i]).every((e) => Math.abs(e) < 1e-12)).toBe(true);
    expect(arr(net.b1.grad).map((v, i) => v - ref.db1[i]).every((e) => Math.abs(e) < 1e-12)).toBe(true);
    expect(arr(net.W1.grad).map((v, i) => v - ref.dW1[Math.floor(i / 5)][i % 5]).every((e) => Math.abs(e) < 1e-12)).toBe(true);
    expect(net.x.grad).toBeNull();

    const fresh = build();
    fresh.out.backward();
    expect(arr(net.W1.grad)).toEqual(arr(fresh.W1.grad));
    expect(arr(net.b1.grad)).toEqual(arr(fresh.b1.grad));
    expect(arr(net.W2.grad)).toEqual(arr(fresh.W2.grad));
  });
});

describe("toDot options for pictures", () => {
  /** The attribute list of the node line of t. */
  const nodeLine = (dot: string, t: Tensor) => dot.split("\n").find((l) => l.trim().startsWith(`t${t.id} [label=`))!;
  /** Edge lines with attributes: `tA -> tB [headlabel="a", headport=nw];` */
  const labelledEdges = (dot: string) => dot.split("\n").filter((l) => /^\s*t\d+ -> t\d+ \[/.test(l)).map((l) => l.trim());

  it("ids names every tensor as the walkthrough does: by name, by t<id>, a one-element constant by its value", () => {
    const { a, b, c, L } = small();
    c.name = "c";
    const plain = toDot(L);
    expect(labelOf(plain, c)).toBe("c = mul");
    expect(labelOf(plain, L)).toBe("mul");
    const ids = toDot(L, { ids: true });
    // each op result says what it computed from what: the order of the inputs is the op's
    expect(labelOf(ids, c)).toBe("c = mul(a, b)");
    expect(labelOf(ids, L)).toBe(`t${L.id} = mul(t${L._node!.inputs[0].id}, t${L._node!.inputs[1].id})`);
    expect(labelOf(ids, a)).toBe("a");
    const k = tensor(2, { dtype: "float64" });
    const y = b.div(k);
    const withK = toDot(y, { ids: true, values: true });
    expect(labelOf(withK, k)).toBe("2"); // the number itself, no "value" line
    expect(labelOf(withK, y)).toBe(`t${y.id} = div(b, 2)\\nvalue -1.5`);
    expect(nodeLine(withK, k)).toContain("width=0.35"); // drawn small
    expect(labelOf(toDot(y), k)).toBe("constant");
    // a constant of several elements keeps an id
    const K = tensor([3, 4], { dtype: "float64" });
    const z = b.mul(K).sum();
    expect(labelOf(toDot(z, { ids: true }), K)).toBe(`t${K.id} (constant)\\n[2] float64`);
  });

  it("with traceBackward's steps, grads shows every op result's gradient", () => {
    const { a, b, c, d, L } = small();
    const steps = traceBackward(L);
    expect(labelOf(toDot(L, { grads: true }), c)).not.toMatch(/grad/); // .grad only on leaves
    const dot = toDot(L, { grads: true, steps });
    expect(labelOf(dot, L)).toMatch(/grad 1$/);
    expect(labelOf(dot, d)).toMatch(/grad -8$/);
    expect(labelOf(dot, c)).toMatch(/grad -8$/);
    expect(labelOf(dot, a)).toMatch(/grad 16$/);
    expect(labelOf(dot, b)).toMatch(/grad -16$/);
    expect(toDot(L, { steps })).not.toMatch(/grad/); // steps alone show nothing
  });

  it("inputLabels marks each input of a multi-input op with its letter in the rule", () => {
    const x = f64(5, { name: "x" });
    const y = f64(3, { name: "y" });
    const diff = x.sub(y);
    const q = diff.div(x);
    const out = q.neg();
    const dot = toDot(out, { inputLabels: true, rankdir: "LR" });
    expect(balanced(dot)).toBe(true);
    const edges = labelledEdges(dot);
    expect(edges).toEqual([
      `t${x.id} -> t${diff.id} [headlabel="a", headport=nw];`,
      `t${y.id} -> t${diff.id} [headlabel="b", headport=sw];`,
      `t${diff.id} -> t${q.id} [headlabel="a", headport=nw];`,
      `t${x.id} -> t${q.id} [headlabel="b", headport=sw];`,
    ]);
    expect(dot).toContain(`t${q.id} -> t${out.id};`); // one input: no letter
    expect(labelledEdges(toDot(out))).toEqual([]); // off by default

    const A = tensor([[1, 2]], { requiresGrad: true });
    const B = tensor([[3], [4]], { requiresGrad: true });
    const AB = A.matmul(B);
    const tb = labelledEdges(toDot(AB, { inputLabels: true })); // top to bottom, the default
    expect(tb).toEqual([`t${A.id} -> t${AB.id} [headlabel="A", headport=nw];`, `t${B.id} -> t${AB.id} [headlabel="B", headport=ne];`]);
  });

  it("title, rules, digits, fontname and rankdir (top to bottom by default)", () => {
    const x = f64(1 / 3, { name: "x" });
    const y = x.mul(x);
    const dot = toDot(y, { title: 'y = x·x, "squared"', rules: true, values: true, digits: 2, fontname: "DejaVu Sans", rankdir: "LR" });
    expect(balanced(dot)).toBe(true);
    expect(dot).toContain('label="y = x·x, \\"squared\\""; labelloc=t;');
    // the rule as the walkthrough writes it, in the tensors' names; x·x: one line for both uses
    expect(labelOf(dot, y)).toBe("mul\\n∂L/∂x = ∂L/∂out · x\\nvalue 0.11");
    expect(labelOf(dot, x)).toBe("x\\nvalue 0.33");
    expect(dot).toContain('node [fontname="DejaVu Sans"');
    expect(dot).toContain("rankdir=LR;");
    expect(toDot(y)).toContain("rankdir=TB;");
    expect(toDot(y)).toContain('fontname="Helvetica"');
    expect(toDot(y)).not.toMatch(/labelloc/);
    expect(() => toDot(y, { rankdir: "RL" as never })).toThrow(/rankdir/);
    // pow by a constant: only the base has a rule line, with the exponent put in
    const e = f64(-7, { name: "e" });
    const f = e.pow(2);
    f.name = "f";
    expect(labelOf(toDot(f, { rules: true, ids: true }), f)).toBe("f = pow(e, 2)\\n∂L/∂e = ∂L/∂out · 2 · e");
  });

  it("prints a small matrix one row per line, columns and bigger tensors flat", () => {
    const W = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true, name: "W" });
    const v = tensor([[1], [2], [3]], { requiresGrad: true, name: "v" });
    const out = W.matmul(v).sum();
    const dot = toDot(out, { values: true });
    expect(labelOf(dot, W)).toContain("value [[1, 2, 3],\\n[4, 5, 6]]");
    expect(labelOf(dot, v)).toContain("value [1, 2, 3]");
    expect(labelOf(toDot(out, { values: true, maxElements: 4 }), W)).toContain("value [1, 2, 3, 4, … (6)]");
  });

  it("outlines the output, colours parameters and constants apart", () => {
    const x = f64([1, 2], { name: "x" });
    const k = tensor([3, 4], { dtype: "float64", name: "k" });
    const prod = x.mul(k);
    const y = prod.sum();
    const dot = toDot(y);
    expect(nodeLine(dot, y)).toContain("penwidth=2");
    expect(nodeLine(dot, prod)).not.toContain("penwidth");
    expect(nodeLine(dot, prod)).toContain("shape=box");
    expect(nodeLine(dot, x)).toContain("shape=ellipse");
    const fill = (t: Tensor) => /fillcolor="([^"]+)"/.exec(nodeLine(dot, t))![1];
    expect(new Set([fill(y), fill(prod), fill(x), fill(k)]).size).toBe(4);
  });
});
