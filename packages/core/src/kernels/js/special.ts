/**
 * The error function erf(x) = (2/√π)·∫₀ˣ e^(−t²) dt and its complement erfc(x) = 1 − erf(x), for one
 * float64 number: JavaScript's Math has neither. Two classic expansions, each used where it
 * converges fast and adds only positive terms (so no digits cancel), give results within a few
 * units in the last place (test/ops/erf.test.ts compares them with 50-digit values):
 *
 *  - |x| < 2.5, a power series whose terms are all positive (Abramowitz & Stegun 7.1.6):
 *      erf(x) = (2/√π)·x·e^(−x²)·Σₙ (2x²)ⁿ / (1·3·5···(2n+1)),  each term = the previous·2x²/(2n+1);
 *    at most 38 terms at x = 2.5, fewer near 0.
 *  - |x| ≥ 2.5, Laplace's continued fraction for the tail (A&S 7.1.14):
 *      erfc(x) = (e^(−x²)/√π) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
 *    evaluated by the modified Lentz method until a step changes it by less than 1 part in 10¹⁶:
 *    at most 39 steps at x = 2.5, 17 at x = 6. Then erf(x) = 1 − erfc(x): erfc(2.5) ≈ 4·10⁻⁴, so
 *    the subtraction loses nothing that matters.
 *  - |x| ≥ 6: erfc(6) ≈ 2·10⁻¹⁷ is below half a unit in the last place of 1, so erf is ±1 exactly.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);
/** Below this |x| the series, from it on the continued fraction (the two cost about the same there). */
const SERIES_LIMIT = 2.5;

/** erf(x) for |x| < SERIES_LIMIT, by the all-positive power series. */
function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = 1;
  let sum = 1;
  for (let n = 1; term > sum * 1e-17; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * x * Math.exp(-x * x) * sum;
}

/** erfc(x) for x ≥ SERIES_LIMIT, by the continued fraction (modified Lentz: f = x + a₁/(x + a₂/(x + …)), aₖ = k/2). */
function erfcFraction(x: number): number {
  let f = x;
  let c = x; // the ratio of successive numerators
  let d = 0; // the ratio of successive denominators, inverted
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = 1 / (x + a * d);
    c = x + a / c;
    const step = c * d;
    f *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < SERIES_LIMIT) return erfSeries(x); // odd: the series keeps x's sign (and −0)
  if (ax >= 6) return x > 0 ? 1 : -1; // ±∞ too
  if (ax !== ax) return x; // NaN
  const v = 1 - erfcFraction(ax);
  return x > 0 ? v : -v;
}

/** 1 − erf(x), accurate also where it is tiny (x large): the tail is computed directly there. */
export function erfc(x: number): number {
  if (x < SERIES_LIMIT) return 1 - erf(x); // NaN falls through here too (erf(NaN) is NaN)
  if (x === Infinity) return 0;
  return erfcFraction(x);
}
