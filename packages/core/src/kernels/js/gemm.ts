/**
 * Pure-JavaScript matrix multiply: C = op(A) · op(B).
 *
 * A naive triple loop reaches well under 1 GFLOP/s in V8. This one is built like
 * GotoBLAS/BLIS, scaled down to what V8 can do with scalar code:
 *
 *  1. Packing. A slice of op(B) and a block of op(A) are copied into contiguous
 *     Float64Arrays, laid out in exactly the order the inner loop reads them.
 *     After that the hot loop reads with stride 1, no matter how the caller stored
 *     A and B (row-major or transposed, Float32 or Float64). The copy touches each
 *     element once, while the multiply reuses it many times.
 *  2. Register tiling. The micro-kernel keeps an MR×NR block of C in local
 *     variables for the whole k loop. Each step loads MR + NR numbers and does
 *     MR·NR multiply-adds.
 *  3. Cache blocking. The k dimension is cut into slices of KC, and m and n into
 *     blocks of MC and NC, so the packed data stays in cache and the scratch
 *     buffers have a fixed size.
 *
 * Everything is accumulated in float64. C's array type decides the rounding on
 * store. When c is a Float32Array and k > KC, partial sums are rounded to float32
 * once per k slice.
 *
 * a, b and c must not overlap.
 */

export type FloatArray = Float32Array | Float64Array;

// Register tile: 3 rows × 2 columns of C, so 6 accumulators. Larger tiles (4×4,
// 2×4, ...) measured slower on Node 20. TurboFan schedules all the products of a
// step before their additions, so the products need registers too. Past about 6
// accumulators, values spill to the stack on every iteration.
const MR = 3;
const NR = 2;

// Cache blocks. KC·NR doubles of packed B (4 KB) stay in L1 while one block of
// packed A (MC·KC doubles, 192 KB) streams from L2. MC must be a multiple of MR,
// and NC a multiple of NR.
const KC = 256;
const MC = 96;
const NC = 256;

// Scratch buffers are module-level `const`s of fixed size, reused by every call.
// Nothing is allocated per call. Because they are constants, V8 embeds their
// addresses and lengths in the optimized kernel. That drops the per-load map
// checks and length reloads, and measured about 1.4x faster than growing `let`
// buffers on demand. The gain is lost if a bundler rewrites top-level `const` as
// `var`, as esbuild does when bundling. Untouched pages cost no physical memory.
const packedA = new Float64Array(MC * KC); // MC×KC block of op(A), in MR-row panels
const packedB = new Float64Array(KC * NC); // KC×NC slice of op(B), in NR-column panels
const blockC = new Float64Array(MC * NC); // product of the two, row-major with row length NC

/**
 * C = op(A) · op(B), with op(A) m×k and op(B) k×n; C is m×n row-major, OVERWRITTEN (not accumulated).
 * A is stored row-major from index aOff as m×k when transA is false, or as k×m when transA is true (so op(A) = Aᵀ).
 * B is stored row-major from bOff as k×n when transB is false, or as n×k when transB is true.
 * C is written from cOff. a, b, c may be Float32Array or Float64Array in any mix (c's type decides the rounding).
 * k = 0 must fill C with zeros. m or n = 0 writes nothing.
 */
export function gemm(a: FloatArray, aOff: number, b: FloatArray, bOff: number,
                     c: FloatArray, cOff: number, m: number, n: number, k: number,
                     transA: boolean, transB: boolean): void {
  checkArgs(a, aOff, b, bOff, c, cOff, m, n, k);
  if (m === 0 || n === 0) return;
  if (k === 0) {
    c.fill(0, cOff, cOff + m * n);
    return;
  }

  // Strides: op(A)[i][p] = a[aOff + i*aRow + p*aCol], op(B)[p][j] = b[bOff + p*bRow + j*bCol].
  // The transpose flags only change these strides. Packing absorbs them.
  const aRow = transA ? 1 : k, aCol = transA ? m : 1;
  const bRow = transB ? 1 : n, bCol = transB ? k : 1;

  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      // Pack op(B)[p0:p0+kc, j0:j0+nc] once. It is reused by every row block below.
      // Treated as op(B)ᵀ, its "rows" are the columns of op(B).
      pack(b, bOff + j0 * bCol + p0 * bRow, bCol, bRow, nc, kc, NR, packedB);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        pack(a, aOff + i0 * aRow + p0 * aCol, aRow, aCol, mc, kc, MR, packedA);
        multiplyPacked(roundUp(mc, MR), roundUp(nc, NR), kc);
        // The first k slice overwrites C, later slices add to it.
        unpack(c, cOff + i0 * n + j0, n, mc, nc, p0 > 0);
      }
    }
  }
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/**
 * Copies `rows` × `depth` of a strided matrix X, with X[r][p] = src[off + r*rowStride + p*depthStride],
 * into dst as panels of `w` rows. Within a panel, the w values for one p are adjacent, so the
 * micro-kernel reads dst front to back. The last panel is padded to w rows, so the kernel always
 * computes full tiles. The padding only feeds entries of blockC that are never copied out.
 * It is zeroed anyway, so stale NaNs or denormals cannot slow the arithmetic.
 */
