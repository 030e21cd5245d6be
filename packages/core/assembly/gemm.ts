/**
 * C = op(A) · op(B) in float32 with 128-bit SIMD: the WebAssembly twin of src/kernels/js/gemm.ts.
 *
 * Same plan as the JavaScript reference (GotoBLAS/BLIS): pack a KC×NC slice of op(B) and an MC×KC
 * block of op(A) into the order the inner loop reads them, then run a register-tiled micro-kernel
 * over the packed panels. What differs is the tile: 4 rows × 8 columns of C, held in eight f32x4
 * accumulators. Each k step loads two vectors of B and splats four values of A, so it does 32
 * multiply-adds for 6 loads. V8 (Node 20) hands out 15 vector registers and schedules every load of
 * a step before the arithmetic, so 8 accumulators + 6 loads + 1 temporary is exactly the budget;
 * bigger tiles measured slower because they spill.
 *
 * Pointers are byte offsets into linear memory; ld* are row strides in elements, so a caller can
 * hand one thread a band of rows or columns of the same matrices. Accumulation is in float32, in
 * an order fixed by k alone (slices of KC, then k order inside a slice), so results are
 * reproducible bit for bit and an entry of C does not depend on the band it is computed in, as
 * long as the band keeps at least 4 rows and 8 columns (below that, gemmThin sums differently).
 */

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 1024;

/** Bytes of scratch one gemm call needs: packed A block, packed B slice, one edge tile, alignment. */
export const GEMM_SCRATCH_BYTES: i32 = (MC * KC + KC * NC + MR * NR) * 4 + 64;

@inline function imin(a: i32, b: i32): i32 { return a < b ? a : b; }

/**
 * c + a·b. Built with relaxed SIMD (scripts/build-wasm.mjs makes both variants), this is one fused
 * multiply-add instruction where the CPU has one: half the arithmetic of the plain build, and one
 * rounding instead of two, so the two builds differ in the last bits.
 */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** acc = Σ_p a[p·MR + r] · b[p·NR + j] over kc steps; then the tile at c (+ c if accumulate). */
function microKernel(a: usize, b: usize, kc: i32, c: usize, ldcBytes: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const bEnd = b + (<usize>kc * NR << 2);
  while (b < bEnd) {
    const b0 = v128.load(b, 0);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(a, 0);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(a, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(a, 8);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(a, 12);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    a += MR << 2;
    b += NR << 2;
  }
  const r1 = c + ldcBytes, r2 = r1 + ldcBytes, r3 = r2 + ldcBytes;
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c, 0)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(r1, 0)); c11 = f32x4.add(c11, v128.load(r1, 16));
    c20 = f32x4.add(c20, v128.load(r2, 0)); c21 = f32x4.add(c21, v128.load(r2, 16));
    c30 = f32x4.add(c30, v128.load(r3, 0)); c31 = f32x4.add(c31, v128.load(r3, 16));
  }
  v128.store(c, c00, 0); v128.store(c, c01, 16);
  v128.store(r1, c10, 0); v128.store(r1, c11, 16);
  v128.store(r2, c20, 0); v128.store(r2, c21, 16);
  v128.store(r3, c30, 0); v128.store(r3, c31, 16);
}

/**
 * Pack `rows`×`depth` of a matrix X (X[r][p] at src + (r·rs + p·ds) floats) into panels of w rows:
 * panel-major, then p, then the w rows of the panel. Rows past `rows` are zero-filled, so the
 * micro-kernel never needs an edge case in its k loop.
 */
function packStrided(src: usize, rs: i32, ds: i32, rows: i32, depth: i32, w: i32, dst: usize): void {
  const dsBytes = <usize>ds << 2, wBytes = <usize>w << 2;
  for (let r0 = 0; r0 < rows; r0 += w) {
    const live = imin(w, rows - r0);
    for (let q = 0; q < w; q++) {
      let d = dst + (<usize>q << 2);
      if (q < live) {
        let s = src + (<usize>((r0 + q) * rs) << 2);
        for (let p = 0; p < depth; p++, s += dsBytes, d += wBytes) store<f32>(d, load<f32>(s));
      } else {
        for (let p = 0; p < depth; p++, d += wBytes) store<f32>(d, 0);
      }
    }
    dst += <usize>(w * depth) << 2;
  }
}

/**
 * As packStrided for rs = 1: the w values of one p are adjacent in src. The source is read row by
 * row (sequentially: a strided walk down a wide matrix misses the TLB on every element) and each
 * row is scattered a vector at a time into the panels.
 */
