/**
 * Every peer of the bench computes what we compute: TF.js (CPU and WASM) and jax-js against our
 * workloads, on small inputs, for each matmul layout, relu→sigmoid, the chain, and one training
 * step (loss before it, parameters after it). The bench checks the same before timing; these
 * tests catch a broken peer (wrong layout flag, wrong transpose, wrong loss) in CI, without
 * timing anything. Each of our backend configurations is compared too (js, and wasm once built).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBackend } from "@backprop/core";
import { compare } from "../check.js";
import { measureNumpyLimit } from "../limit-numpy.js";
import { detectConfigs, withConfig } from "../ours.js";
import { jaxChain, jaxMatmul, jaxReluSigmoid, jaxTrainStep, loadJax, type Jax } from "../peer-jax.js";
import { loadTf, tfEnter, tfMatmul, tfReluSigmoid, tfTrainStep, type Tf } from "../peer-tfjs.js";
import { loadTfWasm } from "../peer-tfjs-wasm.js";
import {
  chainInputs, chainScalar, MATMUL_LAYOUTS, matmulInputs, oursMatmul, oursReluSigmoid, oursTrainStep, reluSigmoidScalar, TRAIN_LR, trainInputs,
  type MatmulInputs, type MatmulLayout,
} from "../workloads.js";

function expectClose(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = 1e-5): void {
  expect(actual.length, what).toBe(expected.length);
  const { worst } = compare(actual, expected, atol, rtol);
  if (worst >= 0) expect.fail(`${what}: element ${worst}: ${actual[worst]} vs expected ${expected[worst]}`);
}

/** op(A)·op(B) in float64, from the row-major n×n inputs. */
function matmulRef({ n, a, b }: MatmulInputs, layout: MatmulLayout): Float64Array {
  const A = (i: number, p: number) => (layout === "AtB" ? a[p * n + i] : a[i * n + p]);
  const B = (p: number, j: number) => (layout === "ABt" ? b[j * n + p] : b[p * n + j]);
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < n; p++) s += A(i, p) * B(p, j);
    c[i * n + j] = s;
  }
  return c;
}

const N = 33; // odd, so no kernel gets an aligned fast path only
const TRAIN_NET = { sizes: [5, 7, 4, 1], batch: 6 };

let tf: Tf;
let jax: Jax;

beforeAll(async () => {
  tf = await loadTf();
  await loadTfWasm(tf);
  jax = (await loadJax()).jax;
}, 30_000);

afterAll(async () => {
  await tf?.setBackend("cpu");
});

describe("the layouts are really different products", () => {
  it("A·B, A·Bᵀ and Aᵀ·B differ on the same data (a flag mix-up could not pass unnoticed)", () => {
    const inp = matmulInputs(N, 4);
    const [ab, abt, atb] = MATMUL_LAYOUTS.map((l) => matmulRef(inp, l));
    expect(compare(ab, abt, 1e-3, 0).worst).toBeGreaterThanOrEqual(0);
    expect(compare(ab, atb, 1e-3, 0).worst).toBeGreaterThanOrEqual(0);
    expect(compare(abt, atb, 1e-3, 0).worst).toBeGreaterThanOrEqual(0);
  });
});

describe("ours, on every backend configuration of this build", () => {
  const { configs } = detectConfigs();
  it("includes the js reference, and leaves the backend as it found it", () => {
    expect(configs[0].label).toBe("backprop js");
    const before = getBackend();
    for (const cfg of configs) withConfig(cfg, () => expect(getBackend()).toBe(cfg.backend));
    expect(getBackend()).toBe(before);
  });

  for (const cfg of configs) {
    it.each(MATMUL_LAYOUTS)(`${cfg.label}: matmul %s`, (layout) => {
      const inp = matmulInputs(N, 4);
      const out = withConfig(cfg, () => oursMatmul(inp, layout)());
      expect(out.shape).toEqual([N, N]);
      expectClose(`${cfg.label} ${layout}`, out.data, matmulRef(inp, layout), 1e-6 * N);
    });

    it(`${cfg.label}: relu→sigmoid`, () => {
      const inp = chainInputs(1000, 5);
      const out = withConfig(cfg, () => oursReluSigmoid(inp)());
      expectClose("relu→sigmoid", out.data, Array.from(inp.x, reluSigmoidScalar), 1e-7);
    });
  }
});

