/**
 * The "wasm" backend against the "js" reference, kernel by kernel, on seeded random inputs of
 * awkward shapes (odd sizes, 1×N, N×1, sizes off the 4×8 tile and off the 256/128/1024 cache
 * blocks), to float32 tolerance; plus bit-for-bit reproducibility and the dispatch rules.
 */
import { describe, expect, it } from "vitest";
import { jsBackend } from "../../src/kernels/js/index.js";
import { ELEMENTWISE_MIN_LENGTH, GEMM_MIN_WORK, THREADS_MIN_WORK, makeWasmBackend, wasmBackend, wasmKernels } from "../../src/kernels/wasm/index.js";
import { compileKernels, KernelMemoryError, SINGLE_BUILDS, WasmKernels } from "../../src/kernels/wasm/module.js";
import { GemmThreads, keptSharedMemory, SHARED_BUILDS, sharedMemoryPolicy, workerStartPolicy } from "../../src/kernels/wasm/threads.js";
import { Worker } from "node:worker_threads";
import type { BinaryKernel, UnaryKernel } from "../../src/kernels/codes.js";
import { availableBackends, backendInfo, getBackend, getThreads, setBackend, setThreads } from "../../src/index.js";
import { uniform } from "./inputs.js";

const wasm = wasmBackend!;

describe("the wasm backend is available and selectable", () => {
  it("loads in Node 20 (WebAssembly SIMD) and is listed beside js", () => {
    expect(wasmBackend).not.toBeNull();
    expect(availableBackends()).toEqual(expect.arrayContaining(["js", "wasm"]));
  });

  it("setBackend switches and getBackend reports; an unknown name throws listing the choices", () => {
    const before = getBackend();
    try {
      setBackend("js");
      expect(getBackend()).toBe("js");
      setBackend("wasm");
      expect(getBackend()).toBe("wasm");
      expect(() => setBackend("gpu")).toThrow(/setBackend: unknown backend "gpu"; available: js, wasm/);
      // A huge name is quoted by its prefix, not whole.
      expect(() => setBackend("w".repeat(1e6))).toThrow(expect.objectContaining({ message: expect.stringMatching(/^setBackend: unknown backend "w{1,100}.{0,60}; available: js, wasm$/) }));
      expect(getBackend()).toBe("wasm"); // a failed switch changes nothing
    } finally {
      setBackend(before);
    }
  });
});

// ───────────────────────────── gemm ─────────────────────────────

const LAYOUTS: [boolean, boolean][] = [[false, false], [false, true], [true, false], [true, true]];

/** Run one gemm on both backends from the same operands; returns both results. */
function bothGemm(m: number, n: number, k: number, transA: boolean, transB: boolean, seed: number) {
  const a = uniform(m * k, seed), b = uniform(k * n, seed + 1);
  const ref = new Float32Array(m * n), got = new Float32Array(m * n).fill(NaN); // NaN: every entry must be written
  jsBackend.gemm(a, 0, b, 0, ref, 0, m, n, k, transA, transB);
  wasm.gemm(a, 0, b, 0, got, 0, m, n, k, transA, transB);
  return { a, b, ref, got };
}

/** Float32 tolerance for a k-term dot product of values in [−1, 1): rounding grows about like √k. */
function expectGemmClose(got: Float32Array, ref: Float32Array, k: number): void {
  const tol = 4 * 2 ** -24 * Math.max(1, k) * 1.5;
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]));
  expect(got.every((v) => Number.isFinite(v))).toBe(true);
  expect(worst).toBeLessThanOrEqual(tol);
}

describe("wasm gemm equals the reference on every layout and awkward shapes", () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1024], [1, 777, 5], [777, 1, 5], [1, 33, 64], [33, 1, 64], // 1×N and N×1
    [3, 5, 7], [4, 8, 16], [5, 9, 17], [13, 11, 3],                  // tiny, on and off the 4×8 tile
    [63, 65, 67], [129, 31, 257], [130, 257, 300],                    // off MC=128 and KC=256
    [7, 1030, 9], [2, 2100, 3],                                       // off NC=1024 (two column slices)
  ];
  for (const [m, n, k] of shapes) {
    for (const [tA, tB] of LAYOUTS) {
      it(`${m}×${k} · ${k}×${n}, transA=${tA} transB=${tB}`, () => {
        const { ref, got } = bothGemm(m, n, k, tA, tB, m * 7 + n * 13 + k);
        expectGemmClose(got, ref, k);
      });
    }
  }

  it("k = 0 gives zeros and m = 0 or n = 0 writes nothing", () => {
    const c = new Float32Array(12).fill(7);
    wasm.gemm(new Float32Array(0), 0, new Float32Array(0), 0, c, 0, 3, 4, 0, false, false);
    expect([...c]).toEqual(new Array(12).fill(0));
    const d = new Float32Array(4).fill(7);
    wasm.gemm(new Float32Array(0), 0, new Float32Array(8), 0, d, 0, 0, 4, 2, false, false);
    expect([...d]).toEqual([7, 7, 7, 7]);
  });

  it("honours the operand offsets (batched matmul slices one array)", () => {
    const m = 20, n = 24, k = 30, batch = 3;
    const a = uniform(batch * m * k, 5), b = uniform(batch * k * n, 6);
    const ref = new Float32Array(batch * m * n), got = new Float32Array(batch * m * n);
    for (let i = 0; i < batch; i++) {
      jsBackend.gemm(a, i * m * k, b, i * k * n, ref, i * m * n, m, n, k, false, true);
      wasm.gemm(a, i * m * k, b, i * k * n, got, i * m * n, m, n, k, false, true);
    }
    expectGemmClose(got, ref, k);
  });

  it("is reproducible bit for bit, and a row band of C equals the same rows of the whole", () => {
    const first = bothGemm(150, 70, 300, false, true, 9).got;
    const again = bothGemm(150, 70, 300, false, true, 9).got;
    expect(Buffer.from(again.buffer).equals(Buffer.from(first.buffer))).toBe(true);
    // The sum order of an entry depends only on k, never on where the entry sits in C.
    const a = uniform(150 * 300, 9), b = uniform(300 * 70, 10);
    const band = new Float32Array(50 * 70);
    wasm.gemm(a, 60 * 300, b, 0, band, 0, 50, 70, 300, false, true);
    expect(Buffer.from(band.buffer).equals(Buffer.from(first.buffer, 60 * 70 * 4, 50 * 70 * 4))).toBe(true);
  });

  it("hands float64 operands and tiny products to the reference, unchanged", () => {
    const a64 = Float64Array.from(uniform(40 * 30, 11)), b64 = Float64Array.from(uniform(30 * 20, 12));
    const ref = new Float64Array(40 * 20), got = new Float64Array(40 * 20);
    jsBackend.gemm(a64, 0, b64, 0, ref, 0, 40, 20, 30, false, false);
    wasm.gemm(a64, 0, b64, 0, got, 0, 40, 20, 30, false, false);
    expect(got).toEqual(ref); // float64 stays float64: exactly the reference

    const [m, n, k] = [2, 4, 8];
    expect(m * n * k).toBeLessThan(GEMM_MIN_WORK);
    const { ref: r, got: g } = bothGemm(m, n, k, false, false, 3);
    expect(g).toEqual(r); // small work runs the reference itself
  });
});

