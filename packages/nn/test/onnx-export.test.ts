/**
 * exportOnnx, checked by ONNX Runtime: every layer and mapped op is exported, run by onnxruntime-node
 * (CPU) on random inputs of the example's batch size and another, and compared with backprop's own
 * forward within 1e-5·max(1, |reference|). Then the graph's names, opsets, float64, the errors, and
 * that exporting changes nothing in the model.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { argmax, manualSeed, noGrad, pad, randn, record, relu, sum, tensor, type Tensor } from "@backprop/core";
import { AvgPool2d, BatchNorm1d, crossEntropy, exportOnnx, importOnnx, LayerNorm, Linear, Module, ReLU, Sequential } from "@backprop/nn";
import { saveOnnx } from "@backprop/nn/node";
import { OPS } from "../src/interop/onnx/import-ops.js";
import { loadModelProto } from "../src/interop/onnx/model-proto.js";
import { ALL_CASES, Fn, inputFor, type Case } from "./onnx/export-cases.js";
import { maxRelDiff, runOrt } from "./onnx/run-ort.js";

const TOL = 1e-5;
let worst = { diff: 0, name: "" };
/** Every exported file, for the onnx.checker test at the end. */
const exported: { name: string; bytes: Uint8Array }[] = [];

afterAll(() => {
  console.log(`exportOnnx vs ONNX Runtime: largest difference ${worst.diff.toExponential(2)} (relative to max(1, |ref|)), in "${worst.name}"`);
});

async function agrees(c: Case, model: Module, bytes: Uint8Array, batches: number[], dtype: "float32" | "float64" = "float32") {
  for (const b of batches) {
    const x = inputFor(c, b, dtype);
    const want = noGrad(() => model.forward(x));
    const got = (await runOrt(bytes, { input: x })).output;
    const diff = maxRelDiff(got, want);
    if (diff > worst.diff) worst = { diff, name: `${c.name} (${dtype}, batch ${b})` };
    expect(diff, `${c.name}, batch ${b}`).toBeLessThanOrEqual(TOL);
  }
}

describe("exportOnnx: each layer and op runs in ONNX Runtime as in backprop (dynamic batch)", () => {
  for (const c of ALL_CASES) {
    it(c.name, async () => {
      manualSeed(7);
      const model = c.make().eval();
      const bytes = exportOnnx(model, inputFor(c, c.shape[0]));
      exported.push({ name: c.name, bytes });
      await agrees(c, model, bytes, c.noBatchOfOne ? [c.shape[0], c.shape[0] + 3] : [c.shape[0], c.shape[0] + 3, 1]);
    });
  }
});

describe("exportOnnx then importOnnx: the round trip computes the same, with the same parameters under the same keys", () => {
  for (const c of ALL_CASES) {
    it(c.name, () => {
      manualSeed(7);
      const model = c.make().eval();
      const back = importOnnx(exportOnnx(model, inputFor(c, c.shape[0])));
      const x = inputFor(c, c.shape[0] + 2);
      const [want, got] = noGrad(() => [model.forward(x), back.forward(x) as Tensor]);
      expect(maxRelDiff({ data: got.data, dims: got.shape }, want)).toBeLessThanOrEqual(TOL);
      // Every weight the graph reads comes back under its state-dict key, bit for bit.
      const original = new Map(model.namedTensors());
      const shared = back.namedTensors().filter(([k]) => original.has(k));
      expect(shared.length > 0).toBe(model.namedTensors().length > 0);
      for (const [k, t] of shared) expect(Array.from(t.data), k).toEqual(Array.from(original.get(k)!.data));
      // The model's parameters come back as parameters, and nothing else does (constants are Constant nodes).
      const names = (m: Module) => m.namedParameters().map(([k]) => k).sort();
      expect(names(back)).toEqual(names(model));
    });
  }
});

