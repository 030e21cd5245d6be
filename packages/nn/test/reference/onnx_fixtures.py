"""
ONNX models exported by PyTorch, for the importer's tests (packages/nn/test/onnx-import.test.ts):

    pip install torch onnx onnxruntime
    python3 packages/nn/test/reference/onnx_fixtures.py

writes packages/nn/test/fixtures/onnx/<name>.onnx and <name>.json (committed as they are; not run
in CI). Each JSON holds the PyTorch version, the input and output names, one fixed input batch and
PyTorch's output for it (float32 values, flat, row-major, with their shapes), and the state-dict
keys PyTorch's module has. The export uses the TorchScript exporter (dynamo=False, still in torch
2.13) at opset 17 with a dynamic batch axis: it keeps PyTorch's parameter names on the
initializers ("0.weight"), which the tests check; training=PRESERVE keeps BatchNorm2d a
BatchNormalization node (the default folds it into the convolution before it). When onnxruntime is installed, each model is also
run there and the largest difference from PyTorch is printed (a check of the export itself).

- mlp: Linear(4, 8), ReLU, Linear(8, 8), Tanh, Linear(8, 3) — Gemm, Relu, Tanh.
- cnn: Conv2d(1, 4, 3, padding=1), BatchNorm2d(4) in eval mode with running statistics from three
  training batches, ReLU, MaxPool2d(2), Conv2d(4, 6, 3), GELU, Flatten, Linear(24, 5), LayerNorm(5)
  — Conv, BatchNormalization, MaxPool, Erf (GELU is spelled out at opset 17), Flatten, Gemm,
  LayerNormalization.
- heads: two outputs, softmax and log-softmax of a small MLP through LeakyReLU(0.1), Sigmoid, ELU.
- pool1d: Conv1d(2, 3, 3, padding=1), AvgPool1d(3, stride=2, padding=1, ceil_mode=True,
  count_include_pad=False), x.view(x.size(0), -1) (Shape, Gather, Unsqueeze, Concat, Reshape), Linear.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "onnx")


class Heads(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 10)
        self.fc2 = nn.Linear(10, 10)
        self.out = nn.Linear(10, 4)

    def forward(self, x):
        h = F.leaky_relu(self.fc1(x), 0.1)
        h = torch.sigmoid(self.fc2(h)) + F.elu(h)
        z = self.out(h)
        return torch.softmax(z, dim=1), torch.log_softmax(z, dim=-1)


class Pool1d(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(2, 3, 3, padding=1)
        self.pool = nn.AvgPool1d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        self.fc = nn.Linear(3 * 4, 2)

    def forward(self, x):
        h = self.pool(torch.relu(self.conv(x)))
        return self.fc(h.view(h.size(0), -1))


def cnn():
    m = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3), nn.GELU(), nn.Flatten(), nn.Linear(24, 5), nn.LayerNorm(5),
    )
    m.train()
    with torch.no_grad():  # non-trivial running statistics for the eval-mode export
        for _ in range(3):
            m(torch.randn(8, 1, 8, 8) * 2 + 0.5)
    # LayerNorm's affine parameters away from 1 and 0, so the test sees them used
    with torch.no_grad():
        m[8].weight.copy_(torch.rand(5) + 0.5)
        m[8].bias.copy_(torch.randn(5) * 0.1)
    return m


MODELS = {
    "mlp": (lambda: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3)), [3, 4], ["y"]),
    "cnn": (cnn, [2, 1, 8, 8], ["y"]),
    "heads": (Heads, [3, 6], ["probs", "logprobs"]),
    "pool1d": (Pool1d, [2, 2, 7], ["y"]),
}


def flat(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def main():
    os.makedirs(OUT, exist_ok=True)
    for i, (name, (build, shape, outputs)) in enumerate(MODELS.items()):
        torch.manual_seed(i)
        model = build().eval()
        x = torch.randn(*shape)
        with torch.no_grad():
            y = model(x)
        ys = list(y) if isinstance(y, tuple) else [y]
        path = os.path.join(OUT, f"{name}.onnx")
        dynamic = {n: {0: "batch"} for n in ["x", *outputs]}
        # PRESERVE (the model is in eval mode): the default, EVAL, folds BatchNorm2d into the
        # convolution before it, and the test wants a BatchNormalization node.
        torch.onnx.export(model, (x,), path, opset_version=17, dynamo=False, training=torch.onnx.TrainingMode.PRESERVE,
                          input_names=["x"], output_names=outputs, dynamic_axes=dynamic)
        record = {
            "torch": torch.__version__,
            "stateDictKeys": list(model.state_dict().keys()),
            "input": flat(x),
            "outputs": {n: flat(v) for n, v in zip(outputs, ys)},
        }
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump(record, f)
        try:
            import onnxruntime as ort
        except ImportError:
            continue
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        got = session.run(None, {"x": x.numpy()})
        diff = max(float((torch.from_numpy(g) - v).abs().max()) for g, v in zip(got, ys))
        print(f"{name}: onnxruntime vs PyTorch, largest difference {diff:.3g}")


if __name__ == "__main__":
    main()
