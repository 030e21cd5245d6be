/**
 * Graph nodes carry their op's settings (node.attrs), so the graph alone says what was computed:
 * an exporter (exportOnnx) redoes each op from its inputs, output shape and these settings.
 */
import { describe, expect, it } from "vitest";
import {
  avgPool2d, clamp, concat, conv2d, elu, gelu, hardtanh, leakyRelu, logSoftmax, matmul, max, maxPool2d, mean, pad,
  permute, randn, slice, softmax, softplus, sum, transpose, type Tensor,
} from "@backprop/core";

const attrsOf = (t: Tensor) => t._node!.attrs;

describe("node.attrs: each op records its settings as called", () => {
  const x = randn([2, 3, 6, 6], { requiresGrad: true });
  const v = randn([4, 5], { requiresGrad: true });

  it("activations: slope, beta/threshold, alpha, approximate, bounds", () => {
    expect(attrsOf(leakyRelu(v, 0.2))).toEqual({ slope: 0.2 });
    expect(attrsOf(softplus(v, { beta: 2 }))).toEqual({ beta: 2, threshold: 20 });
    expect(attrsOf(elu(v, 0.5))).toEqual({ alpha: 0.5 });
    expect(attrsOf(gelu(v, { approximate: "tanh" }))).toEqual({ approximate: "tanh" });
    expect(attrsOf(gelu(v))).toEqual({ approximate: "none" });
    expect(attrsOf(hardtanh(v, -2, 3))).toEqual({ min: -2, max: 3 });
    expect(attrsOf(clamp(v, null, 1))).toEqual({ min: -Infinity, max: 1 });
  });

  it("reductions and softmax: axes normalised and sorted, keepDims", () => {
    expect(attrsOf(sum(x, [-1, 1]))).toEqual({ axis: [1, 3], keepDims: false });
    expect(attrsOf(mean(x, 2, true))).toEqual({ axis: [2], keepDims: true });
    expect(attrsOf(max(v))).toEqual({ axis: [0, 1], keepDims: false });
    expect(attrsOf(softmax(v))).toEqual({ axis: 1 });
    expect(attrsOf(logSoftmax(v, 0))).toEqual({ axis: 0 });
  });

  it("shape and indexing ops", () => {
    expect(attrsOf(permute(x, [0, 2, 3, 1]))).toEqual({ dims: [0, 2, 3, 1] });
    expect(attrsOf(transpose(v))).toEqual({ dim0: 0, dim1: 1 });
    expect(attrsOf(slice(v, [-2, 1], [10, 3]))).toEqual({ starts: [2, 1], ends: [4, 3] });
    expect(attrsOf(concat([v, v], -1))).toEqual({ axis: 1 });
    expect(attrsOf(matmul(v, v, { transposeB: true }))).toEqual({ transposeA: false, transposeB: true });
  });

  it("windows: conv2d pads as used ([top, bottom, left, right]), pools as asked", () => {
    const w = randn([4, 3, 3, 2], { requiresGrad: true });
    expect(attrsOf(conv2d(x, w, { stride: 2, padding: 1 }))).toEqual({ stride: [2, 2], dilation: [1, 1], groups: 1, pads: [1, 0, 1, 1] });
    expect(attrsOf(conv2d(x, w, { padding: "same", dilation: [1, 2] }))).toEqual({ stride: [1, 1], dilation: [1, 2], groups: 1, pads: [1, 1, 1, 1] });
    expect(attrsOf(maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }))).toEqual({
      kernel: [3, 3], stride: [2, 2], dilation: [1, 1], padding: [1, 1], ceilMode: true,
    });
    expect(attrsOf(avgPool2d(x, { kernelSize: 2, countIncludePad: false }))).toEqual({
      kernel: [2, 2], stride: [2, 2], dilation: [1, 1], padding: [0, 0], ceilMode: false, countIncludePad: false, divisorOverride: null,
    });
    expect(attrsOf(pad(x, [1, 2], { mode: "reflect" }))).toEqual({ pads: [1, 2], mode: "reflect", value: 0 });
  });

  it("ops without settings record none", () => {
    expect(attrsOf(v.relu())).toEqual({});
  });
});