describe("the many-thread gemm", () => {
  /** Run `f` with `n` gemm threads, restoring the previous count after. */
  function withThreads<T>(n: number, f: () => T): T {
    const before = getThreads();
    setThreads(n);
    try { return f(); } finally { setThreads(before); }
  }
  const bits = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

  // Big enough to be split (≥ THREADS_MIN_WORK), with bands that end off the tile.
  const shapes: [number, number, number][] = [[130, 257, 300], [300, 61, 257], [1, 4099, 1030], [2053, 3, 700], [17, 17, 15_000]];
  it("2 and 3 threads equal 1 thread bit for bit, on every layout and awkward shapes", () => {
    const cases = shapes.flatMap(([m, n, k]) => LAYOUTS.map(([tA, tB]) => ({ m, n, k, tA, tB })));
    const one = withThreads(1, () => cases.map(({ m, n, k, tA, tB }) => bothGemm(m, n, k, tA, tB, m + n + k)));
    cases.forEach(({ m, n, k }, i) => {
      expect(m * n * k).toBeGreaterThanOrEqual(THREADS_MIN_WORK);
      expectGemmClose(one[i].got, one[i].ref, k);
    });
    for (const t of [2, 3]) {
      const many = withThreads(t, () => cases.map(({ m, n, k, tA, tB }) => bothGemm(m, n, k, tA, tB, m + n + k).got));
      many.forEach((got, i) => expect(bits(got).equals(bits(one[i].got))).toBe(true));
    }
  }, 60_000);

  it("setThreads checks its argument and changes nothing when it throws", () => {
    const before = getThreads();
    for (const bad of [0, -1, 1.5, NaN, 65]) {
      expect(() => setThreads(bad)).toThrow(/setThreads: expected a whole number of threads from 1 to 64, got/);
    }
    expect(getThreads()).toBe(before);
  });
});

