/**
 * `pnpm graph` and `pnpm walkthrough`: every named expression renders with Graphviz to valid SVG
 * with one node per tensor, and its default picture fits a page (≤ 1600 px wide, read from the
 * PNG's header) with its text at full size; the command line writes the DOT, SVG and PNG files,
 * lists the expressions and rejects a bad name; the walkthrough prints the neuron's and
 * micrograd's numbers, the same on both kernel backends.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explainBackward } from "@backprop/core";
import { graphHelp, GRAPH_DEFAULTS, parseGraphArgs, parseWalkthroughArgs, UsageError, walkthroughHelp } from "../graph/args.js";
import { EXPRESSION_NAMES, EXPRESSIONS } from "../graph/expressions.js";
import { dotToSvg, expressionDot, pngScale } from "../graph/render.js";
import { PAGE_WIDTH_PX, svgToPng } from "../shared/figure.js";

const ROOT = resolve(import.meta.dirname, "../..");
const EXAMPLES = join(ROOT, "examples");

interface Run { status: number | null; stdout: string; stderr: string }

/** Run an example script as `pnpm NAME` would (node + tsx, inside examples/), without blocking. */
function run(script: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, ["--import", "tsx", join(EXAMPLES, script), ...args], { cwd: EXAMPLES, encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } },
      (err, stdout, stderr) => done({ status: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }));
  });
}

/** Node lines and edge lines of a DOT text. */
const dotNodes = (dot: string) => dot.split("\n").filter((l) => /^\s*t\d+ \[label=/.test(l));
const dotEdges = (dot: string) => dot.split("\n").filter((l) => /^\s*t\d+ -> t\d+/.test(l));

/** The text of an SVG's <text> elements, entities decoded (Graphviz writes "-" as &#45;). */
const svgTexts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
  m[1].replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d))).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&"));

/** Checks the 8-byte PNG signature and returns the width and height from the IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.toString("latin1", 12, 16)).toBe("IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * Tensors in each graph (leaves, constants and op results), how many show a gradient and a value
 * (a one-element constant is drawn as its number, with no value line), its ops, what it shows.
 */
const EXPECTED: Record<string, { tensors: number; grads: number; values: number; ops: string[]; shows: string[] }> = {
  // 2 leaves, 8 weak-scalar constants, 25 ops; all but the constants have a gradient
  micrograd: {
    tensors: 35, grads: 27, values: 27, ops: ["add", "mul", "pow", "neg", "relu", "sub", "div"],
    shows: ["value 24.7041", "grad 138.8338", "grad 645.5773", "e = sub(c, d)", "f = pow(e, 2)", "g₁ = div(f, 2)", "10"],
  },
  // x1, x2, w1, w2, b; 2 mul, 2 add, tanh
  neuron: { tensors: 10, grads: 10, values: 10, ops: ["mul", "add", "tanh"], shows: ["value 0.7071", "grad -1.5", "grad 0.5", "o = tanh(n)", "n = add(x1·w1 + x2·w2, b)"] },
  // x, y, W1, b1, W2, b2; matmul, add, relu, matmul, add, sub, square, mean
  mlp: { tensors: 14, grads: 12, values: 14, ops: ["matmul", "add", "relu", "sub", "square", "mean"], shows: ["value 0.4613", "grad [-0.6, 0.03, 0]", "[2, 3] float32", "[] float32"] },
  // z; softmax, slice, log, neg, mean
  softmax: { tensors: 6, grads: 6, values: 6, ops: ["softmax", "slice", "log", "neg", "mean"], shows: ["grad [-0.341, 0.2424, 0.0986]", "[1, 3] float64"] },
};

