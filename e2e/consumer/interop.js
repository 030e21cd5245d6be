// A consumer of @backprop/nn's interop: a model out to ONNX and back in, and its weights through
// safetensors, all inside the bundle (the ONNX schema and protobuf come along only here).
import { manualSeed, randn } from "@backprop/core";
import { exportOnnx, fromSafetensors, importOnnx, LayerNorm, Linear, ReLU, Sequential, toSafetensors } from "@backprop/nn";
import { report } from "./report.js";

manualSeed(0);
const net = new Sequential(new Linear(3, 8), new ReLU(), new LayerNorm(8), new Linear(8, 2));
const bytes = exportOnnx(net, randn([4, 3]));
const back = importOnnx(bytes);
const x = randn([6, 3]);
const [a, b] = [net.forward(x).data, back.forward(x).data];
const onnxMaxDiff = Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
const sd = fromSafetensors(toSafetensors(net));
report({
  onnxBytes: bytes.length, onnxMaxDiff, importedKeys: Object.keys(back.stateDict()).sort(),
  safetensorsKeys: Object.keys(sd).sort(), safetensorsExact: sd["3.weight"].data.every((v, i) => v === net[3].weight.data[i]),
});
