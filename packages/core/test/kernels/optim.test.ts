/**
 * The optimizers' update kernels on the wasm backend against the reference, bit for bit, over
 * several steps (the first step of momentum differs from the rest) and every option that changes
 * the arithmetic. The update equations themselves are tested against PyTorch's in @backprop/nn.
 */
import { describe, expect, it } from "vitest";
import { jsBackend } from "../../src/kernels/js/index.js";
import type { AdamHyper, SGDHyper } from "../../src/kernels/backend.js";
import { wasmBackend } from "../../src/kernels/wasm/index.js";

const wasm = wasmBackend!;

function values(n: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  x[5] = 0; x[6] = -0; x[7] = 1e-40; // zeros and a denormal
  return x;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const N = 1037; // odd, and past the wasm threshold

describe("sgdUpdate: wasm equals the reference bit for bit", () => {
  const base: SGDHyper = { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false };
  const variants: [string, Partial<SGDHyper>][] = [
    ["plain", {}], ["lr 0.01 (not a float32)", { lr: 0.01 }], ["momentum 0.9", { momentum: 0.9 }],
    ["momentum, dampening 0.1", { momentum: 0.9, dampening: 0.1 }], ["nesterov", { momentum: 0.9, nesterov: true }],
    ["weight decay 1e-4", { weightDecay: 1e-4 }], ["maximize, decay, momentum", { maximize: true, weightDecay: 0.01, momentum: 0.5 }],
  ];
  for (const [name, opts] of variants) {
    it(name, () => {
      const h = { ...base, ...opts };
      const p1 = values(N, 1, 1), p2 = p1.slice();
      const hasBuf = h.momentum !== 0;
      const b1 = hasBuf ? new Float32Array(N) : null, b2 = hasBuf ? new Float32Array(N) : null;
      for (let step = 0; step < 3; step++) {
        const g = values(N, 10 + step, 2);
        jsBackend.sgdUpdate(p1, g, b1, step === 0, h);
        wasm.sgdUpdate(p2, g, b2, step === 0, h);
      }
      expect(sameBits(p2, p1)).toBe(true);
      if (b1 && b2) expect(sameBits(b2, b1)).toBe(true);
      expect(sameBits(p2, values(N, 1, 1))).toBe(false); // it did update
    });
  }
});

describe("adamUpdate: wasm equals the reference bit for bit", () => {
  const base: AdamHyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false, step: 1 };
  const variants: [string, Partial<AdamHyper>, boolean][] = [
    ["Adam", {}, false], ["Adam, L2 decay 0.01", { weightDecay: 0.01 }, false], ["AdamW 0.01", { weightDecay: 0.01, decoupled: true }, false],
    ["amsgrad", {}, true], ["maximize, betas (0.5, 0.9)", { maximize: true, beta1: 0.5, beta2: 0.9 }, false],
  ];
  for (const [name, opts, amsgrad] of variants) {
    it(name, () => {
      const p1 = values(N, 2, 1), p2 = p1.slice();
      const state = () => ({ m: new Float32Array(N), v: new Float32Array(N), vMax: amsgrad ? new Float32Array(N) : null });
      const s1 = state(), s2 = state();
      for (let step = 1; step <= 3; step++) {
        const g = values(N, 20 + step, step === 2 ? 1e-3 : 3);
        const h = { ...base, ...opts, step };
        jsBackend.adamUpdate(p1, g, s1.m, s1.v, s1.vMax, h);
        wasm.adamUpdate(p2, g, s2.m, s2.v, s2.vMax, h);
      }
      expect(sameBits(p2, p1)).toBe(true);
      expect(sameBits(s2.m, s1.m) && sameBits(s2.v, s1.v)).toBe(true);
      if (s1.vMax && s2.vMax) expect(sameBits(s2.vMax, s1.vMax)).toBe(true);
    });
  }

  it("a NaN gradient poisons exactly the same entries", () => {
    const p1 = values(N, 3, 1), p2 = p1.slice(), g = values(N, 4, 1);
    g[100] = NaN;
    const s = () => ({ m: new Float32Array(N), v: new Float32Array(N), vMax: new Float32Array(N) });
    const s1 = s(), s2 = s();
    jsBackend.adamUpdate(p1, g, s1.m, s1.v, s1.vMax, { ...base, step: 1 });
    wasm.adamUpdate(p2, g, s2.m, s2.v, s2.vMax, { ...base, step: 1 });
    expect(Number.isNaN(p2[100])).toBe(true);
    expect(p2.filter(Number.isNaN).length).toBe(1);
    p1[100] = p2[100] = 0;
    expect(sameBits(p2, p1)).toBe(true);
  });
});
