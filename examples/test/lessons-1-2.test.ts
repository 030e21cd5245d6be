/**
 * Lessons 1 and 2: each lesson's numbers (the ones it prints, returned by run()) against formulas
 * derived by hand and computed here in float64, its pictures (valid SVG, PNG files no wider than a
 * page), its pages' pictures, its command line, and the same output on both kernel backends.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_WIDTH_PX } from "../shared/figure.js";
import { expectPictures, runScript } from "./lesson-helpers.js";
import { CHAIN_Z, CURVE_SPAN, FLOAT_ROWS, run as lesson1, type Lesson1Result } from "../lessons/1-saturation.js";
import { BETAS, CE_Z, DELTA, FLOAT32_BOUND, LIMIT_BETAS, run as lesson2, type Lesson2Result } from "../lessons/2-softplus.js";
import { GRAD_AT_START, START_LOGIT } from "../lessons/notes/1-saturation.js";
import { gapAtZero } from "../lessons/notes/2-softplus.js";

const ROOT = resolve(import.meta.dirname, "../..");
const out = mkdtempSync(join(tmpdir(), "backprop-lessons-1-2-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** σ(z) = 1/(1 + e^(−z)), float64, the textbook form. */
const sigma = (z: number): number => 1 / (1 + Math.exp(-z));
/** |a − b| ≤ rel·|b| (b ≠ 0). */
const closeRel = (a: number, b: number, rel: number, what: string) => expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(rel * Math.abs(b));

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  expect(b.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** The pictures a lesson page shows (../img/…png) are in examples/img and fit a page. */
function expectPagePictures(page: string, names: string[]): void {
  const md = readFileSync(join(ROOT, "examples/lessons", page), "utf8");
  const shown = [...md.matchAll(/\]\(\.\.\/img\/([^)]+\.png)\)/g)].map((m) => m[1]);
  expect(shown.sort()).toEqual(names.map((n) => `${n}.png`).sort());
  for (const file of shown) expect(pngSize(join(ROOT, "examples/img", file)).width, file).toBeLessThanOrEqual(PAGE_WIDTH_PX);
}

/**
 * The lesson's full output on a backend (as `pnpm lessonN` prints it, BACKPROP_BACKEND set), with the
 * time it took and the folder it drew into left out.
 */
function fullOutput(file: string, backend: "js" | "wasm", dir: string): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "examples/lessons", file), "--out", dir], {
    cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, BACKPROP_BACKEND: backend },
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const lines = r.stdout.trimEnd().split("\n");
  expect(lines.at(-1)).toMatch(/^done in \d+\.\d s$/);
  expect(lines.at(-2)).toMatch(/^pictures in .+: \S+\.svg, /);
  return lines.slice(0, -2).join("\n");
}