// ───────────────────────────── elementwise ─────────────────────────────

const FLT_MIN = 2 ** -126;

/** Max error in units of float32 spacing at the reference value (ulp; denormals: 2⁻¹⁴⁹), over finite results. */
function maxUlp(got: Float32Array, ref: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i];
    if (!Number.isFinite(r)) continue;
    const ulp = Math.max(Math.abs(r), FLT_MIN) * 2 ** -23;
    worst = Math.max(worst, Math.abs(got[i] - r) / ulp);
  }
  return worst;
}

const SPECIALS = [0, -0, 1, -1, NaN, Infinity, -Infinity, 88.7, 88.8, 89, -87.3, -87.4, -103, -104, 1e-30, -1e-30, 3.4e38, -3.4e38];

describe("wasm exp, sigmoid and relu equal the reference", () => {
  const cases: [UnaryKernel, number][] = [["exp", 1], ["sigmoid", 6], ["relu", 0]];
  for (const [op, ulps] of cases) {
    for (const n of [ELEMENTWISE_MIN_LENGTH, ELEMENTWISE_MIN_LENGTH + 1, ELEMENTWISE_MIN_LENGTH + 3, 4099, 100_001]) {
      it(`${op} on ${n} values in [−100, 100] and the special values, within ${ulps} ulp`, () => {
        const x = uniform(n, n, -100, 100);
        x.set(SPECIALS, 0);
        const ref = new Float32Array(n), got = new Float32Array(n);
        jsBackend.unary(op, x, ref);
        wasm.unary(op, x, got);
        expect(maxUlp(got, ref)).toBeLessThanOrEqual(ulps);
        // Non-finite results match exactly (NaN stays NaN, overflow gives ±Inf).
        for (let i = 0; i < SPECIALS.length; i++) {
          if (!Number.isFinite(ref[i])) expect(Object.is(got[i], ref[i])).toBe(true);
        }
      });
    }
  }

  it("sigmoid is exactly 0.5 at ±0, 1 at +Inf, 0 at −Inf and NaN at NaN", () => {
    const x = new Float32Array(ELEMENTWISE_MIN_LENGTH);
    x.set([0, -0, Infinity, -Infinity, NaN]);
    const y = new Float32Array(x.length);
    wasm.unary("sigmoid", x, y);
    expect([...y.subarray(0, 5)]).toEqual([0.5, 0.5, 1, 0, NaN]);
  });

  it("relu keeps NaN and turns −0 into +0, as the reference does", () => {
    const x = new Float32Array(ELEMENTWISE_MIN_LENGTH);
    x.set([NaN, -0, -5, 5]);
    const y = new Float32Array(x.length);
    wasm.unary("relu", x, y);
    expect(Number.isNaN(y[0])).toBe(true);
    expect(Object.is(y[1], 0)).toBe(true);
    expect([y[2], y[3]]).toEqual([0, 5]);
  });

  it("may write its result over its input (x and out the same array)", () => {
    const x = uniform(3000, 4, -5, 5), ref = new Float32Array(3000);
    jsBackend.unary("sigmoid", x, ref);
    wasm.unary("sigmoid", x, x);
    expect(maxUlp(x, ref)).toBeLessThanOrEqual(6);
  });

  it("leaves short arrays, float64 and the other unary loops to the reference, bit for bit", () => {
    const short = uniform(ELEMENTWISE_MIN_LENGTH - 1, 8, -5, 5);
    const r1 = new Float32Array(short.length), g1 = new Float32Array(short.length);
    jsBackend.unary("sigmoid", short, r1);
    wasm.unary("sigmoid", short, g1);
    expect(g1).toEqual(r1);
    const x64 = Float64Array.from(uniform(5000, 9, -5, 5));
    const r2 = new Float64Array(5000), g2 = new Float64Array(5000);
    jsBackend.unary("exp", x64, r2);
    wasm.unary("exp", x64, g2);
    expect(g2).toEqual(r2);
    const x = uniform(5000, 10, -5, 5), r3 = new Float32Array(5000), g3 = new Float32Array(5000);
    jsBackend.unary("tanh", x, r3);
    wasm.unary("tanh", x, g3);
    expect(g3).toEqual(r3);
  });
});

// ──────────────── cheap loops: bit for bit the reference ────────────────