describe("exportOnnx: opsets 13 to 21", () => {
  // Reductions change form at 18 (axes become an input), GELU at 20 (one op), LayerNorm at 17.
  const model = () => {
    manualSeed(3);
    return new Sequential(new Linear(4, 6), new LayerNorm(6), new Fn((x) => sum(x, 1, true)), new ReLU());
  };
  for (const opset of [13, 15, 17, 18, 19, 20, 21]) {
    it(`opset ${opset}`, async () => {
      const m = model().eval();
      const bytes = exportOnnx(m, randn([3, 4]), { opset });
      const proto = loadModelProto(bytes);
      expect(Number(proto.opsetImport[0].version)).toBe(opset);
      const ops = proto.graph!.node.map((n) => n.opType);
      expect(ops.includes("LayerNormalization")).toBe(opset >= 17);
      await agrees({ name: `opset ${opset}`, make: model, shape: [3, 4] }, m, bytes, [3, 5]);
      // importOnnx reads each opset's forms back (axes as an attribute before 18, as an input from 18).
      const x = randn([4, 4]);
      const back = importOnnx(bytes).forward(x) as Tensor;
      expect(maxRelDiff({ data: back.data, dims: back.shape }, m.forward(x))).toBeLessThanOrEqual(TOL);
    });
  }
  it("GELU is one op from opset 20, Erf before", () => {
    const m = new Sequential(new Linear(2, 2), new (class extends Module { forward(x: Tensor) { return x.gelu(); } })());
    const ops = (opset: number) => loadModelProto(exportOnnx(m, randn([2, 2]), { opset })).graph!.node.map((n) => n.opType);
    expect(ops(17)).toContain("Erf");
    expect(ops(20)).toContain("Gelu");
  });
});

describe("exportOnnx: float64 models, where ONNX Runtime's CPU provider has float64 kernels", () => {
  // The same models converted with .to("float64"). Where the CPU provider lacks the kernel, ONNX
  // Runtime refuses the model as it loads it; docs/interop.md lists those ops, and this checks the list.
  for (const c of ALL_CASES) {
    it(c.noFloat64 ? `${c.name}: no float64 ${c.noFloat64} in ONNX Runtime` : c.name, async () => {
      manualSeed(7);
      const model = c.make().eval().to("float64");
      const bytes = exportOnnx(model, inputFor(c, c.shape[0], "float64"));
      expect(loadModelProto(bytes).graph!.input[0].type!.value.value).toMatchObject({ elemType: 11 }); // DOUBLE
      if (c.noFloat64) {
        const refused = runOrt(bytes, { input: inputFor(c, c.shape[0], "float64") });
        await expect(refused).rejects.toThrow(new RegExp(`(Could not find an implementation|Failed to find kernel) for (com\\.microsoft\\.)?${c.noFloat64}\\(`));
      } else {
        await agrees(c, model, bytes, c.noBatchOfOne ? [c.shape[0], 2] : [c.shape[0], 1], "float64");
      }
    });
  }
});

