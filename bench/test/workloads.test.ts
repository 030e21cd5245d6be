/**
 * Smoke test of the benchmark workloads (bench/workloads.ts): our side of each timed workload
 * against a hand computation in plain float64 loops, at small sizes. No timing here.
 */
import { describe, expect, it } from "vitest";
import {
  chainInputs, chainScalar, matmulFlops, matmulInputs, mlpInputs, oursChain, oursMatmul, oursMlp, seededUniform,
} from "../workloads.js";

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      expect.fail(`element ${i}: ${actual[i]} vs expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}

describe("bench inputs", () => {
  it("are reproducible from the seed, float32, and inside the range", () => {
    const a = seededUniform(1000, 42, -2, 3), b = seededUniform(1000, 42, -2, 3), c = seededUniform(1000, 43, -2, 3);
    expect(a).toBeInstanceOf(Float32Array);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(Math.min(...a)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...a)).toBeLessThanOrEqual(3);
    expect(matmulFlops(4)).toBe(128);
  });
});

describe("bench workloads, ours vs hand computation", () => {
  it.each([1, 5, 17, 64])("matmul %i×%i", (n) => {
    const inp = matmulInputs(n, 9);
    const out = oursMatmul(inp)();
    expect(out.shape).toEqual([n, n]);
    const ref = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += inp.a[i * n + p] * inp.b[p * n + j];
      ref[i * n + j] = s;
    }
    expectClose(out.data, ref, 1e-6 * n);
  });

  it("elementwise chain x → ·2 → +1 → relu → sigmoid", () => {
    const inp = chainInputs(1000);
    const out = oursChain(inp)();
    expect(out.shape).toEqual([1000]);
    expectClose(out.data, Array.from(inp.x, chainScalar), 1e-7);
    expect(chainScalar(-3)).toBe(0.5); // relu clips 2·(−3)+1 to 0
  });

  it("MLP forward + backward: loss and every gradient", () => {
    const inp = mlpInputs(8, [3, 5, 4, 2], 11);
    const { batch, sizes } = inp;
    const L = inp.weights.length;

    // Hand forward, in float64.
    const acts: Float64Array[] = [Float64Array.from(inp.x)];
    const pre: Float64Array[] = [];
    for (let l = 0; l < L; l++) {
      const [nin, nout] = [sizes[l], sizes[l + 1]];
      const a = acts[l], w = inp.weights[l], b = inp.biases[l];
      const z = new Float64Array(batch * nout);
      for (let r = 0; r < batch; r++) for (let o = 0; o < nout; o++) {
        let s = b[o];
        for (let i = 0; i < nin; i++) s += a[r * nin + i] * w[o * nin + i];
        z[r * nout + o] = s;
      }
      pre.push(z);
      acts.push(l + 1 < L ? z.map((v) => Math.max(v, 0)) : z);
    }
    const y = acts[L], count = y.length;
    let loss = 0;
    for (let i = 0; i < count; i++) loss += (y[i] - inp.t[i]) ** 2;
    loss /= count;

    // Hand backward.
    const gW: Float64Array[] = [], gB: Float64Array[] = [];
    let da: Float64Array = y.map((v, i) => (2 * (v - inp.t[i])) / count);
    for (let l = L - 1; l >= 0; l--) {
      const [nin, nout] = [sizes[l], sizes[l + 1]];
      const dz = l + 1 < L ? da.map((g, i) => (pre[l][i] > 0 ? g : 0)) : da;
      const a = acts[l], w = inp.weights[l];
      const dw = new Float64Array(nout * nin), db = new Float64Array(nout), dprev = new Float64Array(batch * nin);
      for (let r = 0; r < batch; r++) for (let o = 0; o < nout; o++) {
        const g = dz[r * nout + o];
        db[o] += g;
        for (let i = 0; i < nin; i++) {
          dw[o * nin + i] += g * a[r * nin + i];
          dprev[r * nin + i] += g * w[o * nin + i];
        }
      }
      gW[l] = dw; gB[l] = db; da = dprev;
    }

    const mlp = oursMlp(inp);
    for (let rep = 0; rep < 2; rep++) { // twice: step() clears the gradients, so they must not accumulate
      const out = mlp.step();
      expect(out.shape).toEqual([]);
      expect(out.item()).toBeCloseTo(loss, 5);
      for (let l = 0; l < L; l++) {
        expectClose(mlp.params[2 * l].grad!.data, gW[l], 1e-6, 1e-4);
        expectClose(mlp.params[2 * l + 1].grad!.data, gB[l], 1e-6, 1e-4);
      }
    }
  });
});