/** Values that exercise every branch: signs, ±0, ties, NaN, ±Inf, tiny and huge magnitudes. */
function awkward(n: number, seed: number): Float32Array {
  const x = uniform(n, seed, -3, 3);
  const specials = [0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3e38, -3e38, 2, 2];
  for (let i = 0; i < n; i += 7) x[i] = specials[(i / 7) % specials.length];
  for (let i = 3; i < n; i += 11) x[i] = Math.round(x[i]); // integers, so comparisons meet ties
  return x;
}

/** The same bits, NaN included (toEqual treats every NaN as equal, so compare the words). */
function expectSameBits(got: Float32Array, ref: Float32Array): void {
  expect(got.length).toBe(ref.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length), r = new Uint32Array(ref.buffer, ref.byteOffset, ref.length);
  let firstDiff = -1;
  for (let i = 0; i < r.length && firstDiff < 0; i++) {
    if (g[i] !== r[i] && !(Number.isNaN(got[i]) && Number.isNaN(ref[i]))) firstDiff = i;
  }
  expect(firstDiff === -1 ? "same" : `differ at ${firstDiff}: ${got[firstDiff]} vs ${ref[firstDiff]}`).toBe("same");
}

describe("wasm binary loops equal the reference bit for bit", () => {
  const ops: BinaryKernel[] = ["add", "sub", "mul", "div", "maximum", "minimum", "gt", "ge", "lt", "le", "eq"];
  // [a shape, b shape]: equal shapes, a scalar on either side, a row repeated (a bias) on either side,
  // one value per channel on either side (batch norm's [1, C, 1, 1]; also [C, 1, 1] and a middle block).
  const layouts: [number[], number[]][] = [
    [[37, 29], [37, 29]], [[1031], [1]], [[1], [1031]], [[64, 33], [33]], [[33], [64, 33]], [[9, 7, 13], [1, 7, 13]],
    [[5, 6, 7, 9], [1, 6, 1, 1]], [[1, 6, 1, 1], [5, 6, 7, 9]], [[5, 6, 7, 9], [6, 1, 1]], [[4, 3, 5, 7, 3], [3, 5, 1, 1]],
  ];
  for (const op of ops) {
    for (const [aShape, bShape] of layouts) {
      it(`${op}: [${aShape}] with [${bShape}]`, () => {
        const outShape = aShape.length >= bShape.length ? aShape : bShape;
        const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
        const a = awkward(size(aShape), 1), b = awkward(size(bShape), 2);
        const ref = new Float32Array(size(outShape)), got = new Float32Array(ref.length).fill(NaN);
        jsBackend.binary(op, a, aShape, b, bShape, ref, outShape);
        wasm.binary(op, a, aShape, b, bShape, got, outShape);
        expectSameBits(got, ref);
      });
    }
  }

  it("may write over an operand (linear adds its bias in place)", () => {
    const x = awkward(64 * 33, 3), bias = awkward(33, 4);
    const ref = x.slice();
    jsBackend.binary("add", ref, [64, 33], bias, [33], ref, [64, 33]);
    wasm.binary("add", x, [64, 33], bias, [33], x, [64, 33]);
    expectSameBits(x, ref);
  });

  it("other broadcasts and float64 run the reference", () => {
    const a = awkward(40 * 1, 5), b = awkward(1 * 30, 6);
    const ref = new Float32Array(1200), got = new Float32Array(1200);
    jsBackend.binary("mul", a, [40, 1], b, [1, 30], ref, [40, 30]);
    wasm.binary("mul", a, [40, 1], b, [1, 30], got, [40, 30]);
    expectSameBits(got, ref);
    const a64 = Float64Array.from(awkward(2000, 7)), r64 = new Float64Array(2000), g64 = new Float64Array(2000);
    jsBackend.binary("div", a64, [2000], a64, [2000], r64, [2000]);
    wasm.binary("div", a64, [2000], a64, [2000], g64, [2000]);
    expect(g64).toEqual(r64);
  });
});

