/**
 * Optimizer state dicts: PyTorch's layout and names as JSON-able data; a run resumed from one
 * (after a JSON round trip, into a fresh optimizer) continues bit for bit as the uninterrupted run;
 * loading checks everything first and changes nothing on any problem, naming it.
 */
import { describe, expect, it } from "vitest";
import { tensor, type Tensor } from "@backprop/core";
import { Adam, AdamW, SGD, type Optimizer, type OptimizerStateDict } from "../src/index.js";

const P0 = [[0.5, -1.25, 2], [0.125, -0.75], [1.5]];
const grad = (k: number, i: number, n: number) => Array.from({ length: n }, (_, j) => Math.sin(1.1 * k + 0.9 * j + i) * (j + 1) + 0.01 * k);

function params(dtype: "float32" | "float64" = "float64"): Tensor[] {
  return P0.map((v) => tensor(v, { dtype, requiresGrad: true }));
}

/** Steps k0..k1-1 with the deterministic gradients; parameter 2 gets no gradient on odd steps. */
function train(opt: Optimizer, ps: Tensor[], k0: number, k1: number): void {
  for (let k = k0; k < k1; k++) {
    ps.forEach((p, i) => (p.grad = i === 2 && k % 2 === 1 ? null : tensor(grad(k, i, p.size), { dtype: p.dtype })));
    opt.step();
  }
}

type Make = (ps: Tensor[]) => Optimizer;
const makers: [string, Make][] = [
  ["SGD with momentum, nesterov in one group", (ps) => new SGD([{ params: [ps[0], ps[1]] }, { params: [ps[2]], nesterov: true, weightDecay: 0.1 }], { lr: 0.05, momentum: 0.9 })],
  ["Adam with amsgrad in one group", (ps) => new Adam([{ params: [ps[0]] }, { params: [ps[1], ps[2]], amsgrad: true, betas: [0.8, 0.9] }], { lr: 0.01 })],
  ["AdamW", (ps) => new AdamW(ps, { lr: 0.02, weightDecay: 0.1 })],
];

