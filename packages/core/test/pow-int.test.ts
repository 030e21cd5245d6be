/**
 * powInt against the exact power: a double is m·2^e, so baseⁿ = mⁿ·2^(e·n) exactly in BigInt, and
 * the result must be the double nearest to it (no neighbour closer). This is the property that makes
 * Adam's bias corrections and the schedulers' γⁿ the same on every engine and equal to PyTorch's
 * (Python's float power is correctly rounded).
 */
import { describe, expect, it } from "vitest";
import { powInt } from "../src/index.js";

/** |x| as m·2^e exactly (x finite, nonzero). */
function exact(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const biased = hi >>> 20;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) m |= 1n << 52n;
  return { m, e: (biased === 0 ? 1 : biased) - 1075 };
}

/** The neighbouring doubles of a positive double. */
function neighbours(x: number): [number, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, bits - 1n);
  const below = view.getFloat64(0);
  view.setBigUint64(0, bits + 1n);
  return [below, view.getFloat64(0)];
}

/** Whether `r` is a double nearest to |base|ⁿ (compared as exact integers on a common scale). */
function isNearest(r: number, base: number, n: number): boolean {
  const b = exact(base);
  const target = { m: b.m ** BigInt(n), e: b.e * n };
  const candidates = [r, ...neighbours(r)].map(exact);
  const low = Math.min(target.e, ...candidates.map((c) => c.e));
  const scaled = (v: { m: bigint; e: number }) => v.m << BigInt(v.e - low);
  const t = scaled(target);
  const dist = (v: { m: bigint; e: number }) => { const d = scaled(v) - t; return d < 0n ? -d : d; };
  const [mine, below, above] = candidates.map(dist);
  return mine <= below && mine <= above;
}

describe("powInt", () => {
  it("is the correctly rounded baseⁿ for the betas and gammas of training, over 1000 steps", () => {
    const wrong: string[] = [];
    for (const base of [0.9, 0.999, 0.95, 0.99, 0.1, 0.9999]) {
      for (let n = 0; n <= 1000; n++) {
        const r = powInt(base, n);
        if (n === 0 ? r !== 1 : r < 1e-290 ? false : !isNearest(r, base, n)) wrong.push(`${base}^${n} = ${r}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("rounds correctly for random bases above and below 1 and large exponents", () => {
    let s = 7;
    const next = () => (s = (s * 48271) % 2147483647) / 2147483647;
    const wrong: string[] = [];
    for (let i = 0; i < 400; i++) {
      const base = 0.5 + next() * 1.5, n = 2 + Math.floor(next() * 600);
      const r = powInt(base, n);
      if (Number.isFinite(r) && r > 1e-290 && !isNearest(r, base, n)) wrong.push(`${base}^${n} = ${r}`);
    }
    expect(wrong).toEqual([]);
  });

  it("agrees with ** where that is exact, keeps signs, and overflows and underflows as Math.pow", () => {
    expect(powInt(2, 10)).toBe(1024);
    expect(powInt(-3, 3)).toBe(-27);
    expect(powInt(-0.5, 2)).toBe(0.25);
    expect(powInt(0, 0)).toBe(1);
    expect(powInt(0, 5)).toBe(0);
    expect(powInt(10, 400)).toBe(Infinity);
    expect(powInt(-10, 401)).toBe(-Infinity);
    expect(powInt(0.1, 400)).toBe(0);
    expect(powInt(NaN, 3)).toBeNaN();
    expect(powInt(Infinity, 2)).toBe(Infinity);
  });

  it("rejects an exponent that is not a whole number ≥ 0, naming it", () => {
    expect(() => powInt(0.9, 1.5)).toThrow("powInt: the exponent must be a whole number ≥ 0, got 1.5");
    expect(() => powInt(0.9, -1)).toThrow("powInt: the exponent must be a whole number ≥ 0, got -1");
  });
});