describe("wasm cheap unary loops equal the reference bit for bit", () => {
  // [op, p, q]: parameters as the ops pass them, float32-representable or not.
  const cases: [UnaryKernel, number, number][] = [
    ["neg", 0, 0], ["abs", 0, 0], ["square", 0, 0], ["sqrt", 0, 0], ["sign", 0, 0], ["relu", 0, 0],
    ["leakyRelu", 0.01, 0], ["leakyRelu", 0.2, 0], ["step", 0, 0], ["step", 1, 0], ["step", 0.5, 0], ["step", 0.3, 0],
    ["leakyStep", 0, 0.01], ["leakyStep", 1, 0.3], ["leakyStep", 0.5, 0.2], ["leakyStep", 0.3, 0.01],
    ["clamp", -1, 1], ["clamp", -0.1, 0.7], ["clamp", -Infinity, 0.3], ["clamp", 0.1, Infinity],
    ["inRange", -1, 1], ["inRange", -0.1, 0.7], ["scale", 1 / 3, 0], ["scale", 1 / 64, 0], ["scale", -2.5, 0],
  ];
  for (const [op, p, q] of cases) {
    for (const n of [ELEMENTWISE_MIN_LENGTH + 1, 4099]) {
      it(`${op}(p = ${p}, q = ${q}) on ${n} values`, () => {
        const x = awkward(n, n + 9);
        const ref = new Float32Array(n), got = new Float32Array(n).fill(NaN);
        jsBackend.unary(op, x, ref, p, q);
        wasm.unary(op, x, got, p, q);
        expectSameBits(got, ref);
      });
    }
  }
});

describe("step and leakyStep take their value at ±0 from the op (the kernels decide no kink)", () => {
  // x: −1, −0, +0, 2, NaN, then zeros; long enough for the WebAssembly loop.
  const x = new Float32Array(ELEMENTWISE_MIN_LENGTH);
  x.set([-1, -0, 0, 2, NaN]);
  const first5 = (backend: typeof wasm, op: UnaryKernel, p: number, q: number) => {
    const out = new Float32Array(x.length).fill(7);
    backend.unary(op, x, out, p, q);
    return [...out.subarray(0, 5)];
  };
  for (const [name, backend] of [["js", jsBackend], ["wasm", wasm]] as const) {
    it(`${name}: p is the share of the right-hand slope at ±0: p·1 + (1 − p)·(left slope)`, () => {
      expect(first5(backend, "step", 0, 0)).toEqual([0, 0, 0, 1, 0]);   // relu'(0) from the left
      expect(first5(backend, "step", 1, 0)).toEqual([0, 1, 1, 1, 0]);   // from the right
      expect(first5(backend, "step", 0.5, 0)).toEqual([0, 0.5, 0.5, 1, 0]);
      expect(first5(backend, "leakyStep", 0, 0.25)).toEqual([0.25, 0.25, 0.25, 1, 0.25]); // left: the slope
      expect(first5(backend, "leakyStep", 1, 0.25)).toEqual([0.25, 1, 1, 1, 0.25]);
      expect(first5(backend, "leakyStep", 0.5, 0.25)).toEqual([0.25, 0.625, 0.625, 1, 0.25]);
    });
  }
});

describe("wasm column sums equal the reference bit for bit", () => {
  // [outer, n (summed), inner]: a bias gradient [batch, out] → [out], and sums inside a 3-d tensor.
  const shapes: [number, number, number][] = [[1, 64, 128], [1, 257, 3], [1, 1000, 2], [5, 31, 17]];
  for (const [outer, n, inner] of shapes) {
    it(`sum over the middle of [${outer}, ${n}, ${inner}]`, () => {
      const x = uniform(outer * n * inner, n + inner, -10, 10);
      const ref = new Float32Array(outer * inner), got = new Float32Array(outer * inner).fill(NaN);
      jsBackend.reduceAxis("sum", x, outer, n, inner, ref);
      wasm.reduceAxis("sum", x, outer, n, inner, got);
      expectSameBits(got, ref);
    });
  }
});

describe("kernel memory", () => {
  it("past 256 MiB is kept through a run of large calls, handed back after a smaller call, and the kernels still work", () => {
    const kernels = wasmKernels!;
    kernels.first(80_000_000); // 320 MB of operands: memory grows
    const memory = kernels.memory;
    expect(memory.buffer.byteLength).toBeGreaterThan(256 << 20);
    kernels.first(80_000_000); // another large call: the same memory
    expect(kernels.memory).toBe(memory);
    kernels.first(16); // a small call still runs on it…
    expect(kernels.memory).toBe(memory);
    kernels.first(16); // …and the next one starts on a fresh memory
    expect(kernels.memory.buffer.byteLength).toBeLessThan(8 << 20);
    const x = uniform(3000, 77, -5, 5), ref = new Float32Array(3000), got = new Float32Array(3000);
    jsBackend.unary("relu", x, ref);
    wasm.unary("relu", x, got);
    expect(got).toEqual(ref);
  });
});