function packContiguous(src: usize, ds: i32, rows: i32, depth: i32, w: i32, dst: usize): void {
  const full = rows - rows % w;
  const panelBytes = <usize>(w * depth) << 2;
  const dsBytes = <usize>ds << 2;
  let s = src, d = dst;
  for (let p = 0; p < depth; p++, s += dsBytes, d += <usize>w << 2) {
    let panel = d;
    for (let r0 = 0; r0 < full; r0 += w, panel += panelBytes) {
      for (let q = 0; q < w; q += 4) v128.store(panel + (<usize>q << 2), v128.load(s + (<usize>(r0 + q) << 2)));
    }
  }
  if (full < rows) packStrided(src + (<usize>full << 2), 1, ds, rows - full, depth, w, dst + <usize>(full / w) * panelBytes);
}

/**
 * As packStrided for ds = 1: each row of X is contiguous along the depth, so a panel is a
 * transpose. Blocks of 4 rows × 4 depths are loaded as four vectors and transposed with shuffles
 * (x·Wᵀ packs W this way, and every non-transposed A). Ragged panels and the depth tail go
 * through packStrided.
 */
function packRows(src: usize, rs: i32, rows: i32, depth: i32, w: i32, dst: usize): void {
  const full = rows - rows % w, depth4 = depth & ~3;
  const panelBytes = <usize>(w * depth) << 2, rsBytes = <usize>rs << 2, stepBytes = <usize>w << 2;
  for (let r0 = 0; r0 < full; r0 += w) {
    const panel = dst + <usize>(r0 / w) * panelBytes;
    for (let q = 0; q < w; q += 4) {
      const row0 = src + <usize>(r0 + q) * rsBytes;
      let d = panel + (<usize>q << 2);
      for (let p = 0; p < depth4; p += 4, d += stepBytes << 2) {
        const at = row0 + (<usize>p << 2);
        const v0 = v128.load(at), v1 = v128.load(at + rsBytes), v2 = v128.load(at + 2 * rsBytes), v3 = v128.load(at + 3 * rsBytes);
        const lo01 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5), lo23 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
        const hi01 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7), hi23 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));                 // depth p:   rows q..q+3
        v128.store(d + stepBytes, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7));     // depth p+1
        v128.store(d + 2 * stepBytes, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5)); // depth p+2
        v128.store(d + 3 * stepBytes, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7)); // depth p+3
      }
      for (let p = depth4; p < depth; p++) { // the last depths, one float at a time
        for (let r = 0; r < 4; r++) store<f32>(panel + (<usize>(p * w + q + r) << 2), load<f32>(row0 + <usize>r * rsBytes + (<usize>p << 2)));
      }
    }
  }
  if (full < rows) packStrided(src + <usize>full * rsBytes, rs, 1, rows - full, depth, w, dst + <usize>(full / w) * panelBytes);
}

/** packStrided's contract, by the fastest path the strides allow. */
@inline function pack(src: usize, rs: i32, ds: i32, rows: i32, depth: i32, w: i32, dst: usize): void {
  if (rs == 1) packContiguous(src, ds, rows, depth, w, dst);
  else if (ds == 1) packRows(src, rs, rows, depth, w, dst);
  else packStrided(src, rs, ds, rows, depth, w, dst);
}

/**
 * C = op(A)·op(B) when C has fewer than MR rows or NR columns (a batch of one, a single output):
 * then a 4×8 tile would be mostly padding and packing would cost as much as the product, so each
 * entry is a plain dot product, vectorised along k when both operands are contiguous there.
 */
