/**
 * Lesson 6, the activation zoo: the lesson's numbers (returned by run()) against closed forms
 * computed here in float64 by other means than the lesson's (Φ by Simpson's rule instead of erf's
 * series), the kinks' sides under every setting against the core ops called here, the saturation
 * edges against the closed forms solved here, the training table's sanity and its agreement with the
 * notes the playground quotes, its pictures (PNG header ≤ 1600 px), its page, its command line, and
 * the same output on both kernel backends.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { elu, getReluAtZero, grad, hardtanh, leakyRelu, relu, relu6, setReluAtZero, tensor, type Tensor } from "@backprop/core";
import { PAGE_WIDTH_PX } from "../shared/figure.js";
import { expectPictures, pngSize, runScript } from "./lesson-helpers.js";
import { run as lesson6, SPAN, TABLE_X, type Lesson6Result } from "../lessons/6-zoo.js";
import { CLAIM, ELU_ALPHA, KINK_ELU_ALPHAS, LEAKY_SLOPE, LINE_LOSS, PRESET, SATURATED, STEPS_TO_TARGET, TRAIN, ZOO, type ZooName } from "../lessons/notes/6-zoo.js";

const ROOT = resolve(import.meta.dirname, "../..");
const out = mkdtempSync(join(tmpdir(), "backprop-lesson-6-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

// ---- closed forms, computed here -------------------------------------------------------------

const sigma = (x: number): number => 1 / (1 + Math.exp(-x));
const phi = (x: number): number => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
/** Φ(x) = ½ + ∫₀ˣ φ, by Simpson's rule with steps of at most 1e-3 (error below 1e-13). */
function Phi(x: number): number {
  const n = 2 * Math.max(1, Math.ceil(Math.abs(x) / 2e-3));
  const h = x / n;
  let s = phi(0) + phi(x);
  for (let k = 1; k < n; k++) s += (k % 2 ? 4 : 2) * phi(k * h);
  return 0.5 + (s * h) / 3;
}
/** f′ of each activation (default settings, the lesson's parameters), by hand. */
const SLOPE: Record<ZooName, (x: number) => number> = {
  relu: (x) => (x > 0 ? 1 : 0),
  leakyRelu: (x) => (x > 0 ? 1 : LEAKY_SLOPE),
  elu: (x) => (x > 0 ? 1 : ELU_ALPHA * Math.exp(x)),
  gelu: (x) => Phi(x) + x * phi(x),
  silu: (x) => sigma(x) * (1 + x * (1 - sigma(x))),
  softplus: (x) => sigma(x),
  tanh: (x) => 1 / Math.cosh(x) ** 2,
  sigmoid: (x) => Math.exp(-Math.abs(x)) / (1 + Math.exp(-Math.abs(x))) ** 2,
  hardtanh: (x) => (Math.abs(x) < 1 ? 1 : 0),
  relu6: (x) => (x > 0 && x < 6 ? 1 : 0),
};

/** f′(x) by autograd, straight from the core op (the lesson's code not involved). */
const slope = (f: (t: Tensor) => Tensor, x: number): number => grad((t: Tensor) => f(t).sum())(tensor([x], { dtype: "float64" })).item();

/**
 * The lesson's full output on a backend (as `pnpm lesson6` prints it, BACKPROP_BACKEND set), without
 * its last two lines (where the pictures went, and the time).
 */
function fullOutput(backend: "js" | "wasm", dir: string): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "examples/lessons/6-zoo.ts"), "--out", dir], {
    cwd: ROOT, encoding: "utf8", timeout: 180_000, env: { ...process.env, BACKPROP_BACKEND: backend },
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const lines = r.stdout.trimEnd().split("\n");
  expect(lines.at(-1)).toMatch(/^done in \d+\.\d s$/);
  expect(lines.at(-2)).toMatch(/^pictures in .+: 6-zoo\.svg, 6-zoo\.png, 6-training\.svg, 6-training\.png$/);
  return lines.slice(0, -2).join("\n");
}

