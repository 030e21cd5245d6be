/**
 * The memory soak's trend detector (soak/trend.ts), fed synthetic series: it must pass flat memory
 * with realistic noise (GC sawtooth, a pool that fills once, a spike) and fail a leak, even a small
 * one. The soak itself (`pnpm soak`, minutes) is not part of `pnpm test`; this is.
 */
import { describe, expect, it } from "vitest";
import { theilSenSlope, MB, median, trend, type Sample } from "../../../soak/trend.js";

const LIMITS = { slope: 2 * MB, growth: 4 * MB }; // what soak/run.ts uses for heap and external

/** 90 samples, every 1000 steps from step 11000 to 100000 (the soak's layout), bytes = f(step, i). */
function series(f: (step: number, i: number) => number): Sample[] {
  return Array.from({ length: 90 }, (_, i) => ({ step: 11_000 + 1000 * i, bytes: f(11_000 + 1000 * i, i) }));
}

/** A seeded uniform in [−1, 1) (no Math.random: the test is the same every run). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

const BASE = 8 * MB;

describe("the pieces", () => {
  it("theilSenSlope recovers a line's slope, ignoring an outlier; median of odd and even lists", () => {
    expect(theilSenSlope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2, 12);
    expect(theilSenSlope([0, 1, 2, 3, 4], [0, 1, 100, 3, 4])).toBe(1); // one outlier does not tilt it
    expect(theilSenSlope([5], [1])).toBe(0);
    expect(theilSenSlope([2, 2], [1, 5])).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("needs at least 8 samples", () => {
    expect(() => trend(series(() => BASE).slice(0, 7), LIMITS)).toThrow(/trend: need at least 8 samples.*got 7/);
  });
});

describe("flat series pass", () => {
  it("perfectly flat", () => {
    const t = trend(series(() => BASE), LIMITS);
    expect(t).toMatchObject({ ok: true, growth: 0, slope: 0, reasons: [] });
  });

  it("flat with ±1 MB noise and a GC sawtooth", () => {
    const r = noise(1);
    const t = trend(series((_, i) => BASE + r() * MB + (i % 7) * 0.2 * MB), LIMITS);
    expect(t.ok, t.reasons.join("; ")).toBe(true);
  });

  it("a pool that fills once early on (+3 MB in the first half), then flat", () => {
    const t = trend(series((_, i) => BASE + (i < 20 ? 0 : 3 * MB)), LIMITS);
    expect(t.ok, t.reasons.join("; ")).toBe(true);
    expect(t.slope).toBe(0);
  });

  it("one large spike does not decide (medians, and a median of pairwise slopes)", () => {
    const t = trend(series((_, i) => BASE + (i === 80 ? 50 * MB : 0)), LIMITS);
    expect(t.growth).toBe(0);
    expect(t.slope).toBeLessThan(LIMITS.slope);
    expect(t.ok).toBe(true);
  });

  it("memory that goes down is fine", () => {
    expect(trend(series((step) => BASE + 10 * MB - step * 50), LIMITS).ok).toBe(true);
  });
});

describe("leaks fail", () => {
  it("a small tensor per step (256 floats, 1 KB): both checks fire", () => {
    const t = trend(series((step) => BASE + step * 1024), LIMITS);
    expect(t.ok).toBe(false);
    expect(t.perStep).toBeCloseTo(1024, 6);
    expect(t.reasons).toHaveLength(2);
    expect(t.reasons[0]).toMatch(/^slope 86\.91 MB over 89000 steps \(1024\.0 B\/step\) > 2\.00 MB$/);
    expect(t.reasons[1]).toMatch(/^growth .* > 4\.00 MB$/);
  });

  it("50 bytes a step under ±1 MB noise (4.2 MB over the run): caught", () => {
    const r = noise(2);
    const t = trend(series((step) => BASE + step * 50 + r() * MB), LIMITS);
    expect(t.ok).toBe(false);
    expect(t.reasons.some((s) => s.startsWith("slope"))).toBe(true);
  });

  it("a leak that starts in the second half (a cache that never stops growing)", () => {
    const t = trend(series((step) => BASE + Math.max(0, step - 60_000) * 100), LIMITS);
    expect(t.ok).toBe(false);
    expect(t.slope).toBeGreaterThan(LIMITS.slope);
  });

  it("a large jump late in the run fails on growth", () => {
    const t = trend(series((_, i) => BASE + (i >= 70 ? 10 * MB : 0)), LIMITS);
    expect(t.ok).toBe(false);
    expect(t.reasons.some((s) => s.startsWith("growth 10.00 MB"))).toBe(true);
  });
});