/** A one-thread wasm backend over its own memory, which holds `pages` and then refuses to grow. */
function backendThatCannotGrow(pages: number) {
  const memory = new WebAssembly.Memory({ initial: pages });
  const kernels = new WasmKernels(compileKernels(SINGLE_BUILDS).module!, memory);
  memory.grow = () => { throw new RangeError("WebAssembly.Memory.grow(): Maximum memory size exceeded"); };
  return { kernels, backend: makeWasmBackend(kernels) };
}

describe("byte offsets past 2 GiB (a float32 operand of 2 GiB put the next one there)", () => {
  it("copyIn, the kernels and copyOut work there (a 2 GiB memory: untouched pages cost nothing)", () => {
    const memory = new WebAssembly.Memory({ initial: 32768 + 64 }); // 2 GiB + 4 MiB, reserved, not touched
    const kernels = new WasmKernels(compileKernels(SINGLE_BUILDS).module!, memory);
    const at = 2 ** 31 + 4096, n = 1000; // `at >> 2` is negative here: copyIn threw "offset is out of bounds"
    const x = awkward(n, 27), ref = new Float32Array(n), got = new Float32Array(n);
    kernels.copyIn(x, at);
    kernels.exports.unaryArray(0, at, at, n, 0, 0); // code 0: neg, in place
    kernels.copyOut(at, got);
    jsBackend.unary("neg", x, ref);
    expectSameBits(got, ref);
    // A product whose three operands all lie past 2 GiB.
    const a = uniform(40 * 30, 28), b = uniform(30 * 20, 29), c = new Float32Array(40 * 20), cRef = new Float32Array(40 * 20);
    const pa = at + 65536, pb = pa + 8192, pc = pb + 8192;
    kernels.copyIn(a, pa);
    kernels.copyIn(b, pb);
    kernels.exports.gemm(pa, 30, pb, 20, pc, 20, 40, 20, 30, 0, 0, kernels.scratch[0]);
    kernels.copyOut(pc, c);
    wasm.gemm(a, 0, b, 0, cRef, 0, 40, 20, 30, false, false);
    expect(c).toEqual(cRef); // the same bits as at the bottom of memory
  });
});

describe("when WebAssembly memory cannot grow", () => {
  it("the call runs on the js reference (the same result) and the note names the op and its sizes", () => {
    const { backend } = backendThatCannotGrow(40); // 2.5 MB: room for the gemm scratch and small operands
    const n = 1_000_000; // 4 MB: does not fit
    const x = awkward(n, 21), ref = new Float32Array(n), got = new Float32Array(n).fill(NaN);
    jsBackend.unary("relu", x, ref);
    backend.unary("relu", x, got);
    expectSameBits(got, ref);
    expect(backend.status!().note).toMatch(
      /^unary "relu" \(1000000 elements\) ran on the js reference: WebAssembly memory cannot grow from \d+ to \d+ bytes \(WebAssembly\.Memory\.grow\(\): Maximum memory size exceeded\)$/);

    // 6 MB of A; under THREADS_MIN_WORK, so this backend's own memory is asked.
    const a = uniform(6000 * 64, 22), b = uniform(64 * 4, 23);
    const c = new Float32Array(6000 * 4), cRef = new Float32Array(6000 * 4);
    jsBackend.gemm(a, 0, b, 0, cRef, 0, 6000, 4, 64, false, false);
    backend.gemm(a, 0, b, 0, c, 0, 6000, 4, 64, false, false);
    expect(c).toEqual(cRef); // the reference's own bits: it ran the reference
    expect(backend.status!().note).toMatch(/^gemm \(6000×64 · 64×4\) ran on the js reference/);

    const y = awkward(n, 24), sum = new Float32Array(n), sumRef = new Float32Array(n);
    jsBackend.binary("add", x, [n], y, [n], sumRef, [n]);
    backend.binary("add", x, [n], y, [n], sum, [n]);
    expectSameBits(sum, sumRef);
    expect(backend.status!().note).toMatch(/^binary "add" \(1000000 elements\) ran on the js reference/);
  });

  it("calls that fit still run in WebAssembly (the wasm gemm's own bits, not the reference's)", () => {
    const { backend } = backendThatCannotGrow(40);
    const a = uniform(64 * 300, 25), b = uniform(300 * 64, 26);
    const c = new Float32Array(64 * 64), expected = new Float32Array(64 * 64), cRef = new Float32Array(64 * 64);
    backend.gemm(a, 0, b, 0, c, 0, 64, 64, 300, false, false);
    wasm.gemm(a, 0, b, 0, expected, 0, 64, 64, 300, false, false);
    jsBackend.gemm(a, 0, b, 0, cRef, 0, 64, 64, 300, false, false);
    expect(c).toEqual(expected);
    expect(c).not.toEqual(cRef); // float32 vs float64 accumulation: proves it was not the reference
    expect(backend.status!().note).toBe("");
  });

  it("past 4 GiB the kernels refuse before asking the memory, so nothing is allocated", () => {
    const { kernels } = backendThatCannotGrow(40);
    expect(() => kernels.first(2 ** 30)).toThrow(KernelMemoryError);
    expect(() => kernels.first(2 ** 30)).toThrow(/cannot grow from \d+ to \d+ bytes \(more than 4 GiB\)/);
  });
});

