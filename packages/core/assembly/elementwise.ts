/**
 * Elementwise float32 loops with 128-bit SIMD: exp and sigmoid over n floats at x, into y
 * (x and y may be the same). Pointers are byte offsets; n is rounded up to two whole vectors, so
 * the caller leaves room for up to 7 floats past the end (they are computed and never read).
 *
 * WebAssembly has no exp instruction, so exp is built the classic way:
 *   e^x = 2^n · e^r  with  n = round(x·log₂e),  r = x − n·ln2  (|r| ≤ ln2/2),
 * the rounding done by adding 1.5·2²³ ("magic bias"), ln2 split in two constants (Cody–Waite) so
 * r keeps its low bits, e^r from a short polynomial, and 2^n written straight into the exponent
 * bits. The tests sweep 10⁷ points over the whole float32 range against Math.exp.
 *
 * V8 (Node 20) rebuilds a SIMD constant at every use inside a loop, so each loop reads its
 * constants from a table once, before the loop, and keeps them in locals.
 */

// Splatted constants, one 16-byte row each (offsets below are row·16).
const K: usize = memory.data<f32>([
  1.44269504, 1.44269504, 1.44269504, 1.44269504,          //  0: log₂e
  12582912.0, 12582912.0, 12582912.0, 12582912.0,          //  1: 1.5·2²³, rounds to an integer
  0.693359375, 0.693359375, 0.693359375, 0.693359375,      //  2: ln2, high part (few bits, exact products)
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, // 3: ln2 − high part
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, // 4..9: Cephes expf polynomial
  1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3,
  4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1,
  5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,
  88.76, 88.76, 88.76, 88.76,                              // 10: above: e^x overflows to +Inf
  -103.98, -103.98, -103.98, -103.98,                      // 11: below: e^x underflows to 0
  1.0, 1.0, 1.0, 1.0,                                      // 12
  0.99999970197677612, 0.99999970197677612, 0.99999970197677612, 0.99999970197677612, // 13..17: degree-5
  0.49998965859413147, 0.49998965859413147, 0.49998965859413147, 0.49998965859413147, // minimax for e^r
  0.16667652130126953, 0.16667652130126953, 0.16667652130126953, 0.16667652130126953,
  0.041903667151927948, 0.041903667151927948, 0.041903667151927948, 0.041903667151927948,
  0.0082963863387703896, 0.0082963863387703896, 0.0082963863387703896, 0.0082963863387703896,
  -0.0, -0.0, -0.0, -0.0,                                  // 18: the sign bit
], 16);

@inline function k(row: i32): v128 { return v128.load(K + (<usize>row << 4)); }

/**
 * x·2^n for integer lanes n, as x·2^n1·2^n2 (n1 = n/2): each factor stays a normal float even
 * when n is near ±127, so results overflow only past FLT_MAX and fall smoothly into denormals.
 */
@inline function scaleByPow2(x: v128, n: v128, one: v128): v128 {
  const n1 = i32x4.shr_s(n, 1);
  const s1 = i32x4.add(i32x4.shl(n1, 23), one); // 1.0's bits are 127 << 23
  const s2 = i32x4.add(i32x4.shl(i32x4.sub(n, n1), 23), one);
  return f32x4.mul(f32x4.mul(x, s1), s2);
}

/** e^v for one vector: the constants come in as arguments so that the loop loads them once. */
@inline function expVector(v: v128, log2e: v128, magic: v128, ln2hi: v128, ln2lo: v128, p0: v128, p1: v128, p2: v128,
                           p3: v128, p4: v128, p5: v128, hi: v128, lo: v128, one: v128): v128 {
  // pmin/pmax keep a NaN operand when it is the first one, so NaN flows through.
  const xc = f32x4.pmax(f32x4.pmin(v, hi), lo);
  const t = f32x4.add(f32x4.mul(xc, log2e), magic);
  const nf = f32x4.sub(t, magic);
  const ni = i32x4.sub(t, magic); // the integer n, from the bit patterns
  let r = f32x4.sub(xc, f32x4.mul(nf, ln2hi));
  r = f32x4.sub(r, f32x4.mul(nf, ln2lo));
  let p = f32x4.add(f32x4.mul(p0, r), p1);
  p = f32x4.add(f32x4.mul(p, r), p2);
  p = f32x4.add(f32x4.mul(p, r), p3);
  p = f32x4.add(f32x4.mul(p, r), p4);
  p = f32x4.add(f32x4.mul(p, r), p5);
  const er = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), one);
  return scaleByPow2(er, ni, one);
}