describe("every named expression renders with Graphviz", () => {
  it("the expressions are the four the issue names", () => {
    expect(EXPRESSION_NAMES).toEqual(["micrograd", "neuron", "mlp", "softmax"]);
  });

  it.each(Object.keys(EXPECTED))("%s: valid SVG, one node per tensor, op names, values and gradients", async (name) => {
    const want = EXPECTED[name];
    const dot = expressionDot(name, GRAPH_DEFAULTS);
    expect(dotNodes(dot)).toHaveLength(want.tensors);
    const svg = await dotToSvg(dot);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.match(/class="node"/g)).toHaveLength(want.tensors);
    expect(svg.match(/class="edge"/g)).toHaveLength(dotEdges(dot).length);
    const texts = svgTexts(svg);
    for (const op of want.ops) expect(texts.some((t) => t.includes(` = ${op}(`)), op).toBe(true);
    for (const s of want.shows) expect(texts, s).toContain(s);
    // every tensor that requires grad shows one, op results included (from traceBackward's steps)
    expect(texts.filter((t) => t.startsWith("grad "))).toHaveLength(want.grads);
    expect(texts.filter((t) => t.startsWith("value "))).toHaveLength(want.values);
    expect(texts).toContain(EXPRESSIONS[name].title);
    // "shape [] float64" is not repeated in every node: shape and dtype only where they say something
    expect(texts.filter((t) => t.includes("[] float64"))).toEqual([]);
    expect(texts.some((t) => t.includes("float")), "some node shows a dtype").toBe(name === "mlp" || name === "softmax");
  });

  it("the output's value is what the expression computes", () => {
    expect(EXPRESSIONS.micrograd.build().item()).toBeCloseTo(24.7041, 4);
    expect(EXPRESSIONS.neuron.build().item()).toBeCloseTo(Math.SQRT1_2, 6);
    expect(EXPRESSIONS.mlp.build().item()).toBeCloseTo(0.46125, 6);
    const z = [2, 1, 0.1];
    expect(EXPRESSIONS.softmax.build().item()).toBeCloseTo(-Math.log(Math.exp(2) / z.reduce((s, v) => s + Math.exp(v), 0)), 12);
  });

  it("--no-values and --no-grads leave them out, --rules adds the rules", async () => {
    const bare = expressionDot("neuron", { ...GRAPH_DEFAULTS, noValues: true, noGrads: true });
    expect(dotNodes(bare)).toHaveLength(10);
    expect(bare).not.toMatch(/value |grad /);
    const ruled = expressionDot("neuron", { ...GRAPH_DEFAULTS, rules: true });
    expect(ruled).toContain("o = tanh(n)\\n∂L/∂n = ∂L/∂out · (1 − tanh²(n))\\n"); // as the walkthrough writes it
    expect(ruled).toContain("x1·w1 = mul(x1, w1)\\n∂L/∂x1 = ∂L/∂out · w1\\n∂L/∂w1 = ∂L/∂out · x1\\n");
    expect(ruled).not.toContain("dx = g");
    expect(XMLValidator.validate(await dotToSvg(ruled))).toBe(true);
  });

  it("edges carry no rule letters: each op's node names its inputs, in order", () => {
    const dot = expressionDot("micrograd", GRAPH_DEFAULTS);
    expect(dot).not.toContain("headlabel");
    expect(dot).toMatch(/label="t\d+ = div\(10, f\)\\n/); // 10/f: the numerator first
    expect(dot).toMatch(/label="t\d+ = sub\(b, a\)\\n/); // b − a, inside the second relu
    expect(expressionDot("mlp", GRAPH_DEFAULTS)).toMatch(/label="t\d+ = matmul\(x, W1\)\\n/);
  });

  it("bad DOT is reported with Graphviz's message", async () => {
    await expect(dotToSvg("digraph { a -> ")).rejects.toThrow(/Graphviz could not render the graph: syntax error/);
  });

  it("the SVG becomes a PNG, at twice its size when that fits a page", async () => {
    const svg = await dotToSvg(expressionDot("softmax", GRAPH_DEFAULTS));
    const [, w] = /<svg width="([\d.]+)pt"/.exec(svg)!.map(Number);
    expect(pngScale(svg)).toBe(2);
    const { width } = pngSize(svgToPng(svg, pngScale(svg)));
    expect(Math.abs(width - 2 * (4 / 3) * w)).toBeLessThan(2);
  });

  it.each(EXPRESSION_NAMES)("%s: the default picture fits a page, its text at (nearly) full size", async (name) => {
    const svg = await dotToSvg(expressionDot(name, GRAPH_DEFAULTS));
    const { width } = pngSize(svgToPng(svg, pngScale(svg)));
    expect(width).toBeLessThanOrEqual(PAGE_WIDTH_PX);
    // fitted by its layout, not by shrinking: at least 80% of the usual twice-size drawing (here the
    // ids are in the thousands, t1033, so the boxes are wider than in a fresh `pnpm graph` process,
    // which the command-line test below holds to 95%)
    expect(pngScale(svg)).toBeGreaterThanOrEqual(1.6);
  });

  it("micrograd drawn left to right would need to shrink its text to a third to fit", async () => {
    const svg = await dotToSvg(expressionDot("micrograd", { ...GRAPH_DEFAULTS, rankdir: "LR" }));
    expect(pngScale(svg)).toBeLessThan(0.7);
    expect(pngSize(svgToPng(svg, pngScale(svg))).width).toBeLessThanOrEqual(PAGE_WIDTH_PX);
  });
});

describe("the command lines", () => {
  const base = mkdtempSync(join(tmpdir(), "backprop-graph-"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  let graph: Run, micro: Run, list: Run, bad: Run, walk: Run, walkJs: Run, walkNeuron: Run;
  beforeAll(async () => {
    // two at a time (the machine's cores): each is a fresh node process
    [graph, micro] = await Promise.all([
      run("graph.ts", ["neuron", "--out", "pictures"], { INIT_CWD: base }), // relative --out: from where pnpm was run
      run("graph.ts", ["micrograd", "--out", "micro"], { INIT_CWD: base }), // the default picture
    ]);
    [list, bad] = await Promise.all([run("graph.ts", ["--list"]), run("graph.ts", ["nope"])]);
    [walk, walkJs] = await Promise.all([
      run("walkthrough.ts", ["micrograd"], { BACKPROP_BACKEND: "wasm" }),
      run("walkthrough.ts", ["micrograd"], { BACKPROP_BACKEND: "js" }),
    ]);
    walkNeuron = await run("walkthrough.ts", ["neuron"]);
  }, 120_000);

  it("pnpm graph neuron writes the DOT, SVG and PNG and prints where, relative to where it ran", () => {
    expect(graph.stderr).toBe("");
    expect(graph.status).toBe(0);
    const dir = join(base, "pictures");
    const png = join(dir, "neuron.png");
    expect(graph.stdout).toContain("graph drawn with Graphviz");
    expect(graph.stdout).toContain(": pictures/neuron.png\n");
    for (const ext of ["dot", "svg", "png"]) expect(existsSync(join(dir, `neuron.${ext}`)), ext).toBe(true);
    const svg = readFileSync(join(dir, "neuron.svg"), "utf8");
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.match(/class="node"/g)).toHaveLength(dotNodes(readFileSync(join(dir, "neuron.dot"), "utf8")).length);
    // drawn at twice the SVG's size (Graphviz sizes it in points: 1pt = 4/3 px)
    const [, w, h] = /<svg width="([\d.]+)pt" height="([\d.]+)pt"/.exec(svg)!.map(Number);
    const { width, height } = pngSize(readFileSync(png));
    expect(Math.abs(width - 2 * (4 / 3) * w)).toBeLessThan(2);
    expect(Math.abs(height - 2 * (4 / 3) * h)).toBeLessThan(2);
  });

  it("pnpm graph micrograd, with no drawing flags, draws a PNG at most 1600 px wide", () => {
    expect(micro.status).toBe(0);
    const { width, height } = pngSize(readFileSync(join(base, "micro", "micrograd.png")));
    expect(width).toBeLessThanOrEqual(1600);
    expect(height).toBeGreaterThan(width); // top to bottom
    // not shrunk to fit: drawn at 95% or more of the usual twice the SVG's size
    const svg = readFileSync(join(base, "micro", "micrograd.svg"), "utf8");
    const [, w] = /<svg width="([\d.]+)pt"/.exec(svg)!.map(Number);
    expect(width / (w * (4 / 3))).toBeGreaterThanOrEqual(1.9);
  });

  it("the pictures in the tutorial are the commands' output: same size, at most a page wide", () => {
    const fresh = pngSize(readFileSync(join(base, "micro", "micrograd.png")));
    expect(pngSize(readFileSync(join(EXAMPLES, "img", "micrograd.png")))).toEqual(fresh);
    expect(pngSize(readFileSync(join(EXAMPLES, "img", "neuron.png")))).toEqual(pngSize(readFileSync(join(base, "pictures", "neuron.png"))));
    expect(fresh.width).toBeLessThanOrEqual(PAGE_WIDTH_PX);
  });

  it("--list names every expression", () => {
    expect(list.status).toBe(0);
    for (const name of EXPRESSION_NAMES) expect(list.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, "m"));
  });

  it("a bad name exits with 1 and says which names exist", () => {
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('graph: unknown expression "nope"; choose one of micrograd, neuron, mlp, softmax');
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("pnpm walkthrough neuron: the lecture's numbers, each step's arithmetic written out", () => {
    expect(walkNeuron.status).toBe(0);
    const out = walkNeuron.stdout;
    expect(out.match(/^step \d+\/5 /gm)).toHaveLength(5);
    for (const line of [
      "step 1/5  o = tanh(n) = 0.7071",
      "  ∂L/∂n = ∂L/∂out · (1 − tanh²(n)) = 1 × (1 − 0.7071²) = 0.5",
      "  ∂L/∂x1 = ∂L/∂out · w1 = 0.5 × (-3) = -1.5",
      "  ∂L/∂w1 = ∂L/∂out · x1 = 0.5 × 2 = 1",
      "  ∂L/∂w2 = ∂L/∂out · x2 = 0.5 × 0 = 0",
    ]) expect(out.split("\n")).toContain(line);
    expect(out).toMatch(/ {2}x1\.grad {2}-1\.5\n {2}x2\.grad {2}0\.5\n {2}w1\.grad {2}1\n {2}w2\.grad {2}0\n {2}b\.grad {3}0\.5\n$/);
  });

  it("pnpm walkthrough micrograd prints the 25 steps and a.grad = 138.8338, the same on both backends", () => {
    expect(walk.status).toBe(0);
    expect(walk.stdout.match(/^step \d+\/25 /gm)).toHaveLength(25);
    expect(walk.stdout).toMatch(/^step 1\/25 {2}g = add\(g₁, t\d+\) = 24\.7041$/m);
    expect(walk.stdout).toContain("\n  ∂L/∂d₂ = ∂L/∂out · 3 = 6.9417 × 3 = 20.8251\n");
    expect(walk.stdout).toMatch(/a\.grad so far: 166\.6006 − 27\.7668 = 138\.8338\n/);
    expect(walk.stdout).toMatch(/ {2}b\.grad {2}645\.5773\n$/);
    expect(walkJs.status).toBe(0);
    expect(walkJs.stdout).toBe(walk.stdout);
  });

  it("the walkthrough works on the MLP", () => {
    const text = explainBackward(EXPRESSIONS.mlp.build());
    expect(text.match(/^step \d+\/8 /gm)).toHaveLength(8);
    expect(text).toContain("W1.grad  [2, 3] [[-0.42, 0.675, 0], [-0.84, 0.4125, 0]]");
    expect(text).toContain("\n  x = [2, 2] [[1, 2], [-1, 0.5]]\n");
    expect(text).toContain("\n  ∂L/∂W1 = xᵀ · ∂L/∂out = [2, 3] [[-0.42, 0.675, 0], [-0.84, 0.4125, 0]]\n");
  });
});

describe("the flags", () => {
  const options = <T>(r: { help: true } | { help: false; options: T }) => {
    if (r.help) throw new Error("unexpected --help");
    return r.options;
  };

  it("reads the name anywhere among the flags", () => {
    expect(options(parseGraphArgs(["--out", "pics", "mlp", "--no-grads"]))).toEqual({ ...GRAPH_DEFAULTS, name: "mlp", out: "pics", noGrads: true });
    expect(options(parseGraphArgs(["softmax", "--rankdir=LR", "--rules", "--no-values"]))).toMatchObject({ name: "softmax", rankdir: "LR", rules: true, noValues: true });
    expect(options(parseGraphArgs(["--list"]))).toMatchObject({ name: null, list: true });
    expect(options(parseWalkthroughArgs(["mlp", "--max-elements", "3", "--digits", "2"]))).toMatchObject({ name: "mlp", maxElements: 3, digits: 2 });
    expect(parseGraphArgs(["--help"])).toEqual({ help: true });
  });

  it.each([
    [[], "name an expression: micrograd, neuron, mlp, softmax"],
    [["mlp", "neuron"], "expected one expression name, got 2"],
    [["nope"], 'unknown expression "nope"'],
    [["mlp", "--rankdir", "RL"], "--rankdir expects one of TB, LR"],
    [["mlp", "--wat"], "Unknown option '--wat'"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseGraphArgs(argv)).toThrow(UsageError);
    expect(() => parseGraphArgs(argv)).toThrow(message);
  });

  it("--help names the expressions and every flag, and says how the picture is drawn", () => {
    const help = graphHelp();
    for (const word of [...EXPRESSION_NAMES, "--out", "--no-values", "--no-grads", "--rules", "--rankdir", "--list", "--help", "(default: out/graph)", "(default: TB)"]) {
      expect(help).toContain(word);
    }
    expect(help).toContain(`at most ${PAGE_WIDTH_PX} px wide`);
    expect(help).toContain("e = sub(c, d)");
    expect(help).toContain("not a scalar float64");
    expect(GRAPH_DEFAULTS.rankdir).toBe("TB");
    const walk = walkthroughHelp();
    expect(walk).toContain("∂L/∂d₂ = ∂L/∂out · 3 = 6.9417 × 3 = 20.8251");
    expect(walk).toContain("∂L/∂out the gradient arriving at a step's output");
  });
});
