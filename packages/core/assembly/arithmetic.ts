/**
 * Cheap elementwise loops, four floats at a time: binary arithmetic and comparisons (with the
 * broadcast shapes that matter: equal shapes, a scalar, a row repeated down a matrix), the
 * parameterised unary loops (relu and its derivative, clamp, scale, …), and column sums.
 *
 * Each loop below is written once with the op as a parameter; every exported entry point calls it
 * with a constant op, so after inlining the optimiser deletes the switch and each op gets its own
 * tight loop. Results are bit for bit those of the reference: a float32 +, −, ×, ÷ or √ rounds
 * exactly as the reference's float64 operation rounded once to float32 does, products with a
 * float64 parameter are done in float64, and the sums accumulate in float64 in the reference's order.
 */

// Binary op codes (src/kernels/wasm/index.ts has the same table).
export const ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAXIMUM = 4, MINIMUM = 5, GT = 6, GE = 7, LT = 8, LE = 9, EQ = 10;

@inline function vbinary(op: i32, x: v128, y: v128, one: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(x, y);
    case SUB: return f32x4.sub(x, y);
    case MUL: return f32x4.mul(x, y);
    case DIV: return f32x4.div(x, y);
    // NaN wins, and for ±0 ties the second operand, exactly as the reference's x > y || x ≠ x ? x : y.
    case MAXIMUM: return v128.bitselect(x, y, v128.or(f32x4.gt(x, y), f32x4.ne(x, x)));
    case MINIMUM: return v128.bitselect(x, y, v128.or(f32x4.lt(x, y), f32x4.ne(x, x)));
    case GT: return v128.and(f32x4.gt(x, y), one);
    case GE: return v128.and(f32x4.ge(x, y), one);
    case LT: return v128.and(f32x4.lt(x, y), one);
    case LE: return v128.and(f32x4.le(x, y), one);
    default: return v128.and(f32x4.eq(x, y), one);
  }
}

@inline function sbinary(op: i32, x: f32, y: f32): f32 {
  switch (op) {
    case ADD: return x + y;
    case SUB: return x - y;
    case MUL: return x * y;
    case DIV: return x / y;
    case MAXIMUM: return x > y || x != x ? x : y;
    case MINIMUM: return x < y || x != x ? x : y;
    case GT: return x > y ? 1 : 0;
    case GE: return x >= y ? 1 : 0;
    case LT: return x < y ? 1 : 0;
    case LE: return x <= y ? 1 : 0;
    default: return x == y ? 1 : 0;
  }
}

/**
 * out (rows × n) = a op b. Each operand is a full matrix (row step n), one row repeated (row step
 * 0) or one scalar (row step 0, element step 0): steps are in floats. out may be a or b.
 */
@inline function binaryLoop(op: i32, a: usize, aRowStep: i32, aStep: i32, b: usize, bRowStep: i32, bStep: i32, out: usize, rows: i32, n: i32): void {
  const one = f32x4.splat(1);
  const n4 = n & ~3;
  const aVec = <usize>aStep << 4, bVec = <usize>bStep << 4; // bytes per 4 elements: 16 or 0
  for (let r = 0; r < rows; r++) {
    let pa = a + (<usize>(r * aRowStep) << 2), pb = b + (<usize>(r * bRowStep) << 2), po = out + (<usize>(r * n) << 2);
    const xa = aStep == 0 ? v128.load32_splat(pa) : f32x4.splat(0), xb = bStep == 0 ? v128.load32_splat(pb) : f32x4.splat(0);
    for (let j = 0; j < n4; j += 4, pa += aVec, pb += bVec, po += 16) {
      const x = aStep == 0 ? xa : v128.load(pa), y = bStep == 0 ? xb : v128.load(pb);
      v128.store(po, vbinary(op, x, y, one));
    }
    for (let j = n4; j < n; j++, pa += <usize>aStep << 2, pb += <usize>bStep << 2, po += 4) {
      store<f32>(po, sbinary(op, load<f32>(pa), load<f32>(pb)));
    }
  }
}

export function binaryArray(op: i32, a: usize, aRowStep: i32, aStep: i32, b: usize, bRowStep: i32, bStep: i32, out: usize, rows: i32, n: i32): void {
  switch (op) {
    case ADD: binaryLoop(ADD, a, aRowStep, aStep, b, bRowStep, bStep, out, rows, n); break;
    case SUB: binaryLoop(SUB, a, aRowStep, aStep, b, bRowStep, bStep, out, rows, n); break;
    case MUL: binaryLoop(MUL, a, aRowStep, aStep, b, bRowStep, bStep, out, rows, n); break;
    case DIV: binaryLoop(DIV, a, aRowStep, aStep, b, bRowStep, bStep, out, rows, n); break;
    case MAXIMUM: binaryLoop(MAXIMUM, a, aRowStep, aStep, b, bRowStep, bStep, out, rows, n); break;
    case MINIMUM: binaryLoop(MINIMUM, a, aRowStep, aStep, b, bRowStep, bStep, out, rows, n); break;
    case GT: binaryLoop(GT, a, aRowStep, aStep, b, bRowStep, bStep, out, rows, n); break;
    case GE: binaryLoop(GE, a, aRowStep, aStep, b, bRowStep, bStep, out, rows, n); break;
    case LT: binaryLoop(LT, a, aRowStep, aStep, b, bRowStep, bStep, out, rows, n); break;
    case LE: binaryLoop(LE, a, aRowStep, aStep, b, bRowStep, bStep, out, rows, n); break;
    default: binaryLoop(EQ, a, aRowStep, aStep, b, bRowStep, bStep, out, rows, n); break;
  }
}