describe("lesson 6: the activation zoo", () => {
  let r: Lesson6Result;
  const stats = (n: ZooName) => r.stats.find((s) => s.name === n)!;
  const trained = (n: ZooName) => r.runs.find((t) => t.name === n)!;
  beforeAll(async () => {
    r = await lesson6({ fast: true, outDir: out, quiet: true });
  }, 120_000);

  it("the derivatives by backprop are the closed forms (worked out here, Φ by Simpson's rule) on the whole sweep", () => {
    expect(r.stats.map((s) => s.name)).toEqual([...ZOO]);
    expect(r.x[0]).toBe(-SPAN);
    expect(r.x.at(-1)).toBe(SPAN);
    for (const v of TABLE_X) expect(r.x).toContain(v);
    for (const s of r.stats) {
      let worst = 0;
      r.x.forEach((x, i) => (worst = Math.max(worst, Math.abs(s.slope[i] - SLOPE[s.name](x)))));
      expect(worst, s.name).toBeLessThan(s.name === "gelu" ? 1e-12 : 1e-15);
      expect(s.maxDiff, s.name).toBeLessThan(2e-15); // the lesson's own comparison, against erf's series
    }
    // a few values by heart: σ′(0) = ¼, tanh′(0) = 1, gelu′(0) = silu′(0) = softplus′(0) = ½, elu′(−1) = e^(−1)
    const at0 = r.x.indexOf(0);
    expect(stats("sigmoid").slope[at0]).toBe(0.25);
    expect(stats("tanh").slope[at0]).toBe(1);
    for (const n of ["gelu", "silu", "softplus"] as const) expect(stats(n).slope[at0]).toBe(0.5);
    expect(stats("elu").slope[r.x.indexOf(-1)]).toBeCloseTo(Math.exp(-1), 15);
    // and the core ops agree with the lesson's wrappers
    expect(slope((t) => leakyRelu(t, LEAKY_SLOPE), -2)).toBe(LEAKY_SLOPE);
  });

  it("the kinks: both one-sided slopes, and the side backprop takes under every setting (checked against the core ops here)", () => {
    const row = (label: string, x: number) => r.kinks.find((k) => k.label === label && k.x === x)!;
    const near = (v: number, want: number) => expect(Math.abs(v - want)).toBeLessThan(1e-5);
    // ReLU-type at 0: left = 0, slope, α; right = 1. Default (left) takes the left slope, "right" the right one.
    const reluType: [string, number][] = [["relu", 0], [`leakyRelu(${LEAKY_SLOPE})`, LEAKY_SLOPE], ...KINK_ELU_ALPHAS.map((a): [string, number] => [`elu(α = ${a})`, a])];
    for (const [label, left] of reluType) {
      const k = row(label, 0);
      near(k.left, left);
      near(k.right, 1);
      near(k.central, (left + 1) / 2);
      expect(k.taken.map((t) => t.slope), label).toEqual([left, 1]);
      expect(k.taken.map((t) => t.matches), label).toEqual(left === 1 ? ["no kink", "no kink"] : ["left", "right"]);
    }
    // the clamps: "open" (default) 0 at both bounds, "left" 0 at min and 1 at max, "right" 1 at min and 0 at max,
    // and setReluAtZero("right") leaves them at their default
    for (const [label, min, max] of [["hardtanh", -1, 1], ["relu6", 0, 6]] as const) {
      expect(row(label, min).taken.map((t) => t.slope), `${label} at ${min}`).toEqual([0, 0, 1, 0]);
      expect(row(label, max).taken.map((t) => t.slope), `${label} at ${max}`).toEqual([0, 1, 0, 0]);
      near(row(label, min).left, 0);
      near(row(label, min).right, 1);
      near(row(label, max).left, 1);
      near(row(label, max).right, 0);
    }
    // clamp: the same values, the bounds count as inside (1)
    expect(row("clamp(x, −1, 1)", -1).taken[0].slope).toBe(1);
    expect(row("clamp(x, −1, 1)", 1).taken[0].slope).toBe(1);

    // the same facts from the core ops, called here; the global setting put back afterwards
    expect(getReluAtZero()).toBe("left");
    expect([slope((t) => relu(t), 0), slope((t) => leakyRelu(t, LEAKY_SLOPE), 0), slope((t) => elu(t, 0.5), 0)]).toEqual([0, LEAKY_SLOPE, 0.5]);
    expect([slope((t) => relu6(t), 0), slope((t) => relu6(t), 6), slope((t) => hardtanh(t), -1), slope((t) => hardtanh(t), 1)]).toEqual([0, 0, 0, 0]);
    setReluAtZero("right");
    try {
      expect([slope((t) => relu(t), 0), slope((t) => leakyRelu(t, LEAKY_SLOPE), 0), slope((t) => elu(t, 0.5), 0)]).toEqual([1, 1, 1]);
      expect([slope((t) => relu6(t), 0), slope((t) => hardtanh(t), -1)]).toEqual([0, 0]); // the bounds do not follow it
    } finally {
      setReluAtZero("left");
    }
    expect([slope((t) => relu6(t, { atBounds: "left" }), 6), slope((t) => relu6(t, { atBounds: "right" }), 0)]).toEqual([1, 1]);
  });

  it("where |f′| < 0.001: the edges are the closed forms solved here; exactly 0 only on the flat pieces", () => {
    const edges = (n: ZooName) => stats(n).tails.map((t) => t.edge);
    const close = (got: number[], want: number[], what: string) => {
      expect(got.length, what).toBe(want.length);
      got.forEach((g, i) => expect(Math.abs(g - want[i]), `${what}: ${g} vs ${want[i]}`).toBeLessThan(1e-9));
    };
    const s = (1 - Math.sqrt(1 - 4 * SATURATED)) / 2; // σ(1 − σ) = ε
    close(edges("sigmoid"), [Math.log(s / (1 - s)), -Math.log(s / (1 - s))], "sigmoid");
    expect(Math.abs(edges("sigmoid")[1] - 6.9058)).toBeLessThan(1e-4);
    const t = Math.acosh(1 / Math.sqrt(SATURATED)); // sech²x = ε
    close(edges("tanh"), [-t, t], "tanh");
    expect(Math.abs(t - 4.1468)).toBeLessThan(1e-4);
    close(edges("elu"), [Math.log(SATURATED)], "elu");
    close(edges("softplus"), [Math.log(SATURATED / (1 - SATURATED))], "softplus");
    close(edges("relu"), [0], "relu");
    close(edges("hardtanh"), [-1, 1], "hardtanh");
    close(edges("relu6"), [0, 6], "relu6");
    expect(stats("leakyRelu").tails).toEqual([]);
    // GELU and SiLU have no closed form: |f′| crosses ε at the edge, by the closed form of f′ here
    for (const n of ["gelu", "silu"] as const) {
      const [edge] = edges(n);
      expect(Math.abs(SLOPE[n](edge + 1e-6))).toBeGreaterThan(SATURATED);
      expect(Math.abs(SLOPE[n](edge - 1e-6))).toBeLessThan(SATURATED);
    }
    expect(edges("gelu")[0]).toBeCloseTo(-3.8104, 4);
    expect(edges("silu")[0]).toBeCloseTo(-8.9851, 4);
    // exactly 0 on the flat pieces of the piecewise-linear ones; small but never 0 on the smooth ones
    for (const n of ZOO) {
      const zero = ["relu", "hardtanh", "relu6"].includes(n);
      for (const tail of stats(n).tails) expect(tail.exactlyZero, n).toBe(zero);
    }
    // GELU and SiLU: f′ = 0 once, at the minimum of f; the window of |f′| < ε around it
    for (const [n, at, min] of [["gelu", -0.7518, -0.17], ["silu", -1.2785, -0.2785]] as const) {
      const [c] = stats(n).signChanges;
      expect(stats(n).signChanges).toHaveLength(1);
      expect(c.at).toBeCloseTo(at, 4);
      expect(Math.abs(SLOPE[n](c.at))).toBeLessThan(1e-10);
      expect(c.value).toBeCloseTo(min, 4);
      expect(c.window[0]).toBeLessThan(c.at);
      expect(c.window[1]).toBeGreaterThan(c.at);
      expect(Math.abs(Math.abs(SLOPE[n](c.window[0])) - SATURATED)).toBeLessThan(1e-9);
    }
    // where f′ peaks (f″ = 0 by grad of grad): GELU at ±√2, with f′(x) + f′(−x) = 1
    const g = stats("gelu").extremes;
    expect(g.map((e) => e.kind)).toEqual(["min", "max"]);
    expect(Math.abs(g[1].at - Math.SQRT2)).toBeLessThan(1e-9);
    expect(Math.abs(g[1].slope - (Phi(Math.SQRT2) + Math.SQRT2 * phi(Math.SQRT2)))).toBeLessThan(1e-12);
    expect(Math.abs(g[0].slope + g[1].slope - 1)).toBeLessThan(1e-12);
    expect(stats("silu").extremes[1].slope).toBeCloseTo(1.09984, 5);
    expect(stats("sigmoid").extremes).toEqual([{ at: 0, slope: 0.25, kind: "max" }]);
    expect(stats("tanh").extremes).toEqual([{ at: 0, slope: 1, kind: "max" }]);
    for (const n of ["relu", "elu", "softplus", "hardtanh"] as const) expect(stats(n).extremes, n).toEqual([]);
  });

  it("training: the same start for all, the notes' step counts, relu6 = relu bit for bit, dead units = units without a gradient", () => {
    expect(r.sameStart).toBe(true);
    expect(r.runs.map((t) => t.name)).toEqual([...ZOO]);
    expect(r.config.steps).toBe(300);
    expect({ ...r.config, steps: TRAIN.steps }).toEqual({ ...TRAIN });
    for (const t of r.runs) {
      expect(t.losses).toHaveLength(r.config.steps + 1);
      expect(t.losses.every(Number.isFinite)).toBe(true);
      expect(t.losses.at(-1)!, t.name).toBeLessThan(t.losses[0]);
      // --fast only stops earlier: the runs that reach the target within 300 steps do so at the full run's step
      const full = STEPS_TO_TARGET[t.name];
      expect(t.stepsToTarget, t.name).toBe(full !== null && full <= r.config.steps ? full : null);
      if (t.stepsToTarget !== null) {
        expect(t.losses[t.stepsToTarget]).toBeLessThanOrEqual(TRAIN.target);
        expect(t.losses[t.stepsToTarget - 1]).toBeGreaterThan(TRAIN.target);
      }
    }
    // at the start: the chain rule multiplies by f′ twice; sigmoid's slopes are at most ¼
    const hard = trained("hardtanh"), sig = trained("sigmoid");
    expect(sig.startSlope.every((v) => v <= 0.25)).toBe(true);
    expect(hard.startSlope[1]).toBeGreaterThan(0.99);
    const ratio = hard.startGradW1 / sig.startGradW1;
    expect(ratio).toBeGreaterThan(12);
    expect(ratio).toBeLessThan(20);
    for (const n of ["sigmoid", "softplus"] as const) expect(Math.min(...trained(n).startOffset), n).toBeGreaterThan(0.9);
    for (const n of ZOO.filter((n) => n !== "sigmoid" && n !== "softplus")) expect(Math.max(...trained(n).startOffset), n).toBeLessThan(0.7);
    // relu6 never reaches its top bound here, so it trains exactly as relu
    expect(trained("relu6").maxZ).toBeLessThan(6);
    expect(trained("relu6").losses).toEqual(trained("relu").losses);
    // Diagnostics: dead units only for the ReLU types, and for ReLU/ReLU6 they are the units our backprop finds flat
    for (const n of ZOO) expect(trained(n).dead === null, n).toBe(!["relu", "leakyRelu", "relu6"].includes(n));
    for (const n of ["relu", "relu6"] as const) {
      expect(trained(n).deadUnits).toEqual(trained(n).noGradientUnits);
      expect(trained(n).dead![0] + trained(n).dead![1]).toBeGreaterThan(0);
    }
    expect(trained("leakyRelu").noGradient).toEqual([0, 0]);
    // saturation is reported for sigmoid, tanh, hardtanh and relu6 only; relu6's share at its bounds is relu's zeros
    for (const n of ZOO) expect(trained(n).saturated === null, n).toBe(!["sigmoid", "tanh", "hardtanh", "relu6"].includes(n));
    expect(trained("relu6").saturated![0]).toBeGreaterThan(0.3);
  });

  it("writes the two pictures, each at most a page wide; the page shows the same two from examples/img", () => {
    expectPictures(out, r.files, ["6-zoo", "6-training"], { maxWidth: PAGE_WIDTH_PX });
    for (const name of ["6-zoo", "6-training"]) {
      const { width, height } = pngSize(join(out, `${name}.png`));
      expect(width, name).toBeGreaterThan(PAGE_WIDTH_PX * 0.8);
      expect(height, name).toBeGreaterThan(600);
    }
    const md = readFileSync(join(ROOT, "examples/lessons/6-zoo.md"), "utf8");
    const shown = [...md.matchAll(/\]\(\.\.\/img\/([^)]+\.png)\)/g)].map((m) => m[1]);
    expect(shown.sort()).toEqual(["6-training.png", "6-zoo.png"]);
    for (const file of shown) expect(pngSize(join(ROOT, "examples/img", file)).width, file).toBeLessThanOrEqual(PAGE_WIDTH_PX);
    expect(md.startsWith("# Lesson 6: the activation zoo\n")).toBe(true);
    expect(md).toContain(`> ${CLAIM}\n`);
    expect(md).toContain("[← the tutorial](../README.md)");
  });

  it("the playground's preset is the lesson's run, with its claim", () => {
    expect(PRESET.lesson).toBe(6);
    expect(PRESET.claim).toBe(CLAIM);
    expect(PRESET.settings).toMatchObject({ dataset: "moons", points: TRAIN.points, noise: TRAIN.noise, width: TRAIN.width, depth: 2, lr: TRAIN.lr, momentum: 0, init: "default", seed: TRAIN.dataSeed });
    expect(PRESET.settings.batchSize).toBe(0.8 * TRAIN.points); // the whole training set (80%): full batch, as the lesson
    for (const n of ZOO) if (STEPS_TO_TARGET[n] !== null) expect(PRESET.watch).toContain(String(STEPS_TO_TARGET[n]));
    expect(PRESET.watch).toContain(String(LINE_LOSS));
  });

  it("runs as a script (--fast): the claim first, then the zoo, the kinks and the training", () => {
    const cli = runScript("6-zoo.ts", ["--fast", "--out", join(out, "cli")], 120_000);
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(0);
    expect(cli.stdout.split("\n")[0]).toBe(`CLAIM: ${CLAIM}`);
    expect(cli.stdout).toMatch(/^── 2\. f′ by backprop against the closed form \(x from −12 to 12 in steps of 0\.05: 481 points\)/m);
    expect(cli.stdout).toMatch(/^ {2}relu at 0 +0\.0000 +1\.0000 +0\.5000 +0 \(left\) +1 \(right\)$/m);
    expect(cli.stdout).toMatch(/^ {2}relu6 at 6 +1\.0000 +0\.0000 +0\.5000 +0 \(right\) +1 \(left\) +0 \(right\) +0 \(right\)$/m);
    expect(cli.stdout).toMatch(/^ {2}sigmoid +not in 300 /m);
    expect(cli.stdout).toMatch(/^done in \d+\.\d s \(--fast\)$/m);
  }, 150_000);
});

