/**
 * The one global pseudo-random generator behind rand, randn, initializers, dropout and shuffling.
 * `manualSeed(s)` makes every run reproducible bit for bit.
 *
 * Generator: xoshiro128** (fast, 128-bit state, good statistical quality), seeded through
 * splitmix32 so that nearby seeds give unrelated streams.
 */
const state = new Uint32Array(4);
let spareNormal: number | null = null;

function splitmix32(x: number): () => number {
  return () => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function manualSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new Error(`manualSeed: seed must be a finite number, got ${seed}`);
  // Fold the full double into 32 bits so large seeds still differ.
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  const next = splitmix32(lo ^ Math.imul(hi, 0x27d4eb2d));
  for (let i = 0; i < 4; i++) state[i] = next();
  spareNormal = null;
}

function nextUint32(): number {
  const s = state;
  const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
  const t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * @internal The generator's whole state: the four xoshiro128** words and the pending second value
 * of the last Box–Muller pair (null when none is pending). creation.ts checks and publishes it
 * (getRngState/setRngState); this module is a leaf of the import stack and checks nothing here.
 */
export function readRng(): { words: number[]; spareNormal: number | null } {
  return { words: Array.from(state), spareNormal };
}

/** @internal Restore what readRng returned (already checked: four uint32 words, not all 0). */
export function writeRng(words: readonly number[], spare: number | null): void {
  for (let i = 0; i < 4; i++) state[i] = words[i];
  spareNormal = spare;
}

/** Uniform in [0, 1) with 53 random bits. */
export function random(): number {
  const hi = nextUint32() >>> 5; // 27 bits
  const lo = nextUint32() >>> 6; // 26 bits
  return (hi * 67108864 + lo) / 9007199254740992;
}

/** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
export function randomNormal(): number {
  if (spareNormal !== null) {
    const v = spareNormal;
    spareNormal = null;
    return v;
  }
  let u = 0;
  while (u === 0) u = random(); // log(0) would be -∞
  const v = random();
  const r = Math.sqrt(-2 * Math.log(u));
  spareNormal = r * Math.sin(2 * Math.PI * v);
  return r * Math.cos(2 * Math.PI * v);
}

/** Uniform integer in [0, n). */
export function randomInt(n: number): number {
  return Math.floor(random() * n);
}

manualSeed(0);
