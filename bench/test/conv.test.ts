/**
 * The convolution workloads' cross-check on small shapes: ours against plain float64 loops, every
 * peer against ours (through the same checks the bench runs before timing, conv-check.ts), and a
 * deliberately wrong input caught. TF.js WASM cannot train a CNN: its error must be recognised as
 * "not supported", and any other error must not be.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConv, checkLenet } from "../conv-check.js";
import { oursConvLayer, oursLenetStep } from "../conv-ours.js";
import {
  convInputs, fc1FromTf, fc1ToTf, inversePerm, LENET_LR, lenetInputs, permuted, type ConvGrads, type ConvInputs,
} from "../conv-workloads.js";
import { detectConfigs, withConfig } from "../ours.js";
import { loadJax, type Jax } from "../peer-jax.js";
import { jaxConvLayer, jaxLenetStep } from "../peer-jax-conv.js";
import { loadTf, tfEnter, type Tf } from "../peer-tfjs.js";
import { tfConvLayer, tfLenetStep, unsupported } from "../peer-tfjs-conv.js";
import { loadTfWasm } from "../peer-tfjs-wasm.js";

/** Odd sizes, a non-square image, padding 1: small enough for float64 loops. */
const SMALL = { n: 2, c: 3, h: 6, w: 5, out: 4, k: 3, pad: 1 };
const LENET_BATCH = 3;

/** loss = Σ (conv(x, W) + b)·G and its three gradients, by definition, in float64. */
function convRef(inp: ConvInputs): { loss: number; dx: Float64Array; dw: Float64Array; db: Float64Array } {
  const { n, c, h, w, out, k, pad } = inp;
  const dx = new Float64Array(n * c * h * w), dw = new Float64Array(out * c * k * k), db = new Float64Array(out);
  let loss = 0;
  // Calls f(xIndex, wIndex) for every (input, weight) pair that output (a, o, i, j) sums.
  const taps = (a: number, o: number, i: number, j: number, f: (xi: number, wi: number) => void) => {
    for (let ch = 0; ch < c; ch++) for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) {
      const ii = i + p - pad, jj = j + q - pad;
      if (ii >= 0 && jj >= 0 && ii < h && jj < w) f(((a * c + ch) * h + ii) * w + jj, ((o * c + ch) * k + p) * k + q);
    }
  };
  for (let a = 0; a < n; a++) for (let o = 0; o < out; o++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
    let y = inp.bias[o];
    taps(a, o, i, j, (xi, wi) => { y += inp.x[xi] * inp.weight[wi]; });
    const g = inp.g[((a * out + o) * h + i) * w + j];
    loss += y * g;
    db[o] += g;
    taps(a, o, i, j, (xi, wi) => { dx[xi] += g * inp.weight[wi]; dw[wi] += g * inp.x[xi]; });
  }
  return { loss, dx, dw, db };
}

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

describe("layouts", () => {
  it("permuted and its inverse round-trip; fc1's TF kernel reads the NHWC flattening", () => {
    const a = Float32Array.from({ length: 24 }, (_, i) => i);
    expect(Array.from(permuted(permuted(a, [2, 3, 4], [2, 0, 1]), [4, 2, 3], inversePerm([2, 0, 1])))).toEqual(Array.from(a));
    expect(Array.from(permuted(a, [2, 3, 4], [1, 0, 2]).slice(0, 8))).toEqual([0, 1, 2, 3, 12, 13, 14, 15]);
    const w = Float32Array.from({ length: 120 * 400 }, (_, i) => i);
    const k = fc1ToTf(w);
    // TF row h·80 + w·16 + c, column o holds our w[o, c·25 + h·5 + w]: take o = 7, c = 3, h = 2, w = 4.
    expect(k[(2 * 80 + 4 * 16 + 3) * 120 + 7]).toBe(w[7 * 400 + 3 * 25 + 2 * 5 + 4]);
    expect(Array.from(fc1FromTf(k))).toEqual(Array.from(w));
  });
});

describe("ours, on every backend configuration of this build", () => {
  for (const cfg of detectConfigs().configs) {
    it(`${cfg.label}: the conv layer's loss and gradients match the definition`, () => {
      const inp = convInputs(SMALL);
      const ref = convRef(inp);
      const got = withConfig(cfg, () => oursConvLayer(inp).result());
      // checkConv's float32 tolerances, against float64 loops.
      const asF32 = (r: typeof ref): ConvGrads => ({ loss: r.loss, dx: Float32Array.from(r.dx), dw: Float32Array.from(r.dw), db: Float32Array.from(r.db) });
      expect(() => checkConv("conv", inp, cfg.label, got, "float64 loops", asF32(ref))).not.toThrow();
      expect(got.loss).toBeCloseTo(ref.loss, 5);
    });
  }
});

