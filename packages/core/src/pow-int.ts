/**
 * baseⁿ for a whole number n, rounded correctly and identically on every JavaScript engine.
 *
 * Why not `base ** n`: ECMAScript leaves Math.pow's last bit to the engine, and engines differ
 * (Node 20 and 22 round 0.9 ** 7 one unit in the last place away from Node 24, whose result is the
 * correctly rounded one that Python, and so PyTorch, computes). Adam's bias corrections and the
 * step schedulers' γⁿ go through this function, so a float64 training run gives the same bits on
 * every engine, and the same as PyTorch.
 *
 * How: square-and-multiply in double-double arithmetic (each value carried as an unevaluated sum
 * hi + lo with about 106 significant bits), which only uses + and ×, exact in IEEE 754 everywhere;
 * the final hi + lo is rounded once. Below the normal range (results under about 1e-292) the low
 * word loses bits, so the last bit there may differ from the exact rounding, though still the same
 * on every engine.
 */

/** 2²⁷ + 1: splits a double into two halves whose products are exact (Dekker). */
const SPLIT = 134217729;

/** a·b as hi + lo exactly (Dekker's product, no fused multiply-add needed). */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const ca = SPLIT * a, ah = ca - (ca - a), al = a - ah;
  const cb = SPLIT * b, bh = cb - (cb - b), bl = b - bh;
  return [p, ((ah * bh - p) + ah * bl + al * bh) + al * bl];
}

/** (xh + xl)·(yh + yl) in double-double, renormalised so that |lo| ≤ ½ ulp(hi). */
function ddMul(xh: number, xl: number, yh: number, yl: number): [number, number] {
  const [p, e0] = twoProduct(xh, yh);
  if (!Number.isFinite(p)) return [p, 0]; // overflowed: ±∞ (or NaN) is the answer
  const e = e0 + (xh * yl + xl * yh);
  const hi = p + e;
  return [hi, e - (hi - p)];
}

/** baseⁿ for a whole number n ≥ 0, correctly rounded in the normal range (0⁰ = 1, as Math.pow). */
export function powInt(base: number, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`powInt: the exponent must be a whole number ≥ 0, got ${n}`);
  if (!Number.isFinite(base) || n <= 1 || Math.abs(base) > 2 ** 996) return base ** n; // exact or overflowing anyway
  let rh = 1, rl = 0, bh = base, bl = 0;
  for (let k = n; ; ) {
    if (k % 2 === 1) [rh, rl] = ddMul(rh, rl, bh, bl);
    k = Math.floor(k / 2);
    if (k === 0) break;
    [bh, bl] = ddMul(bh, bl, bh, bl);
    if (!Number.isFinite(bh) || Math.abs(bh) > 2 ** 996) return Number.isFinite(rh) ? base ** n : rh; // heading for overflow
  }
  return Number.isFinite(rh) ? rh + rl : rh;
}