describe("the gemm threads' shared memory", () => {
  const bits = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

  /** Count the shared memories made while `f` runs. */
  function countSharedMemories(f: () => void): number {
    const RealMemory = WebAssembly.Memory;
    let made = 0;
    (WebAssembly as { Memory: unknown }).Memory = function Memory(desc: WebAssembly.MemoryDescriptor) {
      if (desc.shared) made++;
      return new RealMemory(desc);
    };
    try { f(); } finally { (WebAssembly as { Memory: unknown }).Memory = RealMemory; }
    return made;
  }

  it("is one memory, reused by every call and kept when setThreads restarts the pool, with no growth per call", () => {
    const before = getThreads(), backend = getBackend();
    setBackend("wasm");
    try {
      setThreads(2);
      const first = bothGemm(130, 257, 300, false, true, 31).got; // the pool and its memory exist now
      const memory = keptSharedMemory()!;
      const size = memory.buffer.byteLength;
      const made = countSharedMemories(() => {
        for (const t of [2, 2, 3, 3, 2, 4, 2]) {
          setThreads(t);
          for (let call = 0; call < 3; call++) {
            const { got } = bothGemm(130, 257, 300, false, true, 31);
            expect(bits(got).equals(bits(first))).toBe(true);
          }
        }
      });
      expect(made).toBe(0);
      expect(keptSharedMemory()).toBe(memory);
      // More scratch for 4 threads may have grown it once; repeated calls did not.
      expect(memory.buffer.byteLength).toBeLessThanOrEqual(size + 4 * (2 << 20));
    } finally {
      setThreads(before);
      setBackend(backend);
    }
  }, 60_000);

  it("is handed back after handBackAfter products in a row that fit in keepBytes, and on setThreads(1) when large", () => {
    const before = getThreads(), backend = getBackend(), policy = { ...sharedMemoryPolicy };
    setBackend("wasm");
    try {
      setThreads(2);
      bothGemm(130, 257, 300, false, false, 32);
      const memory = keptSharedMemory()!;
      // Pretend the memory is past what is kept and these products fit: handed back at the 3rd.
      Object.assign(sharedMemoryPolicy, { keepBytes: memory.buffer.byteLength - 1, handBackAfter: 3 });
      const made = countSharedMemories(() => {
        for (let call = 0; call < 2; call++) bothGemm(130, 257, 300, false, false, 32);
        expect(keptSharedMemory()).toBe(memory);
        const { got, ref } = bothGemm(130, 257, 300, false, false, 32);
        expectGemmClose(got, ref, 300); // the restarted workers compute on the new memory
      });
      expect(made).toBe(1);
      expect(keptSharedMemory()).not.toBe(memory);
      sharedMemoryPolicy.keepBytes = 0; // now every memory is "large"
      setThreads(1);
      expect(keptSharedMemory()).toBeNull();
    } finally {
      Object.assign(sharedMemoryPolicy, policy);
      setThreads(before);
      setBackend(backend);
    }
  }, 60_000);
});

describe("when the gemm threads cannot start", () => {
  it("large products run on the calling thread, correctly, and backendInfo().note says why", () => {
    const before = getThreads(), backend = getBackend(), keep = sharedMemoryPolicy.keepBytes;
    const RealMemory = WebAssembly.Memory;
    setBackend("wasm");
    sharedMemoryPolicy.keepBytes = 0;
    setThreads(1); // hands the kept shared memory back, so that the next pool must make one
    sharedMemoryPolicy.keepBytes = keep;
    setThreads(4);
    (WebAssembly as { Memory: unknown }).Memory = function Memory(desc: WebAssembly.MemoryDescriptor) {
      if (desc.shared) throw new RangeError("could not allocate memory");
      return new RealMemory(desc);
    };
    try {
      const { ref, got } = bothGemm(130, 257, 300, false, true, 5);
      expectGemmClose(got, ref, 300);
      expect(getThreads()).toBe(1);
      expect(backendInfo().note).toMatch(/threads could not start \(could not allocate memory\); running on one thread/);
    } finally {
      (WebAssembly as { Memory: unknown }).Memory = RealMemory;
      setThreads(before);
      setBackend(backend);
    }
    expect(backendInfo().note).toBe("");
  });
});