describe("lesson 1: sigmoid + cross-entropy avoids saturation", () => {
  let r: Lesson1Result;
  beforeAll(async () => {
    r = await lesson1({ fast: true, outDir: out, quiet: true });
  }, 60_000);

  it("the derivation's factors, read off autograd, are the closed forms: p = σ, dp/dz = σ(1 − σ), dJ/dp = 2(p − 1) or −1/p", () => {
    expect(r.chains.map((c) => c.z)).toEqual([...CHAIN_Z]);
    for (const c of r.chains) {
      const s = sigma(c.z);
      const what = (q: string) => `${q} at z = ${c.z}`;
      closeRel(c.p, s, 1e-7, what("p"));
      closeRel(c.dpdz, s * (1 - s), 1e-5, what("σ′")); // float32's 1 − p loses digits as p → 1
      closeRel(c.dJdp.mse, 2 * (s - 1), 1e-5, what("MSE dJ/dp"));
      closeRel(c.dJdp.bce, -1 / s, 1e-6, what("CE dJ/dp"));
      closeRel(c.dJdz.mse, 2 * (s - 1) * s * (1 - s), 2e-5, what("MSE dJ/dz"));
      expect(Math.abs(c.dJdz.bce - (s - 1)), what("CE unfused")).toBeLessThan(1e-6);
      expect(Math.abs(c.dJdz.fused - (s - 1)), what("CE fused")).toBeLessThan(1e-6);
      // the chain rule, literally: the gradient reaching z is the float32 product of the two factors
      expect(Math.fround(c.dJdp.mse * c.dpdz)).toBe(c.dJdz.mse);
      expect(Math.fround(c.dJdp.bce * c.dpdz)).toBe(c.dJdz.bce);
      // the losses: (σ − 1)² and −log σ(z) = log(1 + e^(−z)) = softplus(−z)
      expect(Math.abs(c.J.mse - (s - 1) ** 2), what("MSE J")).toBeLessThan(1e-6);
      closeRel(c.J.fused, Math.log1p(Math.exp(-c.z)), 1e-6, what("CE J"));
    }
  });

  it("at z = −20, t = 1: MSE's gradient is −2e^z·(1 − …) ≈ −4.12e-9, cross-entropy's is −1 (the σ′ cancelled)", () => {
    const c = r.chains.find((x) => x.z === -START_LOGIT)!;
    closeRel(c.dJdz.mse, -2 * Math.exp(-START_LOGIT), 1e-6, "MSE ≈ −2e^z");
    expect(Math.abs(c.dJdz.mse)).toBeLessThan(1e-7);
    expect(c.dJdp.mse).toBe(-2);
    expect(c.dJdz.bce).toBe(-1);
    expect(c.dJdz.fused).toBe(-1);
    expect(c.J.fused).toBe(START_LOGIT); // 20 + log1p(e^−20) rounds to 20 in float32
    // the numbers the playground's preset quotes (lessons/notes) are this run's
    expect(Number(c.dJdz.mse.toPrecision(4))).toBe(GRAD_AT_START.mse);
    expect(c.dJdz.fused).toBe(GRAD_AT_START.fused);
  });

  it("floating point: the unfused chain overflows (1/p = −∞ at z = −95), underflows and rounds (σ(18) = 1); the fused node keeps σ(z) − t", () => {
    const row = (t: 0 | 1, z: number) => r.floatRows.find((c) => c.t === t && c.z === z)!;
    expect(r.floatRows.map((c) => [c.t, c.z])).toEqual(FLOAT_ROWS.map(([t, z]) => [t, z]));
    const m88 = row(1, -88); // 1/σ(−88) ≈ 1.65e38 still fits float32 (max 3.4e38)
    closeRel(m88.dJdp.bce, -Math.exp(88), 1e-5, "−1/σ(−88)");
    expect(Math.abs(m88.dJdz.bce + 1)).toBeLessThan(1e-6);
    const m95 = row(1, -95); // 1/σ(−95) = e^95 ≈ 1.8e41 does not
    expect(m95.p).toBeGreaterThan(0);
    expect(m95.dJdp.bce).toBe(-Infinity);
    expect(m95.dJdz.bce).toBe(-Infinity);
    const m110 = row(1, -110); // σ(−110) = 1.7e-48 underflows float32: log clamped at −100, gradient 0
    expect(m110.p).toBe(0);
    expect(m110.J.bce).toBe(100);
    expect(Math.abs(m110.dJdz.bce)).toBe(0);
    const p17 = row(0, 17); // 1 − σ(17) = 4.1e-8 rounds to 2^−24 in float32: coarse, not 0
    expect(1 - p17.p).toBe(2 ** -24);
    expect(p17.dJdp.bce).toBe(2 ** 24);
    expect(Math.abs(p17.dJdz.bce - 1)).toBeLessThan(1e-6);
    const p18 = row(0, 18); // σ(18) rounds to 1
    expect(p18.p).toBe(1);
    expect(p18.J.bce).toBe(100);
    expect(Math.abs(p18.dJdz.bce)).toBe(0);
    for (const c of r.floatRows) {
      expect(Math.abs(c.dJdz.fused - (sigma(c.z) - c.t)), `fused at z = ${c.z}`).toBeLessThan(1e-6);
      expect(Math.abs(c.J.fused - (Math.max(c.z, 0) - c.z * c.t + Math.log1p(Math.exp(-Math.abs(c.z))))), `fused J at z = ${c.z}`).toBeLessThan(1e-5);
    }
  });

  it("finds the break points by sweeping the wrong side: unfused at 25·ln2 ≈ 17.33 (t = 0), −88.72 and −100 (t = 1)", () => {
    const [first0, ...rest0] = r.edges.t0.bce;
    expect(first0[1]).toBe("clamped");
    expect(Math.abs(first0[0] - 25 * Math.LN2)).toBeLessThan(0.06); // σ(z) rounds to 1 when e^(−z) < 2^(−25)
    expect(rest0).toEqual([]);

    const [inf, clamped, ...rest1] = r.edges.t1.bce;
    expect(inf[1]).toBe("inf"); // −1/σ(z) overflows float32 once σ(z) < 1/FLT_MAX
    expect(inf[2]).toBe(-Infinity);
    expect(Math.abs(inf[0] - Math.log(1 / 3.4028234663852886e38))).toBeLessThan(0.06);
    expect(clamped[1]).toBe("clamped"); // log σ(z) ≤ −100
    expect(Math.abs(clamped[0] - -100)).toBeLessThan(0.06);
    expect(rest1).toEqual([]);

    // MSE: |2(σ − 1)·σ(1 − σ)| ≈ 2σ(z) < 1e-7 from z ≈ ln(5e-8) ≈ −16.8 on: mathematics, not rounding
    expect(r.edges.t1.mse[0][1]).toBe("vanished");
    expect(Math.abs(r.edges.t1.mse[0][0] - Math.log(5e-8))).toBeLessThan(0.1);
    // the fused loss never loses its gradient on either wrong side, out to |z| = 120
    expect(r.edges.t1.fused).toEqual([]);
    expect(r.edges.t0.fused).toEqual([]);
    for (const side of [r.sweep.t1, r.sweep.t0]) {
      for (let i = 0; i < side.z.length; i++) expect(Math.abs(side.grad.fused[i] - side.exact[i])).toBeLessThan(1e-6);
    }
  });

  it("the loss curves (1-losses): MSE = (σ − 1)² ≤ 1 and flat, cross-entropy = softplus(−z) linear; MSE's slope peaks at −8/27", () => {
    const c = r.curves;
    expect(c.z[0]).toBe(-CURVE_SPAN);
    expect(c.z.at(-1)).toBe(CURVE_SPAN);
    let steepest = 0, steepestAt = NaN;
    for (let i = 0; i < c.z.length; i++) {
      const z = c.z[i], s = sigma(z);
      expect(Math.abs(c.loss.mse[i] - (s - 1) ** 2)).toBeLessThan(1e-6);
      expect(c.loss.mse[i]).toBeLessThanOrEqual(1);
      expect(Math.abs(c.loss.fused[i] - Math.log1p(Math.exp(-z)))).toBeLessThan(1e-5);
      expect(Math.abs(c.loss.bce[i] - c.loss.fused[i])).toBeLessThan(1e-5); // one function, two ways
      expect(Math.abs(c.grad.fused[i] - (s - 1))).toBeLessThan(1e-6);
      if (c.grad.mse[i] < steepest) [steepest, steepestAt] = [c.grad.mse[i], z];
    }
    // d/dz of 2(σ − 1)·σ(1 − σ) = 0 at σ = 1/3, i.e. z = −ln 2, where it is −2·(1/3)·(2/3)² = −8/27
    expect(Math.abs(steepestAt + Math.LN2)).toBeLessThanOrEqual(0.25);
    expect(Math.abs(steepest + 8 / 27)).toBeLessThan(0.01);
    // far on the wrong side: the MSE loss is flat at 1, the cross-entropy ≈ −z with slope ≈ −1
    const i10 = c.z.indexOf(-CURVE_SPAN);
    expect(1 - c.loss.mse[i10]).toBeLessThan(1e-4);
    expect(Math.abs(c.grad.mse[i10])).toBeLessThan(1e-3);
    expect(Math.abs(c.grad.fused[i10] + 1)).toBeLessThan(1e-4);
  });

  it("training from a confidently wrong start: the fused loss is right within 25 steps, MSE never moves; exact arithmetic would need (e^20 + 62.5)/2 steps", () => {
    const find = (t: 0 | 1, loss: string) => r.training.find((x) => x.start.t === t && x.loss === loss)!;
    for (const t of [1, 0] as const) {
      const fused = find(t, "fused");
      expect(fused.stepsToCorrect).not.toBeNull();
      expect(fused.stepsToCorrect!).toBeLessThanOrEqual(25);
      expect(fused.pCorrect[fused.pCorrect.length - 1]).toBeGreaterThan(0.9);

      const m = find(t, "mse");
      expect(m.stepsToCorrect).toBeNull();
      expect(m.z[m.z.length - 1]).toBe(m.z[0]); // lr·4e-9 is below float32's spacing at 20
    }
    expect(find(1, "bce").stepsToCorrect!).toBeLessThanOrEqual(25); // σ(−20) is exact in float32
    expect(find(0, "bce").stepsToCorrect).toBeNull(); // σ(20) rounds to 1: gradient exactly 0
    expect(Math.abs(find(0, "bce").firstGrad)).toBe(0);
    expect(r.steps).toBeGreaterThan(25);
    // ∫ dz / (2(1 − σ)²σ) = ∫ (e^(2z) + 3e^z + 3 + e^(−z))/2 dz from −20 to 0 = (e^20 + 62.5 − 3e^(−20) − e^(−40)/2)/2
    closeRel(r.mseExactSteps, (Math.exp(20) + 62.5) / 2 / r.lr, 1e-9, "MSE's steps in exact arithmetic");
  });

  it("writes the three pictures, each at most a page wide; the page shows the same three from examples/img", () => {
    expectPictures(out, r.files, ["1-losses", "1-gradients", "1-training"]);
    for (const name of ["1-losses", "1-gradients", "1-training"]) {
      const { width, height } = pngSize(join(out, `${name}.png`));
      expect(width, name).toBeLessThanOrEqual(PAGE_WIDTH_PX);
      expect(width, name).toBeGreaterThan(PAGE_WIDTH_PX / 2);
      expect(height, name).toBeGreaterThan(600);
    }
    expectPagePictures("1-saturation.md", ["1-losses", "1-gradients", "1-training"]);
  });

  it("runs as a script (--fast): the claim first, the derivation, then the chain rule with the numbers", () => {
    const cli = runScript("1-saturation.ts", ["--fast", "--out", join(out, "cli-1")]);
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(0);
    expect(cli.stdout.split("\n")[0]).toMatch(/^CLAIM: /);
    expect(cli.stdout).toContain("dJ/dz = −(1/σ(z)) · σ(z)(1 − σ(z)) = −(1 − σ(z)) = σ(z) − 1");
    expect(cli.stdout).toMatch(/^ {4}MSE {12}-2 × 2\.0611537e-9 = -4\.1223074e-9 /m);
    expect(cli.stdout).toMatch(/^ {4}cross-entropy {2}-4\.8516518e8 × 2\.0611537e-9 = -1 /m);
    expect(cli.stdout).toMatch(/bceWithLogits\s+1\s+never: \|g\| ≈ 1/);
    expect(cli.stdout).toMatch(/^done in \d+\.\d s \(--fast\)$/m);
  }, 60_000);
});