describe("exportOnnx: the graph", () => {
  it("names weights by their state-dict keys, and inputs and outputs as asked", () => {
    const net = new Sequential(new Linear(3, 4), new ReLU(), new LayerNorm(4), new Linear(4, 2));
    const g = loadModelProto(exportOnnx(net, randn([2, 3]), { inputNames: ["x"], outputNames: ["logits"] })).graph!;
    expect(g.initializer.map((t) => t.name).sort()).toEqual(["0.bias", "0.weight", "2.bias", "2.weight", "3.bias", "3.weight"]);
    expect(g.node.map((n) => n.opType)).toEqual(["Gemm", "Relu", "LayerNormalization", "Gemm"]);
    expect(g.input.map((v) => v.name)).toEqual(["x"]);
    expect(g.output.map((v) => v.name)).toEqual(["logits"]);
  });

  it("leaves the batch axis open by default ('batch'), fixed with dynamicBatch: false", () => {
    const net = new Linear(3, 2);
    const dims = (dynamicBatch: boolean) => {
      const v = loadModelProto(exportOnnx(net, randn([5, 3]), { dynamicBatch })).graph!.input[0];
      const t = v.type!.value.value as { shape: { dim: { value: { case: string; value: unknown } }[] } };
      return t.shape.dim.map((d) => (d.value.case === "dimParam" ? d.value.value : Number(d.value.value)));
    };
    expect(dims(true)).toEqual(["batch", 3]);
    expect(dims(false)).toEqual([5, 3]);
  });

  it("several inputs and outputs", async () => {
    class Two extends Module {
      fc = new Linear(3, 2);
      forward(a: Tensor, b: Tensor): Tensor[] { const h = this.fc.forward(a); return [h, relu(h).mul(b)]; }
    }
    const m = new Two();
    const [a, b] = [randn([4, 3]), randn([4, 2])];
    const bytes = exportOnnx(m, [a, b]);
    const out = await runOrt(bytes, { input_0: a, input_1: b });
    const [y0, y1] = m.forward(a, b);
    expect(maxRelDiff(out.output_0, y0)).toBeLessThanOrEqual(TOL);
    expect(maxRelDiff(out.output_1, y1)).toBeLessThanOrEqual(TOL);
  });

  it("a module returning its input, or one tensor twice, still gives every output", async () => {
    class Twice extends Module { forward(x: Tensor) { return [x, x]; } }
    const x = randn([2, 3]);
    const out = await runOrt(exportOnnx(new Twice(), x), { input: x });
    expect(maxRelDiff(out.output_0, x)).toBe(0);
    expect(maxRelDiff(out.output_1, x)).toBe(0);
  });

  it("exports in evaluation mode and leaves the model as it was: modes, weights, running statistics, no wrapper left", () => {
    const net = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU());
    net.train();
    const before = JSON.stringify(net.stateDict());
    const g = loadModelProto(exportOnnx(net, randn([6, 3]))).graph!;
    expect(g.node.map((n) => n.opType)).toContain("BatchNormalization");
    expect(JSON.stringify(net.stateDict())).toBe(before);
    expect(net.namedModules().every(([, m]) => m.training)).toBe(true);
    expect(net.namedModules().some(([, m]) => Object.prototype.hasOwnProperty.call(m, "forward"))).toBe(false);
  });

  it("traces inside noGrad too", () => {
    const bytes = noGrad(() => exportOnnx(new Linear(2, 2), randn([1, 2])));
    expect(loadModelProto(bytes).graph!.node.map((n) => n.opType)).toEqual(["Gemm"]);
  });
});