describe("the peers agree with ours (the bench's own checks)", () => {
  const inp = convInputs(SMALL);
  const ours = () => oursConvLayer(inp).result();

  it("jax-js: the conv layer, twice (inputs are not consumed)", async () => {
    const peer = jaxConvLayer(jax, inp);
    await peer.run();
    checkConv("conv", inp, "jax-js", peer.result(), "backprop", ours());
    peer.dispose();
  });

  it("TF.js CPU: the conv layer, leaving no tensors behind", async () => {
    await tfEnter(tf, "cpu");
    const peer = tfConvLayer(tf, inp);
    const before = tf.memory().numTensors;
    checkConv("conv", inp, "TF.js CPU", peer.result(), "backprop", ours());
    peer.run();
    expect(tf.memory().numTensors).toBe(before);
    peer.dispose();
  });

  it("jax-js and TF.js CPU: two LeNet steps, same loss, parameters and update", async () => {
    await tfEnter(tf, "cpu");
    const lenet = lenetInputs(LENET_BATCH);
    const o = oursLenetStep(lenet, LENET_LR);
    const j = jaxLenetStep(jax, lenet, LENET_LR);
    const t = tfLenetStep(tf, lenet, LENET_LR);
    let start = lenet;
    for (let step = 0; step < 2; step++) { // the second step starts from the parameters the first made
      const ref = { loss: o.step(), params: o.params.map((p) => Float32Array.from(p.data)) };
      checkLenet(`step ${step}`, start, LENET_LR, "jax-js", j.result(), "backprop", ref);
      checkLenet(`step ${step}`, start, LENET_LR, "TF.js CPU", t.result(), "backprop", ref);
      expect(Math.abs(ref.params[0][0] - start.params[0].data[0])).toBeGreaterThan(1e-6); // the step moved
      start = { ...start, params: start.params.map((p, i) => ({ ...p, data: ref.params[i] })) };
    }
    j.dispose();
    t.dispose();
  }, 30_000);
});

describe("a wrong input fails the check", () => {
  it("the conv layer with one element of G changed", () => {
    const inp = convInputs(SMALL);
    const g = Float32Array.from(inp.g);
    g[17] += 0.01;
    const peer = jaxConvLayer(jax, { ...inp, g });
    expect(() => checkConv("conv", inp, "jax-js", peer.result(), "backprop", oursConvLayer(inp).result())).toThrow(/disagree.*not timing wrong code/);
    peer.dispose();
  });

  it("the LeNet step with one label changed", () => {
    const inp = lenetInputs(LENET_BATCH);
    const labels = Int32Array.from(inp.labels);
    labels[1] = (labels[1] + 1) % 10;
    const peer = jaxLenetStep(jax, { ...inp, labels }, LENET_LR);
    const o = oursLenetStep(inp, LENET_LR);
    const ref = { loss: o.step(), params: o.params.map((p) => Float32Array.from(p.data)) };
    expect(() => checkLenet("lenet", inp, LENET_LR, "jax-js", peer.result(), "backprop", ref)).toThrow(/disagree/);
    peer.dispose();
  });
});

describe("TF.js WASM cannot train a CNN", () => {
  it("its error is recognised as 'not supported' (the bench reports it instead of crashing)", async () => {
    await tfEnter(tf, "wasm");
    const inp = convInputs(SMALL);
    const peer = tfConvLayer(tf, inp);
    let err: unknown = null;
    try {
      checkConv("conv", inp, "TF.js WASM", peer.result(), "backprop", oursConvLayer(inp).result());
    } catch (e) {
      err = e;
    }
    peer.dispose();
    // 4.22 has no Conv2DBackpropFilter on wasm; a later TF.js that registers it passes the check
    // above instead (the bench hard-codes nothing).
    if (tf.version.tfjs === "4.22.0") expect(err).not.toBeNull();
    if (err) expect(unsupported(err)).toMatch(/^not supported: TF\.js's wasm backend has no \w+ kernel$/);
  });

  it("other errors are not", () => {
    expect(unsupported(new Error("conv: TF.js CPU and backprop disagree at [3]"))).toBeNull();
    expect(unsupported("boom")).toBeNull();
  });
});