describe("TF.js (CPU and WASM) agrees with ours", () => {
  for (const backend of ["cpu", "wasm"] as const) {
    it(`TF.js ${backend}: matmul in all three layouts`, async () => {
      await tfEnter(tf, backend);
      expect(tf.getBackend()).toBe(backend);
      const inp = matmulInputs(N, 4);
      for (const layout of MATMUL_LAYOUTS) {
        const peer = tfMatmul(tf, inp, layout);
        expectClose(`TF.js ${backend} ${layout}`, peer.result(), oursMatmul(inp, layout)().data, 1e-5, 1e-5);
        peer.dispose();
      }
    });

    it(`TF.js ${backend}: relu→sigmoid`, async () => {
      await tfEnter(tf, backend);
      const inp = chainInputs(1000, 5);
      const peer = tfReluSigmoid(tf, inp);
      expectClose(`TF.js ${backend} relu→sigmoid`, peer.result(), oursReluSigmoid(inp)().data, 1e-6);
      peer.dispose();
    });

    it(`TF.js ${backend}: one training step, same loss and same updated parameters`, async () => {
      await tfEnter(tf, backend);
      const inp = trainInputs(TRAIN_NET.batch, TRAIN_NET.sizes);
      const ours = oursTrainStep(inp);
      const peer = tfTrainStep(tf, inp, TRAIN_LR);
      const before = tf.memory().numTensors;
      const loss = ours.step();
      const r = peer.result();
      expect(r.loss).toBeCloseTo(loss, 5);
      ours.params.forEach((p, j) => expectClose(`param #${j}`, r.params[j], p.data, 1e-6, 1e-4));
      // The step really moved the parameters (a no-op optimizer would also "agree" with itself).
      expect(Math.max(...inp.weights[0].map((w, i) => Math.abs(w - r.params[0][i])))).toBeGreaterThan(1e-6);
      peer.run();
      expect(tf.memory().numTensors).toBe(before);
      peer.dispose();
    });
  }
});

describe("jax-js agrees with ours", () => {
  it("matmul in all three layouts", () => {
    const inp = matmulInputs(N, 4);
    for (const layout of MATMUL_LAYOUTS) {
      const peer = jaxMatmul(jax, inp, layout);
      expectClose(`jax-js ${layout}`, peer.result(), oursMatmul(inp, layout)().data, 1e-5, 1e-5);
      peer.dispose();
    }
  });

  it("the timed call computes (awaits) without consuming its inputs", async () => {
    const inp = matmulInputs(8, 4);
    const peer = jaxMatmul(jax, inp, "ABt");
    await peer.run();
    await peer.run();
    expectClose("after run()", peer.result(), oursMatmul(inp, "ABt")().data, 1e-5, 1e-5);
    peer.dispose();
  });

  it("relu→sigmoid and the chain", () => {
    const inp = chainInputs(1000, 5);
    const rs = jaxReluSigmoid(jax, inp);
    expectClose("jax-js relu→sigmoid", rs.result(), Array.from(inp.x, reluSigmoidScalar), 1e-6);
    rs.dispose();
    const ch = jaxChain(jax, inp);
    expectClose("jax-js chain", ch.result(), Array.from(inp.x, chainScalar), 1e-6);
    ch.dispose();
  });

  it("one training step (jit of valueAndGrad + SGD): same loss and same updated parameters, twice", () => {
    const inp = trainInputs(TRAIN_NET.batch, TRAIN_NET.sizes);
    const ours = oursTrainStep(inp);
    const peer = jaxTrainStep(jax, inp, TRAIN_LR);
    for (let step = 0; step < 2; step++) { // the second step runs on the parameters the first returned
      const loss = ours.step();
      const r = peer.result();
      expect(r.loss).toBeCloseTo(loss, 5);
      ours.params.forEach((p, j) => expectClose(`step ${step} param #${j}`, r.params[j], p.data, 1e-6, 1e-4));
    }
    peer.dispose();
  });
});

describe("the numpy limit", () => {
  it("reports a missing python instead of failing", () => {
    expect(measureNumpyLimit(0, 1000, true, "python3-that-does-not-exist")).toBe("python3-that-does-not-exist not found");
  });
});
