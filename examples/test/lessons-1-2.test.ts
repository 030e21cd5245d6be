/**
 * Lessons 1 and 2 in fast mode: each lesson's key claim, asserted on the numbers its run() returns
 * (the same numbers it prints), its pictures (valid SVG, PNG files), and its command line.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectPictures, runScript } from "./lesson-helpers.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as lesson1, type Lesson1Result } from "../lessons/1-saturation.js";
import { BETAS, run as lesson2, type Lesson2Result } from "../lessons/2-softplus.js";
import { GRAD_AT_START, START_LOGIT } from "../lessons/notes/1-saturation.js";

const out = mkdtempSync(join(tmpdir(), "backprop-lessons-1-2-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));


describe("lesson 1: sigmoid + cross-entropy avoids saturation", () => {
  let r: Lesson1Result;
  beforeAll(async () => {
    r = await lesson1({ fast: true, outDir: out, quiet: true });
  }, 60_000);

  const row = (z: number, t: 0 | 1) => {
    const g = r.rows.find((x) => x.z[0] === z && x.t === t);
    if (!g) throw new Error(`no table row for z = ${z}, t = ${t}`);
    return g;
  };

  it("the numbers the playground's preset quotes (lessons/notes) are this run's", () => {
    const g = r.gradAt(-START_LOGIT, 1);
    expect(Number(g.mse.toPrecision(4))).toBe(GRAD_AT_START.mse);
    expect(Number(g.fused.toPrecision(4))).toBe(GRAD_AT_START.fused);
  });

  it("at z = −20, t = 1: the fused gradient is −1 (within 1e-6), MSE's is below 1e-7, unfused BCE's still ≈ −1", () => {
    const g = row(-20, 1);
    expect(Math.abs(g.grad.fused[0] - -1)).toBeLessThan(1e-6);
    expect(Math.abs(g.grad.mse[0])).toBeLessThan(1e-7);
    expect(g.grad.mse[0]).toBeLessThan(0); // vanished, not broken: still points the right way
    expect(g.status.mse[0]).toBe("vanished");
    // float32 still holds σ(−20) = 2.06e-9 to full relative precision, so the unfused chain works here
    expect(Math.abs(g.grad.bce[0] - -1)).toBeLessThan(1e-6);
    // the same through gradAt (a fresh autograd call)
    const again = r.gradAt(-20, 1);
    expect(again.fused).toBe(g.grad.fused[0]);
    expect(again.mse).toBe(g.grad.mse[0]);
  });

  it("unfused BCE breaks where float32 does: exactly 0 (loss clamped at 100) once σ(z) rounds to 1 for t = 0", () => {
    for (const z of [18, 30]) {
      const g = row(z, 0);
      expect(g.sigma[0]).toBe(1);
      expect(Math.abs(g.grad.bce[0])).toBe(0); // (−0 from the chain rule)
      expect(g.loss.bce[0]).toBe(100);
      expect(g.status.bce[0]).toBe("clamped");
      expect(Math.abs(g.grad.fused[0] - 1)).toBeLessThan(1e-6); // the fused loss keeps +1
      expect(g.loss.fused[0]).toBe(z); // and reports the true loss, log(1 + e^z) ≈ z
    }
    const ok = row(17, 0); // σ(17) = 1 − 6e-8 is still below 1 in float32
    expect(ok.sigma[0]).toBeLessThan(1);
    expect(Math.abs(ok.grad.bce[0] - 1)).toBeLessThan(1e-6);
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

    // MSE: |2(σ − 1)·σ(1 − σ)| ≈ 2σ(z) < 1e-7 from z ≈ ln(5e-8) ≈ −16.8 on
    expect(r.edges.t1.mse[0][1]).toBe("vanished");
    expect(Math.abs(r.edges.t1.mse[0][0] - Math.log(5e-8))).toBeLessThan(0.1);
    // the fused loss never loses its gradient on either wrong side, out to |z| = 120
    expect(r.edges.t1.fused).toEqual([]);
    expect(r.edges.t0.fused).toEqual([]);
    for (const side of [r.sweep.t1, r.sweep.t0]) {
      for (let i = 0; i < side.z.length; i++) expect(Math.abs(side.grad.fused[i] - side.exact[i])).toBeLessThan(1e-6);
    }
  });

  it("training from a confidently wrong start: the fused loss is right within 25 steps, MSE never moves", () => {
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
  });

  it("writes the gradient and training pictures", () => {
    expectPictures(out, r.files, ["1-gradients", "1-training"]);
  });

  it("runs as a script: the claim first, then the table", () => {
    const cli = runScript("1-saturation.ts", ["--fast", "--out", join(out, "cli-1")]);
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(0);
    expect(cli.stdout.split("\n")[0]).toMatch(/^CLAIM: /);
    expect(cli.stdout).toMatch(/^\s+1\s+-20\s+.*-4\.122e-9 ↓\s+-1\s+-1\s+/m);
    expect(cli.stdout).toMatch(/bceWithLogits\s+1\s+never: \|g\| ≈ 1/);
    expect(existsSync(join(out, "cli-1", "1-gradients.svg"))).toBe(true);
  }, 60_000);
});

describe("lesson 2: softplus with β", () => {
  let r: Lesson2Result;
  beforeAll(async () => {
    r = await lesson2({ fast: true, outDir: out, quiet: true });
  }, 60_000);

  it("the autograd slope of softplus is σ(βx) within 1e-6 for every β", () => {
    expect(r.perBeta.map((s) => s.beta)).toEqual([...BETAS]);
    for (const s of r.perBeta) {
      expect(s.maxSlopeError, `β = ${s.beta}`).toBeLessThan(1e-6);
      // and checked independently here, at a few points
      for (const x of [-3, -1, 0, 1, 3]) {
        const i = r.x.indexOf(x);
        expect(Math.abs(s.slope[i] - 1 / (1 + Math.exp(-s.beta * x)))).toBeLessThan(1e-6);
      }
    }
  });

  it("the gap to ReLU is largest at 0 and equals log(2)/β", () => {
    for (const s of r.perBeta) {
      expect(Math.abs(s.gapAt0 - Math.LN2 / s.beta), `β = ${s.beta}`).toBeLessThan(1e-6);
      expect(s.maxGapAt).toBe(0);
      expect(s.maxGap).toBe(s.gapAt0);
    }
    // larger β hugs ReLU tighter
    for (let k = 1; k < r.perBeta.length; k++) expect(r.perBeta[k].maxGap).toBeLessThan(r.perBeta[k - 1].maxGap);
  });

  it("softplus′ > 0 everywhere on the sweep and tends to 1 for x > 0; relu′(0) is 0 from the left, 1 from the right", () => {
    for (const s of r.perBeta) {
      expect(s.minSlope, `β = ${s.beta}`).toBeGreaterThan(0);
      expect(s.slope.every((v, i) => i === 0 || v >= s.slope[i - 1])).toBe(true); // increasing
      expect(s.slopeAtMax).toBeGreaterThanOrEqual(1 / (1 + Math.exp(-4 * s.beta)) - 1e-6);
    }
    expect(r.perBeta.find((s) => s.beta === 2)!.slopeAtMax).toBeGreaterThan(0.999);
    expect(r.reluSlopeAt0).toEqual({ left: 0, right: 1 });
    expect(r.relu.filter((_, i) => r.x[i] < 0).every((v) => v === 0)).toBe(true);
  });

  it("writes the two-panel picture", () => {
    expectPictures(out, r.files, ["2-softplus"]);
  });

  it("runs as a script: the claim first, then the tables", () => {
    const cli = runScript("2-softplus.ts", ["--fast", "--out", join(out, "cli-2")]);
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(0);
    expect(cli.stdout.split("\n")[0]).toMatch(/^CLAIM: /);
    expect(cli.stdout).toMatch(/^\s+0\s+0\s+1\s+0\.5000\s+0\.5000\s+0\.5000\s+0\.5000\s+0\.5000$/m); // the slopes at 0
    expect(existsSync(join(out, "cli-2", "2-softplus.png"))).toBe(true);
  }, 60_000);
});