describe("exportOnnx and importOnnx cover the same ops", () => {
  it("every ONNX op the exporter can write (read from its source), importOnnx reads", () => {
    const dir = resolve(import.meta.dirname, "../src/interop/onnx");
    const source = ["export.ts", "export-ops.ts", "export-modules.ts", "graph-builder.ts"].map((f) => readFileSync(join(dir, f), "utf8")).join("\n");
    const written = new Set([...source.matchAll(/\b(?:node|value|direct|reduce)\(\s*"([A-Z][A-Za-z]+)"/g)].map((m) => m[1]));
    expect(written.size).toBeGreaterThan(40);
    expect([...written].filter((op) => !(op in OPS)).sort()).toEqual([]);
  });
});

describe("exportOnnx: errors name the op, the module and what was expected", () => {
  class Custom extends Module {
    forward(x: Tensor): Tensor {
      return record(x.mul(1), { op: "myOp", rule: "dx = g", inputs: [x], backward: (g) => [g] });
    }
  }
  class Net extends Module {
    body = new Sequential(new Linear(2, 2), new Custom());
    forward(x: Tensor) { return this.body.forward(x); }
  }

  it("an op with no mapping, with the module path", () => {
    expect(() => exportOnnx(new Net(), randn([2, 2]))).toThrow(/^exportOnnx: op "myOp" in module "body\.1" \(Custom\) has no ONNX mapping; ops that export: add, sub, /);
  });

  it("a loss inside forward", () => {
    class WithLoss extends Module {
      fc = new Linear(2, 3);
      forward(x: Tensor) { return crossEntropy(this.fc.forward(x), [0, 1]); }
    }
    expect(() => exportOnnx(new WithLoss(), randn([2, 2]))).toThrow('exportOnnx: op "crossEntropy" in the model\'s own forward (WithLoss) has no ONNX mapping (a loss: export the model, and compute the loss outside it)');
  });

  it("settings ONNX cannot express", () => {
    expect(() => exportOnnx(new AvgPool2d(2, { divisorOverride: 3 }), randn([1, 1, 4, 4])))
      .toThrow('exportOnnx: op "avgPool2d" in the model\'s own forward (AvgPool2d) cannot be exported: divisorOverride has no ONNX equivalent');
    const circular = new Fn((x) => pad(x, [1, 1], { mode: "circular" }));
    expect(() => exportOnnx(circular, randn([2, 3]))).toThrow('mode "circular" is Pad\'s mode "wrap", from opset 19 (exporting at 17); pass { opset: 19 }');
    expect(exportOnnx(circular, randn([2, 3]), { opset: 19 })).toBeInstanceOf(Uint8Array);
  });

  it("a batch-sized tensor computed outside the graph", () => {
    const mask = new Fn((x) => x.mul(tensor(Array.from(argmax(x, 1).data), { shape: [x.shape[0], 1] })));
    expect(() => exportOnnx(mask, randn([4, 3]))).toThrow(/^exportOnnx: a tensor of shape \[4, 1\] in the model's own forward \(Fn\) has the batch's size but no recorded history/);
  });

  it("bad arguments and options", () => {
    const m = new Linear(2, 2), x = randn([1, 2]);
    expect(() => exportOnnx({} as Module, x)).toThrow("exportOnnx: expected a Module to export, got {}");
    expect(() => exportOnnx(m, [1, 2] as unknown as Tensor)).toThrow("exportOnnx: exampleInput[0] must be a Tensor, got 1");
    expect(() => exportOnnx(m, [])).toThrow("exportOnnx: exampleInput must be a Tensor or a non-empty array of Tensors");
    expect(() => exportOnnx(m, x, { opset: 12 })).toThrow("exportOnnx: opset must be an integer from 13 to 21, got 12");
    expect(() => exportOnnx(m, x, { opSet: 17 } as object)).toThrow('exportOnnx: unknown option "opSet"; expected one of: opset, inputNames, outputNames, dynamicBatch');
    expect(() => exportOnnx(m, x, { inputNames: ["a", "b"] })).toThrow('exportOnnx: inputNames must be an array of 1 non-empty string(s) (one per input), got ["a", "b"]');
    expect(() => exportOnnx(m, x, { inputNames: ["y"], outputNames: ["y"] })).toThrow('exportOnnx: "y" is both an input and an output name');
    expect(() => exportOnnx(m, x, { dynamicBatch: 1 } as object)).toThrow("exportOnnx: dynamicBatch must be true or false, got 1");
    expect(() => exportOnnx(new Fn((s) => s.mul(2)), tensor(3))).toThrow("exportOnnx: input 0 is 0-d, so it has no batch axis; pass { dynamicBatch: false }");
    class NotTensor extends Module { forward() { return 3; } }
    expect(() => exportOnnx(new NotTensor(), x)).toThrow("exportOnnx: the model's forward must return a Tensor or an array of Tensors; it is number");
  });
});

describe("saveOnnx", () => {
  it("writes the model to a file ONNX Runtime loads; a bad path changes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "backprop-onnx-"));
    try {
      const net = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
      const x = randn([2, 3]);
      await saveOnnx(net, x, join(dir, "net.onnx"));
      const out = await runOrt(new Uint8Array(readFileSync(join(dir, "net.onnx"))), { input: x });
      expect(maxRelDiff(out.output, net.forward(x))).toBeLessThanOrEqual(TOL);
      await expect(saveOnnx(net, x, join(dir, "missing", "net.onnx"))).rejects.toThrow(/^saveOnnx: .*missing/);
      await expect(saveOnnx(net, x, "")).rejects.toThrow('saveOnnx: path must be a non-empty string, got ""');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// onnx.checker (Python's onnx package) over every file exported above, where Python has it.
const ROOT = resolve(import.meta.dirname, "../../..");
const CHECKER = join(ROOT, "packages/nn/test/reference/check_onnx.py");
const hasOnnx = (() => {
  try {
    execFileSync("python3", ["-c", "import onnx"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("onnx.checker", () => {
  it.skipIf(!hasOnnx)("accepts every exported model (full check, with shape inference)", () => {
    expect(exported.length).toBe(ALL_CASES.length);
    const dir = mkdtempSync(join(tmpdir(), "backprop-onnx-check-"));
    try {
      const files = exported.map(({ bytes }, i) => {
        const f = join(dir, `model-${i}.onnx`);
        writeFileSync(f, bytes);
        return f;
      });
      const report = execFileSync("python3", [CHECKER, ...files], { encoding: "utf8" });
      expect(report.trim()).toBe(`checked ${files.length} models: all valid`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("the checker script is committed", () => expect(existsSync(CHECKER)).toBe(true));
});