/**
 * e^x, accurate to 1 ulp for normal results; NaN stays NaN, ±Inf give +Inf / 0. Two vectors per
 * iteration: each is a long dependent chain, and two independent ones keep the CPU busy.
 */
export function expArray(x: usize, y: usize, n: i32): void {
  const log2e = k(0), magic = k(1), ln2hi = k(2), ln2lo = k(3);
  const p0 = k(4), p1 = k(5), p2 = k(6), p3 = k(7), p4 = k(8), p5 = k(9);
  const hi = k(10), lo = k(11), one = k(12);
  const end = x + (<usize>((n + 7) & ~7) << 2);
  for (; x < end; x += 32, y += 32) {
    const a = v128.load(x, 0), b = v128.load(x, 16);
    v128.store(y, expVector(a, log2e, magic, ln2hi, ln2lo, p0, p1, p2, p3, p4, p5, hi, lo, one), 0);
    v128.store(y, expVector(b, log2e, magic, ln2hi, ln2lo, p0, p1, p2, p3, p4, p5, hi, lo, one), 16);
  }
}

/** σ for one vector (see sigmoidArray); constants as arguments, as for expVector. */
@inline function sigmoidVector(v: v128, log2e: v128, magic: v128, ln2hi: v128, ln2lo: v128, lo: v128, one: v128,
                               q1: v128, q2: v128, q3: v128, q4: v128, q5: v128, sign: v128): v128 {
  const w = f32x4.pmax(v128.or(v, sign), lo); // −|x|, not below where e^w underflows to 0
  const t = f32x4.add(f32x4.mul(w, log2e), magic);
  const nf = f32x4.sub(t, magic);
  const ni = i32x4.sub(t, magic);
  let r = f32x4.sub(w, f32x4.mul(nf, ln2hi));
  r = f32x4.sub(r, f32x4.mul(nf, ln2lo));
  let p = f32x4.add(f32x4.mul(q5, r), q4);
  p = f32x4.add(f32x4.mul(p, r), q3);
  p = f32x4.add(f32x4.mul(p, r), q2);
  p = f32x4.add(f32x4.mul(p, r), q1);
  const e = scaleByPow2(f32x4.add(f32x4.mul(r, p), one), ni, one);
  const f = f32x4.div(e, f32x4.add(e, one));
  // Select on the sign bit (not x < 0) so −0 takes the same branch as +0 and NaN stays NaN.
  return v128.bitselect(f, f32x4.sub(one, f), i32x4.lt_s(v, i32x4.splat(0)));
}

/**
 * σ(x) = 1/(1 + e^−x), within 6 ulp. It only ever evaluates e^w for w = −|x| ≤ 0, so nothing
 * overflows: f = e^w/(1 + e^w) is σ(−|x|), and σ(x) is f for x < 0, 1 − f otherwise. e^w uses a
 * shorter polynomial than expArray (degree 5, minimax), and the same split 2^n1·2^n2 scaling, so
 * results far out on the left tail fall smoothly into float32's denormals as the reference's do.
 */
export function sigmoidArray(x: usize, y: usize, n: i32): void {
  const log2e = k(0), magic = k(1), ln2hi = k(2), ln2lo = k(3), lo = k(11), one = k(12);
  const q1 = k(13), q2 = k(14), q3 = k(15), q4 = k(16), q5 = k(17), sign = k(18);
  const end = x + (<usize>((n + 7) & ~7) << 2);
  for (; x < end; x += 32, y += 32) {
    const a = v128.load(x, 0), b = v128.load(x, 16);
    v128.store(y, sigmoidVector(a, log2e, magic, ln2hi, ln2lo, lo, one, q1, q2, q3, q4, q5, sign), 0);
    v128.store(y, sigmoidVector(b, log2e, magic, ln2hi, ln2lo, lo, one, q1, q2, q3, q4, q5, sign), 16);
  }
}
