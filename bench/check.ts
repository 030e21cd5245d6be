/**
 * The correctness gate: every side's result is compared with the reference (backprop on its "js"
 * backend, itself checked against TF.js and by the tests) before anything is timed, so a wrong
 * kernel fails loudly instead of being timed.
 */

/** Largest |a − b| and the first index where |a − b| > atol + rtol·|b| (−1 if none). */
export function compare(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): { worst: number; maxDiff: number } {
  if (a.length !== b.length) return { worst: 0, maxDiff: Infinity };
  let worst = -1, worstExcess = 0, maxDiff = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= maxDiff)) maxDiff = d; // NaN-safe
    const excess = d - (atol + rtol * Math.abs(b[i]));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) { worst = i; worstExcess = excess; }
  }
  return { worst, maxDiff };
}

/** Throw unless `got` (from side `who`) matches `ref` (from side `refWho`) everywhere. */
export function check(what: string, who: string, got: ArrayLike<number>, refWho: string, ref: ArrayLike<number>, atol: number, rtol: number): void {
  if (got.length !== ref.length) throw new Error(`${what}: result sizes differ (${who} ${got.length}, ${refWho} ${ref.length})`);
  const { worst, maxDiff } = compare(got, ref, atol, rtol);
  if (worst >= 0) {
    throw new Error(`${what}: ${who} and ${refWho} disagree at [${worst}]: ${got[worst]} vs ${ref[worst]} (atol ${atol}, rtol ${rtol}); not timing wrong code`);
  }
  process.stderr.write(`  ✓ ${what}: ${who} agrees with ${refWho} (max |Δ| ${maxDiff.toExponential(2)})\n`);
}