describe("stateDict: PyTorch's layout, JSON-able", () => {
  it("SGD: state keyed by the index across groups, momentum_buffer; param_groups with options and indices", () => {
    const ps = params();
    const opt = makers[0][1](ps) as SGD;
    train(opt, ps, 0, 2);
    const sd = opt.stateDict();
    expect(JSON.parse(JSON.stringify(sd))).toEqual(sd);
    expect(sd.param_groups).toEqual([
      { lr: 0.05, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, params: [0, 1] },
      { lr: 0.05, momentum: 0.9, dampening: 0, weight_decay: 0.1, nesterov: true, maximize: false, params: [2] },
    ]);
    expect(Object.keys(sd.state)).toEqual(["0", "1", "2"]);
    const buf = opt.state.get(ps[1])!.momentumBuffer;
    expect(sd.state["1"]).toEqual({ momentum_buffer: { shape: [2], dtype: "float64", data: Array.from(buf.data) } });
  });

  it("Adam: step, exp_avg, exp_avg_sq (and max_exp_avg_sq with amsgrad); initial_lr once a scheduler set it", () => {
    const ps = params();
    const opt = makers[1][1](ps);
    train(opt, ps, 0, 3);
    opt.paramGroups[0].initialLr = 0.01;
    const sd = opt.stateDict();
    expect(sd.param_groups[0]).toEqual({ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, initial_lr: 0.01, params: [0] });
    expect(sd.param_groups[1].params).toEqual([1, 2]);
    expect(Object.keys(sd.state["0"])).toEqual(["step", "exp_avg", "exp_avg_sq"]);
    expect(Object.keys(sd.state["1"])).toEqual(["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]);
    expect([sd.state["0"].step, sd.state["2"].step]).toEqual([3, 2]); // parameter 2 had no gradient at step 1
  });

  it("a parameter that never had a gradient has no entry", () => {
    const ps = params();
    const opt = new Adam(ps);
    ps[0].grad = tensor([1, 1, 1], { dtype: "float64" });
    opt.step();
    expect(Object.keys(opt.stateDict().state)).toEqual(["0"]);
  });
});

describe("a run resumed from a state dict continues bit for bit", () => {
  it.each(makers)("%s", (_, make) => {
    const a = params();
    const full = make(a);
    train(full, a, 0, 8);

    const b = params();
    const first = make(b);
    train(first, b, 0, 4);
    const sd = JSON.parse(JSON.stringify(first.stateDict())) as OptimizerStateDict;
    const c = b.map((p) => tensor(Array.from(p.data), { dtype: "float64", requiresGrad: true })); // the same values, new tensors
    const resumed = make(c);
    resumed.loadStateDict(sd);
    expect(resumed.stateDict()).toEqual(first.stateDict());
    train(resumed, c, 4, 8);
    c.forEach((p, i) => expect(Array.from(p.data), `parameter ${i}`).toEqual(Array.from(a[i].data)));
  });

  it("without the state the run would differ (the test can tell)", () => {
    const a = params();
    const full = makers[1][1](a);
    train(full, a, 0, 8);
    const b = params();
    train(makers[1][1](b), b, 0, 4);
    train(makers[1][1](b), b, 4, 8); // a fresh optimizer: moments from zero
    expect(Array.from(b[0].data)).not.toEqual(Array.from(a[0].data));
  });

  it("the options come back too (lr set by a schedule, momentum)", () => {
    const ps = params();
    const opt = new SGD(ps, { lr: 0.1, momentum: 0.9 });
    opt.paramGroups[0].lr = 0.0123;
    opt.paramGroups[0].momentum = 0.5;
    const other = new SGD(params(), { lr: 1 });
    other.loadStateDict(opt.stateDict());
    expect([other.paramGroups[0].lr, other.paramGroups[0].momentum]).toEqual([0.0123, 0.5]);
  });

  it("state values are cast to the parameter's dtype (a float64 state into a float32 model)", () => {
    const ps = params();
    const opt = new Adam(ps, { lr: 0.1 });
    train(opt, ps, 0, 2);
    const sd = opt.stateDict();
    const ps32 = params("float32");
    const opt32 = new Adam(ps32, { lr: 0.1 });
    opt32.loadStateDict(sd);
    const s = opt32.state.get(ps32[0])!;
    expect(s.expAvg.dtype).toBe("float32");
    expect(Array.from(s.expAvg.data)).toEqual(Array.from(Float32Array.from(opt.state.get(ps[0])!.expAvg.data)));
    expect(s.step).toBe(2);
  });
});

describe("loadStateDict checks everything first; on any problem nothing changes", () => {
  type Sd = Record<string, any>;
  const cases: [string, (sd: Sd) => unknown, RegExp][] = [
    ["not an object", () => [1], /Adam\.loadStateDict: the state dict must be an object \{ state, param_groups \}, got an array/],
    ["a missing part", (sd) => ({ state: sd.state }), /the state dict lacks "param_groups"/],
    ["an unknown key", (sd) => ({ ...sd, defaults: {} }), /the state dict has an unknown key "defaults"/],
    ["a group fewer", (sd) => ({ ...sd, param_groups: sd.param_groups.slice(0, 1) }), /the state dict has 1 parameter group, this optimizer has 2/],
    ["a group of another size", (sd) => { sd.param_groups[1].params = [1]; return sd; }, /param_groups\[1\] has 1 parameter, this optimizer's group 1 has 2/],
    ["a parameter index twice", (sd) => { sd.param_groups[1].params = [1, 0]; return sd; }, /parameter index 0 appears twice/],
    ["a non-integer index", (sd) => { sd.param_groups[0].params = [0.5]; return sd; }, /param_groups\[0\]\.params\[0\] must be a non-negative integer, got 0\.5/],
    ["a missing option", (sd) => { delete sd.param_groups[1].eps; return sd; }, /param_groups\[1\] lacks "eps"/],
    ["an unknown option", (sd) => { sd.param_groups[0].foreach = null; return sd; }, /param_groups\[0\] has an unknown key "foreach"/],
    ["our camelCase name", (sd) => { sd.param_groups[0].weightDecay = sd.param_groups[0].weight_decay; delete sd.param_groups[0].weight_decay; return sd; }, /param_groups\[0\] lacks "weight_decay"/],
    ["a bad lr", (sd) => { sd.param_groups[1].lr = -1; return sd; }, /Adam\.loadStateDict: param_groups\[1\]: lr must be >= 0, got -1/],
    ["bad betas", (sd) => { sd.param_groups[0].betas = [0.9]; return sd; }, /param_groups\[0\]: betas must be a pair/],
    ["a string for a boolean", (sd) => { sd.param_groups[0].amsgrad = "false"; return sd; }, /param_groups\[0\]: amsgrad must be a boolean, got "false"/],
    ["a bad initial_lr", (sd) => { sd.param_groups[0].initial_lr = "0.1"; return sd; }, /param_groups\[0\]: initial_lr must be a finite number, got "0\.1"/],
    ["state for no parameter", (sd) => { sd.state["7"] = sd.state["0"]; return sd; }, /state\["7"\]: no parameter group lists a parameter with index "7"/],
    ["state keyed by a name", (sd) => { sd.state["fc.weight"] = sd.state["0"]; return sd; }, /state\["fc\.weight"\]: no parameter group lists/],
    ["a missing moment", (sd) => { delete sd.state["1"].exp_avg; return sd; }, /state\["1"\] lacks "exp_avg"/],
    ["amsgrad without its maximum", (sd) => { delete sd.state["2"].max_exp_avg_sq; return sd; }, /state\["2"\] lacks "max_exp_avg_sq"/],
    ["an unknown state key", (sd) => { sd.state["0"].momentum_buffer = sd.state["0"].exp_avg; return sd; }, /state\["0"\] has an unknown key "momentum_buffer"/],
    ["a fractional step", (sd) => { sd.state["0"].step = 1.5; return sd; }, /state\["0"\]\.step must be a non-negative integer, got 1\.5/],
    ["a wrong shape", (sd) => { sd.state["1"].exp_avg.shape = [1, 2]; return sd; }, /state\["1"\]\.exp_avg: shape \[1, 2\] does not match the parameter's \[2\]/],
    ["a bad dtype", (sd) => { sd.state["1"].exp_avg_sq.dtype = "int32"; return sd; }, /state\["1"\]\.exp_avg_sq: dtype must be "float32" or "float64", got "int32"/],
    ["too few values", (sd) => { sd.state["0"].exp_avg.data.pop(); return sd; }, /state\["0"\]\.exp_avg: data has 2 values, but shape \[3\] needs 3/],
    ["a value that is not a number", (sd) => { sd.state["2"].exp_avg.data[0] = "1"; return sd; }, /state\["2"\]\.exp_avg: data\[0\] is "1", not a number/],
  ];

  it.each(cases)("%s", (_, change, re) => {
    const ps = params();
    const opt = makers[1][1](ps);
    train(opt, ps, 0, 3);
    const before = JSON.stringify(opt.stateDict());
    const groups = opt.paramGroups.map((g) => ({ ...g }));
    const sd = change(JSON.parse(before));
    expect(() => opt.loadStateDict(sd as OptimizerStateDict)).toThrow(re);
    expect(JSON.stringify(opt.stateDict())).toBe(before);
    expect(opt.paramGroups.map((g) => ({ ...g }))).toEqual(groups);
  });

  it("the last entry's problem is found before the first is written (state of parameter 0 untouched)", () => {
    const ps = params();
    const opt = makers[1][1](ps) as Adam;
    train(opt, ps, 0, 3);
    const buf = opt.state.get(ps[0])!.expAvg;
    const sd = JSON.parse(JSON.stringify(opt.stateDict()));
    sd.state["0"].exp_avg.data = [9, 9, 9];
    sd.param_groups[0].lr = 0.5;
    sd.state["2"].exp_avg_sq.data[0] = null;
    expect(() => opt.loadStateDict(sd)).toThrow(/state\["2"\]\.exp_avg_sq: data\[0\] is null/);
    expect(opt.state.get(ps[0])!.expAvg).toBe(buf);
    expect(opt.paramGroups[0].lr).toBe(0.01);
  });

  it("a SGD state dict does not load into Adam", () => {
    const ps = params();
    const sgd = makers[0][1](ps);
    train(sgd, ps, 0, 1);
    const adam = makers[1][1](params());
    expect(() => adam.loadStateDict(sgd.stateDict())).toThrow(/param_groups\[0\] lacks "betas", "eps", "amsgrad"/);
  });
});