describe("a kernel worker that cannot start", () => {
  // Real workers running the real worker program, with one thing changed on the way in.
  type Options = { eval: true; workerData: Record<string, unknown> };
  const workersThat = (change: (source: string, options: Options) => [string, Options]) => ({
    Worker: class extends Worker {
      constructor(source: string, options: { eval: true; workerData: unknown }) { super(...change(source, options as Options)); }
    },
  });
  const kernels = (): WebAssembly.Module => compileKernels(SHARED_BUILDS).module!;

  it("says why it could not (here a module it cannot link) instead of leaving the pool waiting", () => {
    // A module whose one import, env.missing, the worker does not provide.
    const unlinkable = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0,
      2, 15, 1, 3, 101, 110, 118, 7, 109, 105, 115, 115, 105, 110, 103, 0, 0]));
    const threads = workersThat((source, o) => [source, { ...o, workerData: { ...o.workerData, kernelsModule: unlinkable } }]);
    const t0 = performance.now();
    expect(() => new GemmThreads(threads, kernels(), 2)).toThrow(/a kernel worker thread could not start: LinkError: .*missing/);
    expect(performance.now() - t0).toBeLessThan(workerStartPolicy.timeoutMs); // it said so, no timeout
  });

  it("gives up after workerStartPolicy.timeoutMs when the worker never reports", () => {
    const keep = workerStartPolicy.timeoutMs;
    workerStartPolicy.timeoutMs = 200;
    try {
      const silent = workersThat((_source, o) => ["setInterval(() => {}, 1000)", o]);
      expect(() => new GemmThreads(silent, kernels(), 3)).toThrow(/a kernel worker thread did not start within 200 ms/);
    } finally {
      workerStartPolicy.timeoutMs = keep;
    }
  });

  it("the worker program declares no name a runtime predefines for CommonJS code (Bun and Deno reject it)", () => {
    let seen = "";
    const spy = workersThat((source, o) => { seen = source; return [source, o]; });
    new GemmThreads(spy, kernels(), 2).close();
    for (const name of ["module", "exports", "require", "__filename", "__dirname"]) {
      expect(seen).not.toMatch(new RegExp(`(const|let|var)\\s*(\\{[^}]*\\b${name}\\b[^}]*\\}|${name}\\b)\\s*=`));
    }
  });
});

describe("the test suite runs on the backend CI asked for", () => {
  /**
   * Whether this process's Node runs the relaxed-SIMD (FMA) build, from its version and flags: Node
   * 22+ validates relaxed SIMD by default, Node 20 only with --experimental-wasm-relaxed-simd (on
   * the command line or in NODE_OPTIONS); BACKPROP_WASM_FMA=0 asks for the plain build anywhere.
   */
  function fmaExpected(): boolean {
    if (process.env.BACKPROP_WASM_FMA === "0") return false;
    const major = Number(process.versions.node.split(".")[0]);
    const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
    return major >= 22 || flags.includes("--experimental-wasm-relaxed-simd");
  }

  it("the wasm gemm uses fused multiply-add exactly when this Node version and its flags allow it", () => {
    const before = getBackend();
    setBackend("wasm");
    try {
      expect(backendInfo().fma).toBe(fmaExpected());
      expect(backendInfo().note).toBe(""); // the threads started (the thread tests above ran on them)
    } finally {
      setBackend(before);
    }
  });

  it("the vitest project runs the build it is named for (\"wasm\": plain SIMD, \"wasm-fma\": fused multiply-add) on every Node version", () => {
    const asked = process.env.BACKPROP_EXPECT_FMA; // set by vitest.config.ts for the two wasm projects
    if (asked === undefined) return; // the "js" project, or a run outside the config: the test above decides
    expect(asked === "0" || asked === "1").toBe(true);
    expect(fmaExpected()).toBe(asked === "1");
    const before = getBackend();
    setBackend("wasm");
    try {
      expect(backendInfo().fma).toBe(asked === "1");
    } finally {
      setBackend(before);
    }
  });

  it("BACKPROP_BACKEND chose the backend when core loaded", () => {
    const asked = process.env.BACKPROP_BACKEND;
    expect(asked === undefined || asked === "js" || asked === "wasm").toBe(true);
    expect(getBackend()).toBe(asked ?? "wasm");
  });
});
