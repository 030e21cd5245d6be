// A consumer of @backprop/core, as a user writes one: methods, backward, grad of grad, a matmul
// large enough for the WebAssembly gemm. The bundle tests build it with esbuild and Vite.
import { backendInfo, grad, manualSeed, randn, tensor } from "@backprop/core";
import { report } from "./report.js";

// Methods the op modules attach to Tensor (a bundler that drops methods.js loses all of them).
const METHODS = [
  "add", "sub", "mul", "div", "pow", "maximum", "minimum", "neg", "exp", "log", "sqrt", "abs", "square",
  "clamp", "gt", "ge", "lt", "le", "eq", "relu", "leakyRelu", "sigmoid", "tanh", "softplus", "matmul",
  "sum", "mean", "max", "min", "argmax", "argmin", "reshape", "transpose", "squeeze", "unsqueeze",
  "slice", "gather", "softmax", "logSoftmax", "backward", "retainGrad", "registerHook", "item",
  "toArray", "detach", "clone",
];

const x = tensor([1, 2, 3], { requiresGrad: true });
const y = x.mul(x).sum();
y.backward();
manualSeed(0);
const a = randn([64, 64]);
report({
  missingMethods: METHODS.filter((m) => typeof x[m] !== "function"),
  sum: y.item(),
  grad: x.grad.toArray(),
  secondDerivative: grad(grad((t) => t.pow(3).sum()))(tensor(2)).item(),
  gram: a.matmul(a.T).sum().item(),
  backend: backendInfo(),
});