function pack(src: FloatArray, off: number, rowStride: number, depthStride: number,
              rows: number, depth: number, w: number, dst: Float64Array): void {
  let panel = 0; // where the current panel starts in dst
  for (let r0 = 0; r0 < rows; r0 += w, panel += w * depth) {
    const live = Math.min(w, rows - r0);
    // One row at a time. The long loop over p is the inner one: about 18% faster overall at
    // small sizes than an inner loop over the w (2 or 3) rows of a panel.
    for (let q = 0; q < w; q++) {
      let d = panel + q;
      if (q < live) {
        let s = off + (r0 + q) * rowStride;
        for (let p = 0; p < depth; p++, s += depthStride, d += w) dst[d] = src[s];
      } else {
        for (let p = 0; p < depth; p++, d += w) dst[d] = 0;
      }
    }
  }
}

/**
 * blockC[0:mPad, 0:nPad] = packedA · packedB over `kc` steps. mPad and nPad are multiples of MR and NR.
 * This is the hot loop. It touches only the Float64Array scratch buffers, so it stays
 * monomorphic whatever array types the caller passes in.
 */
function multiplyPacked(mPad: number, nPad: number, kc: number): void {
  const A = packedA, B = packedB, C = blockC;
  for (let jr = 0; jr < nPad; jr += NR) {
    // B's panel of NR columns (kc·NR doubles) stays in L1 while we sweep all row panels of A.
    for (let ir = 0; ir < mPad; ir += MR) {
      let c00 = 0, c01 = 0;
      let c10 = 0, c11 = 0;
      let c20 = 0, c21 = 0;
      let ai = ir * kc, bi = jr * kc;
      const aEnd = ai + kc * MR;
      // The body is written out for MR = 3 and NR = 2. The `| 0` keeps the index
      // math in int32, so V8 drops its overflow checks (about 25% faster, measured).
      // No function calls happen in here.
      for (; ai < aEnd; ai = (ai + MR) | 0, bi = (bi + NR) | 0) {
        const a0 = A[ai], a1 = A[(ai + 1) | 0], a2 = A[(ai + 2) | 0];
        const b0 = B[bi], b1 = B[(bi + 1) | 0];
        c00 += a0 * b0; c01 += a0 * b1;
        c10 += a1 * b0; c11 += a1 * b1;
        c20 += a2 * b0; c21 += a2 * b1;
      }
      const ci = ir * NC + jr;
      C[ci] = c00; C[ci + 1] = c01;
      C[ci + NC] = c10; C[ci + NC + 1] = c11;
      C[ci + 2 * NC] = c20; C[ci + 2 * NC + 1] = c21;
    }
  }
}

/** Copies (or adds) the live rows × cols of blockC into c, whose rows are ldc apart. */
function unpack(c: FloatArray, ci: number, ldc: number, rows: number, cols: number, accumulate: boolean): void {
  for (let i = 0; i < rows; i++, ci += ldc) {
    const s = i * NC;
    if (accumulate) for (let j = 0; j < cols; j++) c[ci + j] += blockC[s + j];
    else for (let j = 0; j < cols; j++) c[ci + j] = blockC[s + j];
  }
}

// Reading past the end of a typed array yields undefined, which would silently turn into NaN.
// So the cheap O(1) checks run up front.
function checkArgs(a: FloatArray, aOff: number, b: FloatArray, bOff: number,
                   c: FloatArray, cOff: number, m: number, n: number, k: number): void {
  if (!isCount(aOff) || !isCount(bOff) || !isCount(cOff) || !isCount(m) || !isCount(n) || !isCount(k)) {
    throw new RangeError(`gemm: offsets and sizes must be non-negative integers (aOff=${aOff}, bOff=${bOff}, cOff=${cOff}, m=${m}, n=${n}, k=${k})`);
  }
  if (aOff + m * k > a.length) throw new RangeError(`gemm: A needs ${m * k} elements from offset ${aOff}, has ${a.length}`);
  if (bOff + k * n > b.length) throw new RangeError(`gemm: B needs ${k * n} elements from offset ${bOff}, has ${b.length}`);
  if (cOff + m * n > c.length) throw new RangeError(`gemm: C needs ${m * n} elements from offset ${cOff}, has ${c.length}`);
}

function isCount(x: number): boolean {
  return Number.isInteger(x) && x >= 0;
}