describe("lesson 2: softplus with β", () => {
  let r: Lesson2Result;
  beforeAll(async () => {
    r = await lesson2({ fast: true, outDir: out, quiet: true });
  }, 60_000);
  const stats = (beta: number) => r.perBeta.find((s) => s.beta === beta)!;

  it("lesson 1's loss is a softplus: bceWithLogits(z, 1) = softplus(−z) = log(1 + e^(−z)), its slope σ(z) − 1", () => {
    expect(r.crossEntropy.map((c) => c.z)).toEqual([...CE_Z]);
    for (const c of r.crossEntropy) {
      closeRel(c.J, Math.log1p(Math.exp(-c.z)), 1e-14, `J at ${c.z}`);
      closeRel(c.softplusMinusZ, c.J, 1e-15, `softplus(−z) at ${c.z}`);
      expect(c.reluMinusZ).toBe(Math.max(-c.z, 0));
      expect(Math.abs(c.dJdz - (sigma(c.z) - 1)), `dJ/dz at ${c.z}`).toBeLessThan(1e-15);
      expect(Math.abs(c.sigmaMinusOne - (sigma(c.z) - 1))).toBeLessThan(1e-15);
    }
    // linear on the wrong side (J − (−z) = log(1 + e^z) ≈ e^z), flat on the right, largest gap log 2 at 0
    const at = (z: number) => r.crossEntropy.find((c) => c.z === z)!;
    expect(at(-20).J - 20).toBeLessThan(3e-9);
    expect(Math.abs(at(-20).dJdz + 1)).toBeLessThan(3e-9);
    expect(at(20).J).toBeLessThan(3e-9);
    expect(at(0).J).toBe(Math.LN2);
    for (const c of r.crossEntropy) expect(c.J - c.reluMinusZ).toBeLessThanOrEqual(Math.LN2);
    // the picture's curve
    const k = r.crossEntropyCurve;
    for (let i = 0; i < k.z.length; i += 7) closeRel(k.J[i], Math.log1p(Math.exp(-k.z[i])), 1e-14, `curve at ${k.z[i]}`);
  });

  it("the gap to ReLU is largest at 0 and equals log(2)/β, for every β up to 1000", () => {
    expect(r.perBeta.map((s) => s.beta)).toEqual([...LIMIT_BETAS]);
    for (const s of r.perBeta) {
      closeRel(s.gapAt0, Math.LN2 / s.beta, 1e-15, `β = ${s.beta}`);
      expect(s.maxGapAt).toBe(0);
      expect(s.maxGap).toBe(s.gapAt0);
    }
    for (const beta of BETAS) closeRel(stats(beta).gapAt0, gapAtZero(beta), 1e-15, "the preset's figure");
    for (let k = 1; k < r.perBeta.length; k++) expect(r.perBeta[k].maxGap).toBeLessThan(r.perBeta[k - 1].maxGap);
  });

  it("β → ∞: the slope at ±0.1 is σ(±0.1β), 0.5 at 0; away from 0 it is within σ(−0.1β) of the step, which vanishes", () => {
    for (const s of r.perBeta) {
      const tail = 1 / (1 + Math.exp(DELTA * s.beta)); // σ(−δβ)
      closeRel(s.slopeAt.minus, tail, 1e-12, `slope at −δ, β = ${s.beta}`);
      expect(Math.abs(s.slopeAt.plus - (1 - tail))).toBeLessThan(1e-15);
      expect(s.slopeAt.zero).toBe(0.5);
      closeRel(s.maxStepError, tail, 1e-12, `max|slope − step|, β = ${s.beta}`);
      expect(s.maxStepError).toBeLessThanOrEqual(Math.exp(-DELTA * s.beta));
    }
    for (let k = 1; k < r.perBeta.length; k++) expect(r.perBeta[k].maxStepError).toBeLessThan(r.perBeta[k - 1].maxStepError);
    expect(stats(1000).maxStepError).toBeLessThan(1e-40);
  });

  it("the autograd slope is σ(βx): within 1e-15 in float64, exactly 1 past the threshold, within two float32 spacings in float32", () => {
    for (const s of r.perBeta) {
      expect(s.maxSlopeError, `β = ${s.beta}`).toBeLessThan(1e-15);
      expect(s.slopeAboveThreshold === null || s.slopeAboveThreshold === 1, `β = ${s.beta}`).toBe(true);
      expect(s.maxSlopeError32, `β = ${s.beta}`).toBeLessThan(FLOAT32_BOUND);
      // and checked here against the textbook form, at a few points
      for (const x of [-3, -1, 0, 1, 3]) {
        const i = r.x.indexOf(x);
        const expected = s.beta * x > 20 ? 1 : sigma(s.beta * x);
        expect(Math.abs(s.slope[i] - expected), `β = ${s.beta}, x = ${x}`).toBeLessThan(1e-15);
      }
    }
    expect(Math.max(...r.perBeta.map((s) => s.maxSlopeError32))).toBeGreaterThan(1e-9); // float32 really rounds
    expect(stats(5).slopeAboveThreshold).toBeNull(); // 5·4 = 20 is not above the threshold
    expect(stats(10).slopeAboveThreshold).toBe(1);
  });

  it("softplus′ > 0 everywhere on the sweep and tends to 1 for x > 0; relu′(0) is 0 from the left, 1 from the right", () => {
    for (const s of r.perBeta.filter((p) => p.beta <= 10)) {
      expect(s.minSlope, `β = ${s.beta}`).toBeGreaterThan(0);
      closeRel(s.minSlope, sigma(-4 * s.beta), 1e-12, `σ(−4β), β = ${s.beta}`);
      expect(s.slope.every((v, i) => i === 0 || v >= s.slope[i - 1])).toBe(true); // increasing
      closeRel(s.slopeAtMax, sigma(4 * s.beta), 1e-15, `σ(4β), β = ${s.beta}`);
    }
    expect(r.reluSlopeAt0).toEqual({ left: 0, right: 1 });
    expect(r.relu.filter((_, i) => r.x[i] < 0).every((v) => v === 0)).toBe(true);
  });

  it("writes the two pictures, each at most a page wide; the page shows the same two from examples/img", () => {
    expectPictures(out, r.files, ["2-softplus", "2-cross-entropy"]);
    for (const name of ["2-softplus", "2-cross-entropy"]) {
      const { width } = pngSize(join(out, `${name}.png`));
      expect(width, name).toBeLessThanOrEqual(PAGE_WIDTH_PX);
      expect(width, name).toBeGreaterThan(PAGE_WIDTH_PX / 2);
    }
    expectPagePictures("2-softplus.md", ["2-softplus", "2-cross-entropy"]);
  });

  it("runs as a script (--fast): the claim first, the link to lesson 1, then the tables", () => {
    const cli = runScript("2-softplus.ts", ["--fast", "--out", join(out, "cli-2")]);
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(0);
    expect(cli.stdout.split("\n")[0]).toMatch(/^CLAIM: /);
    expect(cli.stdout).toMatch(/^\s+0\s+0\.69314718056\s+0\.69314718056\s+0\s+-0\.50000000000\s+-0\.50000000000$/m);
    expect(cli.stdout).toMatch(/^\s+0\s+0\s+1\s+0\.5000\s+0\.5000\s+0\.5000\s+0\.5000\s+0\.5000$/m); // the slopes at 0
    expect(cli.stdout).toMatch(/^done in \d+\.\d s \(--fast\)$/m);
  }, 60_000);
});

// The full runs, once per backend: what the pages quote must not depend on the kernels. Run from the
// wasm project only (the children pick their backend themselves; once is enough).
describe.runIf(process.env.BACKPROP_BACKEND !== "js")("lessons 1 and 2 print the same on both kernel backends (full mode)", () => {
  for (const file of ["1-saturation.ts", "2-softplus.ts"]) {
    it(file, () => {
      const wasm = fullOutput(file, "wasm", join(out, `full-wasm-${file}`));
      const js = fullOutput(file, "js", join(out, `full-js-${file}`));
      expect(js).toBe(wasm);
    }, 240_000);
  }
});