// The full run, once per backend: what the page quotes must not depend on the kernels (float64 runs
// the same loops everywhere). From the wasm project only (the children pick their backend themselves).
describe.runIf(process.env.BACKPROP_BACKEND !== "js")("lesson 6 prints the same on both kernel backends (full mode)", () => {
  it("6-zoo.ts, and the full run's step counts are the notes' (the playground quotes them)", () => {
    const wasm = fullOutput("wasm", join(out, "full-wasm"));
    const js = fullOutput("js", join(out, "full-js"));
    expect(js).toBe(wasm);
    const table = wasm.slice(wasm.indexOf(`  after ${TRAIN.steps} steps  steps to loss`)).split("\n");
    expect(table.length).toBeGreaterThan(ZOO.length);
    for (const n of ZOO) {
      const line = table.find((l) => new RegExp(`^ {2}${n} +(\\d+|not in \\d+) +\\d`).test(l))!;
      expect(line, n).toBeDefined();
      const steps = line.trim().split(/ {2,}/)[1];
      expect(steps, n).toBe(STEPS_TO_TARGET[n] === null ? `not in ${TRAIN.steps}` : String(STEPS_TO_TARGET[n]));
    }
    expect(wasm).toContain(`trained the same way ends at\n  ${LINE_LOSS}, `);
  }, 400_000);
});