// Unary op codes with parameters p, q (the reference's meanings; see src/kernels/codes.ts).
export const NEG = 0, ABS = 1, SQUARE = 2, SQRT = 3, SIGN = 4, RELU = 5, LEAKY_RELU = 6, STEP = 7, LEAKY_STEP = 8, CLAMP = 9, IN_RANGE = 10, SCALE = 11;

/**
 * x · p with p a float64, rounded once to float32, as the reference computes it (p = 1/count, a
 * slope like 0.01, is rarely a float32 itself, so multiplying by float32(p) would round twice).
 */
@inline function mulF64(x: v128, p: v128): v128 {
  const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(x), p));
  const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1)), p));
  return v128.shuffle<f32>(lo, hi, 0, 1, 4, 5);
}

@inline function vunary(op: i32, x: v128, p: v128, q: v128, p64: v128, one: v128, zero: v128, sign: v128, z: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(x);
    case ABS: return f32x4.abs(x);
    case SQUARE: return f32x4.mul(x, x);
    case SQRT: return f32x4.sqrt(x);
    // ±1 with x's sign; ±0 and NaN are kept (Math.sign).
    case SIGN: return v128.bitselect(x, v128.or(v128.and(x, sign), one), v128.or(f32x4.eq(x, zero), f32x4.ne(x, x)));
    case RELU: return v128.and(x, v128.or(f32x4.gt(x, zero), f32x4.ne(x, x)));
    case LEAKY_RELU: return v128.bitselect(x, mulF64(x, p64), f32x4.gt(x, zero));
    // 1 where x > 0, z (the value at ±0 the op chose) where x = ±0, else 0 or the slope q (NaN too).
    case STEP: return v128.bitselect(one, v128.and(z, f32x4.eq(x, zero)), f32x4.gt(x, zero));
    case LEAKY_STEP: return v128.bitselect(one, v128.bitselect(z, q, f32x4.eq(x, zero)), f32x4.gt(x, zero));
    case CLAMP: return v128.bitselect(p, v128.bitselect(q, x, f32x4.gt(x, q)), f32x4.lt(x, p));
    case IN_RANGE: return v128.and(v128.and(f32x4.ge(x, p), f32x4.le(x, q)), one);
    default: return mulF64(x, p64);
  }
}

/** y = op(x) over n floats, n rounded up to whole vectors (as in elementwise.ts: the caller pads). */
@inline function unaryLoop(op: i32, x: usize, y: usize, n: i32, p: f64, q: f64): void {
  const pv = f32x4.splat(<f32>p), qv = f32x4.splat(<f32>q), p64 = f64x2.splat(p);
  const one = f32x4.splat(1), zero = f32x4.splat(0), sign = f32x4.splat(-0.0);
  // step and leakyStep at ±0: p·1 + (1 − p)·(left slope), in float64 as the reference computes it.
  const z = f32x4.splat(<f32>(p * 1 + (1 - p) * (op == LEAKY_STEP ? q : 0)));
  const end = x + (<usize>((n + 3) & ~3) << 2);
  for (; x < end; x += 16, y += 16) v128.store(y, vunary(op, v128.load(x), pv, qv, p64, one, zero, sign, z));
}

export function unaryArray(op: i32, x: usize, y: usize, n: i32, p: f64, q: f64): void {
  switch (op) {
    case NEG: unaryLoop(NEG, x, y, n, p, q); break;
    case ABS: unaryLoop(ABS, x, y, n, p, q); break;
    case SQUARE: unaryLoop(SQUARE, x, y, n, p, q); break;
    case SQRT: unaryLoop(SQRT, x, y, n, p, q); break;
    case SIGN: unaryLoop(SIGN, x, y, n, p, q); break;
    case RELU: unaryLoop(RELU, x, y, n, p, q); break;
    case LEAKY_RELU: unaryLoop(LEAKY_RELU, x, y, n, p, q); break;
    case STEP: unaryLoop(STEP, x, y, n, p, q); break;
    case LEAKY_STEP: unaryLoop(LEAKY_STEP, x, y, n, p, q); break;
    case CLAMP: unaryLoop(CLAMP, x, y, n, p, q); break;
    case IN_RANGE: unaryLoop(IN_RANGE, x, y, n, p, q); break;
    default: unaryLoop(SCALE, x, y, n, p, q); break;
  }
}

/**
 * Column sums of a rows × n matrix: out[j] = Σ_i x[i][j], in float64, row by row (the
 * reference's order), two columns per f64x2. The bias gradient of a layer is this sum.
 */
export function sumColumns(x: usize, rows: i32, n: i32, out: usize): void {
  const rowBytes = <usize>n << 2;
  let j = 0;
  for (; j + 2 <= n; j += 2) {
    let acc = f64x2.splat(0);
    let px = x + (<usize>j << 2);
    for (let i = 0; i < rows; i++, px += rowBytes) acc = f64x2.add(acc, f64x2.promote_low_f32x4(v128.load64_zero(px)));
    v128.store64_lane(out + (<usize>j << 2), f32x4.demote_f64x2_zero(acc), 0);
  }
  if (j < n) {
    let s: f64 = 0;
    let px = x + (<usize>j << 2);
    for (let i = 0; i < rows; i++, px += rowBytes) s += <f64>load<f32>(px);
    store<f32>(out + (<usize>j << 2), <f32>s);
  }
}
