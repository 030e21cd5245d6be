/**
 * The optimizers' update loops (src/kernels/js/optim.ts is the reference, with the equations), two
 * parameters at a time in float64 lanes: each value is computed in float64 in the reference's
 * order and rounded to float32 where the reference stores it, so the results are its bits.
 * Arrays are float32 with n rounded up to an even count (the caller pads).
 */

@inline function load2(p: usize): v128 { return f64x2.promote_low_f32x4(v128.load64_zero(p)); }
@inline function store2(p: usize, x: v128): void { v128.store64_lane(p, f32x4.demote_f64x2_zero(x), 0); }
/** x rounded to float32 and back: what the reference reads after storing x in a float32 array. */
@inline function round2(x: v128): v128 { return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(x)); }

/** torch.optim.SGD: p ← p − lr·g, with weight decay, momentum (buf), dampening, Nesterov, maximize. */
export function sgdUpdate(
  p: usize, grad: usize, buf: usize, n: i32, lr: f64, momentum: f64, dampening: f64,
  nesterov: bool, weightDecay: f64, maximize: bool, hasBuf: bool, first: bool,
): void {
  const end = p + (<usize>((n + 1) & ~1) << 2);
  const lrv = f64x2.splat(lr);
  if (!hasBuf && weightDecay == 0 && !maximize) { // plain SGD, the common case
    for (; p < end; p += 8, grad += 8) store2(p, f64x2.sub(load2(p), f64x2.mul(lrv, load2(grad))));
    return;
  }
  const mom = f64x2.splat(momentum), damp = f64x2.splat(1 - dampening), wd = f64x2.splat(weightDecay);
  for (; p < end; p += 8, grad += 8, buf += 8) {
    const x = load2(p);
    let g = load2(grad);
    if (maximize) g = f64x2.neg(g);
    if (weightDecay != 0) g = f64x2.add(g, f64x2.mul(wd, x));
    if (hasBuf) {
      const b = round2(first ? g : f64x2.add(f64x2.mul(mom, load2(buf)), f64x2.mul(damp, g)));
      store2(buf, b);
      g = nesterov ? f64x2.add(g, f64x2.mul(mom, b)) : b;
    }
    store2(p, f64x2.sub(x, f64x2.mul(lrv, g)));
  }
}

/** torch.optim.Adam / AdamW (decay < 1: decoupled weight decay; l2 > 0: Adam's L2 term), amsgrad with vMax. */
export function adamUpdate(
  p: usize, grad: usize, m: usize, v: usize, vMax: usize, n: i32,
  stepSize: f64, bc2Sqrt: f64, decay: f64, l2: f64, beta1: f64, beta2: f64, eps: f64, maximize: bool, amsgrad: bool,
): void {
  const end = p + (<usize>((n + 1) & ~1) << 2);
  const c1 = f64x2.splat(1 - beta1), b2 = f64x2.splat(beta2), c2 = f64x2.splat(1 - beta2);
  const dec = f64x2.splat(decay), l2v = f64x2.splat(l2), step = f64x2.splat(stepSize), bc2 = f64x2.splat(bc2Sqrt), ep = f64x2.splat(eps);
  for (; p < end; p += 8, grad += 8, m += 8, v += 8, vMax += 8) {
    let g = load2(grad);
    if (maximize) g = f64x2.neg(g);
    const x = f64x2.mul(load2(p), dec);
    g = f64x2.add(g, f64x2.mul(l2v, x));
    const mi = load2(m);
    const mNew = round2(f64x2.add(mi, f64x2.mul(c1, f64x2.sub(g, mi))));
    store2(m, mNew);
    let vi = round2(f64x2.add(f64x2.mul(b2, load2(v)), f64x2.mul(f64x2.mul(c2, g), g)));
    store2(v, vi);
    if (amsgrad) {
      const mx = load2(vMax);
      vi = v128.bitselect(mx, vi, v128.or(f64x2.gt(mx, vi), f64x2.ne(mx, mx))); // a NaN on either side wins
      store2(vMax, vi);
    }
    store2(p, f64x2.sub(x, f64x2.mul(step, f64x2.div(mNew, f64x2.add(f64x2.div(f64x2.sqrt(vi), bc2), ep)))));
  }
}
