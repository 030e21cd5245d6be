/**
 * The soak's verdict: does memory grow with the number of training steps?
 *
 * A run is a series of samples (step, bytes) taken after a warm-up. A leak of b bytes per step is a
 * straight line; a healthy run is flat with noise (garbage collection, allocator caches) and maybe a
 * one-off step early on (a buffer pool filling up). Two checks, each with its own limit:
 *
 *   slope   the slope over the SECOND half of the samples, projected over the whole run (bytes per
 *           step × steps sampled): a steady leak, however small per step. The first half is left
 *           out so that a pool which fills once does not count. The slope is Theil–Sen's (the
 *           median of the slopes between every pair of samples) rather than least squares: one
 *           sample taken in the middle of a burst of allocation cannot tilt it.
 *   growth  the median of the last quarter minus the median of the first quarter: a large rise
 *           anywhere after the warm-up. Medians, so that one noisy sample does not decide.
 *
 * Either above its limit fails the run.
 */

export interface Sample {
  step: number;
  bytes: number;
}

export interface Limits {
  /** The most the second-half slope may add over the sampled span, in bytes. */
  slope: number;
  /** The most the last quarter's median may exceed the first quarter's, in bytes. */
  growth: number;
}

export interface Trend {
  /** Median of the first and last quarters of the samples, bytes. */
  first: number;
  last: number;
  /** last − first, bytes. */
  growth: number;
  /** Second-half (Theil–Sen) slope × the sampled span of steps, bytes. */
  slope: number;
  /** Bytes per step of that slope. */
  perStep: number;
  ok: boolean;
  /** Why it failed (empty when ok). */
  reasons: string[];
}

/** The Theil–Sen slope of ys against xs: the median of (yj − yi)/(xj − xi) over pairs with xi ≠ xj (0 if none). */
export function theilSenSlope(xs: readonly number[], ys: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) if (xs[j] !== xs[i]) slopes.push((ys[j] - ys[i]) / (xs[j] - xs[i]));
  }
  return slopes.length ? median(slopes) : 0;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(2)} MB`;

/** Judge one series of samples (in step order, after the warm-up; at least 8). */
export function trend(samples: readonly Sample[], limits: Limits): Trend {
  if (samples.length < 8) throw new Error(`trend: need at least 8 samples to see a trend, got ${samples.length}`);
  const q = Math.floor(samples.length / 4);
  const bytes = samples.map((s) => s.bytes);
  const first = median(bytes.slice(0, q));
  const last = median(bytes.slice(-q));
  const half = samples.slice(Math.floor(samples.length / 2));
  const perStep = theilSenSlope(half.map((s) => s.step), half.map((s) => s.bytes));
  const span = samples[samples.length - 1].step - samples[0].step;
  const slope = perStep * span;
  const growth = last - first;
  const reasons: string[] = [];
  if (slope > limits.slope) reasons.push(`slope ${mb(slope)} over ${span} steps (${perStep.toFixed(1)} B/step) > ${mb(limits.slope)}`);
  if (growth > limits.growth) reasons.push(`growth ${mb(growth)} (last quarter's median over the first's) > ${mb(limits.growth)}`);
  return { first, last, growth, slope, perStep, ok: reasons.length === 0, reasons };
}