function gemmThin(a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize, ldc: i32, m: i32, n: i32, k: i32): void {
  if (n >= NR && bCol == 1) { // few rows, B's rows contiguous: C row i = Σ_p a(i,p) · B row p, 4 columns at a time
    const n4 = n & ~3;
    for (let i = 0; i < m; i++) {
      const cRow = c + (<usize>(i * ldc) << 2);
      memory.fill(cRow, 0, <usize>n << 2);
      for (let p = 0; p < k; p++) {
        const aip = load<f32>(a + (<usize>(i * aRow + p * aCol) << 2));
        const av = f32x4.splat(aip);
        const bp = b + (<usize>(p * bRow) << 2);
        let j = 0;
        for (; j < n4; j += 4) {
          const at = cRow + (<usize>j << 2);
          v128.store(at, f32x4.add(v128.load(at), f32x4.mul(av, v128.load(bp + (<usize>j << 2)))));
        }
        for (; j < n; j++) {
          const at = cRow + (<usize>j << 2);
          store<f32>(at, load<f32>(at) + aip * load<f32>(bp + (<usize>j << 2)));
        }
      }
    }
    return;
  }
  if (aRow == 1) { // op(A) = Aᵀ: A's rows run along i, so walk p outermost and add outer products
    for (let i = 0; i < m; i++) memory.fill(c + (<usize>(i * ldc) << 2), 0, <usize>n << 2);
    for (let p = 0; p < k; p++) {
      const ap = a + (<usize>(p * aCol) << 2), bp = b + (<usize>(p * bRow) << 2);
      for (let i = 0; i < m; i++) {
        const aip = load<f32>(ap + (<usize>i << 2));
        const cRow = c + (<usize>(i * ldc) << 2);
        for (let j = 0; j < n; j++) {
          const at = cRow + (<usize>j << 2);
          store<f32>(at, load<f32>(at) + aip * load<f32>(bp + (<usize>(j * bCol) << 2)));
        }
      }
    }
    return;
  }
  const k4 = bRow == 1 ? k & ~3 : 0; // both contiguous along k: 4 partial sums at a time
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const ai = a + (<usize>(i * aRow) << 2), bj = b + (<usize>(j * bCol) << 2);
      let acc = f32x4.splat(0);
      for (let p = 0; p < k4; p += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(ai + (<usize>p << 2)), v128.load(bj + (<usize>p << 2))));
      let sum = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
      for (let p = k4; p < k; p++) sum += load<f32>(ai + (<usize>(p * aCol) << 2)) * load<f32>(bj + (<usize>(p * bRow) << 2));
      store<f32>(c + (<usize>(i * ldc + j) << 2), sum);
    }
  }
}

/**
 * C (m×n, row stride ldc) = op(A) (m×k) · op(B) (k×n). A is stored m×k (row stride lda) or, when
 * transA, k×m; B is k×n or, when transB, n×k. C is overwritten.
 */
export function gemm(
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  m: i32, n: i32, k: i32, transA: bool, transB: bool, scratch: usize,
): void {
  if (m <= 0 || n <= 0) return;
  const ldcBytes = <usize>ldc << 2;
  if (k <= 0) {
    for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldcBytes, 0, <usize>n << 2);
    return;
  }
  if (m < MR || n < NR) {
    gemmThin(a, transA ? 1 : lda, transA ? lda : 1, b, transB ? 1 : ldb, transB ? ldb : 1, c, ldc, m, n, k);
    return;
  }
  const packedA = (scratch + 63) & ~(<usize>63);
  const packedB = packedA + (<usize>(MC * KC) << 2);
  const edge = packedB + (<usize>(KC * NC) << 2);
  // Element strides of op(A) and op(B) along their rows (i or p) and columns (p or j).
  const aRow = transA ? 1 : lda, aCol = transA ? lda : 1;
  const bRow = transB ? 1 : ldb, bCol = transB ? ldb : 1;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = imin(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = imin(KC, k - p0);
      // Panels of op(B) are packed as rows of op(B)ᵀ: one row per output column j.
      const bSrc = b + (<usize>(j0 * bCol + p0 * bRow) << 2);
      pack(bSrc, bCol, bRow, nc, kc, NR, packedB);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = imin(MC, m - i0);
        const aSrc = a + (<usize>(i0 * aRow + p0 * aCol) << 2);
        pack(aSrc, aRow, aCol, mc, kc, MR, packedA);
        const accumulate = p0 > 0;
        for (let jr = 0; jr < nc; jr += NR) {
          const nLive = imin(NR, nc - jr);
          const bPanel = packedB + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mLive = imin(MR, mc - ir);
            const aPanel = packedA + (<usize>(ir * kc) << 2);
            const cTile = c + <usize>(i0 + ir) * ldcBytes + (<usize>(j0 + jr) << 2);
            if (mLive == MR && nLive == NR) {
              microKernel(aPanel, bPanel, kc, cTile, ldcBytes, accumulate);
            } else {
              // Edge tile: compute the full 4×8 into scratch, copy back only the live part.
              microKernel(aPanel, bPanel, kc, edge, NR << 2, false);
              for (let r = 0; r < mLive; r++) {
                for (let q = 0; q < nLive; q++) {
                  const dst = cTile + <usize>r * ldcBytes + (<usize>q << 2);
                  const v = load<f32>(edge + (<usize>(r * NR + q) << 2));
                  store<f32>(dst, accumulate ? load<f32>(dst) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}
