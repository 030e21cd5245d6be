/**
 * The bench's bookkeeping: backend detection, rows in units, ratios in the right direction, and
 * targets marked met / missed / not measured (with the reason) in the printed table.
 */
import { describe, expect, it } from "vitest";
import { getBackend } from "@backprop/core";
import { detectConfigs, withConfig } from "../ours.js";
import { collectMeta, formatTable, LIMIT_COLUMN, makeRow, rowRatio, type Measure } from "../table.js";
import { CONV_LAYER } from "../conv-workloads.js";
import { convName, evaluateTargets, lenetName, matmulName, reluSigName, trainName } from "../targets.js";
import { measureOf } from "../timing.js";

const m = (mean: number): Measure => ({ mean, rme: 1, samples: 5, count: 10 });

describe("our backend configurations", () => {
  it("skip an unknown backend with the reason, and keep js first", () => {
    const { configs, skipped } = detectConfigs(["js", "no-such-backend"]);
    expect(configs.map((c) => c.label)).toEqual(["backprop js"]);
    expect(skipped.join("\n")).toMatch(/backprop no-such-backend: not available.*unknown backend "no-such-backend"/);
  });

  /** A stand-in for a core whose wasm backend has setThreads (and logs every call). */
  function fakeCore(opts: { wasm: boolean; threads: boolean; maxThreads?: number }) {
    const log: string[] = [];
    let backend = "js", threads = 1;
    const api = {
      getBackend: () => backend,
      setBackend: (n: string) => {
        if (n !== "js" && !(n === "wasm" && opts.wasm)) throw new Error(`setBackend: unknown backend "${n}"`);
        backend = n;
      },
      ...(opts.threads && {
        setThreads: (n: number) => {
          if (n > (opts.maxThreads ?? 2)) throw new Error(`setThreads: at most ${opts.maxThreads} threads`);
          threads = n;
          log.push(`${backend}:${n}`);
        },
      }),
    };
    return { api, log, state: () => ({ backend, threads }) };
  }

  it("add wasm ×2 only when setThreads exists and accepts 2, pin plain wasm to 1, and restore", () => {
    const none = detectConfigs(["js", "wasm"], fakeCore({ wasm: false, threads: false }).api);
    expect(none.configs.map((c) => c.label)).toEqual(["backprop js"]);
    expect(none.skipped.join()).toMatch(/backprop wasm: not available/);

    const noThreads = detectConfigs(["js", "wasm"], fakeCore({ wasm: true, threads: false }).api);
    expect(noThreads.configs.map((c) => c.label)).toEqual(["backprop js", "backprop wasm"]);
    expect(noThreads.skipped.join()).toMatch(/does not export setThreads/);

    const oneOnly = detectConfigs(["js", "wasm"], fakeCore({ wasm: true, threads: true, maxThreads: 1 }).api);
    expect(oneOnly.configs.map((c) => c.label)).toEqual(["backprop js", "backprop wasm"]);
    expect(oneOnly.skipped.join()).toMatch(/setThreads\(2\) failed/);

    const f = fakeCore({ wasm: true, threads: true });
    const { configs } = detectConfigs(["js", "wasm"], f.api);
    expect(configs).toEqual([
      { label: "backprop js", backend: "js" },
      { label: "backprop wasm", backend: "wasm", threads: 1 },
      { label: "backprop wasm ×2", backend: "wasm", threads: 2 },
    ]);
    expect(f.state()).toEqual({ backend: "js", threads: 1 });
    f.log.length = 0;
    withConfig(configs[2], () => expect(f.state()).toEqual({ backend: "wasm", threads: 2 }), f.api);
    expect(f.log).toEqual(["wasm:2", "wasm:1"]); // threads reset while wasm is still current
    expect(f.state()).toEqual({ backend: "js", threads: 1 });
  });

  it("restore the previous backend even when the work throws", () => {
    const before = getBackend();
    const other = before === "js" ? detectConfigs().configs.find((c) => c.backend !== "js") : detectConfigs().configs[0];
    if (!other) return; // a build with the js backend only: nothing to switch to
    expect(() => withConfig(other, () => { throw new Error("boom"); })).toThrow("boom");
    expect(getBackend()).toBe(before);
  });
});

describe("rows and ratios", () => {
  it("GFLOP/s is higher-is-better, times are lower-is-better", () => {
    const g = makeRow("mm", "GFLOP/s", new Map([["backprop js", m(0.5)], ["TF.js CPU", m(1)]]), { flops: 2e9 });
    expect(g.cells["backprop js"].value).toBeCloseTo(4);
    expect(rowRatio(g, "backprop js", "TF.js CPU")).toBeCloseTo(2); // half the time: twice the speed
    const t = makeRow("step", "ms", new Map([["backprop js", m(0.002)], ["jax-js", m(0.001)]]));
    expect(t.cells["jax-js"].value).toBeCloseTo(1);
    expect(rowRatio(t, "backprop js", "jax-js")).toBeCloseTo(0.5);
    expect(rowRatio(t, "backprop wasm", "jax-js")).toBeNull();
    expect(() => makeRow("x", "ms", new Map([["TF.js GPU", m(1)]]))).toThrow(/unknown column/);
  });

  it("fixed-count measures carry a margin of error", () => {
    const fixed = measureOf([1, 1.2]);
    expect(fixed.mean).toBeCloseTo(1.1);
    expect(fixed.rme).toBeGreaterThan(0);
    expect(fixed.fixed).toBe(true);
  });
});

describe("targets", () => {
  const train = trainName([784, 128, 64, 1], 64);
  const rows = [
    makeRow(matmulName(256, "AB"), "GFLOP/s", new Map([["backprop js", m(0.001)], ["TF.js CPU", m(0.01)]]), { flops: 1e9 }),
    makeRow(train, "ms", new Map([["backprop js", m(0.02)], ["backprop wasm", m(0.004)], ["jax-js", m(0.005)]])),
    makeRow(reluSigName(1e6), "ms", new Map([["backprop wasm", m(0.002)], ["TF.js WASM", m(0.001)], [LIMIT_COLUMN, m(0.0005)]])),
  ];
  const ran = new Set(["matmul", "relusig", "train"]);
  const targets = evaluateTargets({ rows, ran, absent: new Map([["backprop wasm ×2", "not in this build"]]), reluSigSize: 1e6, mlpRows: [] });
  const find = (what: RegExp) => targets.find((t) => what.test(t.what))!;

  it("are met, missed, or not measured with the reason", () => {
    expect(find(/matmul 256×256 A·B: backprop js ÷ TF.js CPU/).measured).toBeCloseTo(10);
    expect(find(/784-128-64-1 b64: backprop wasm ÷ jax-js/).measured).toBeCloseTo(1.25); // goal 2: missed
    expect(find(/relu→sigmoid.*backprop wasm ÷ TF.js WASM/).measured).toBeCloseTo(0.5);
    const wasm2 = find(/wasm ×2/);
    expect(wasm2.measured).toBeNull();
    expect(wasm2.skipped).toMatch(/matmul 1024 is not part of a --quick run/);
    expect(find(/1024-1024-1024-1 b256: backprop wasm ÷ jax-js/).skipped).toMatch(/not part of a --quick run/);
  });

  it("of workloads left out with --only are not listed", () => {
    const some = evaluateTargets({ rows, ran: new Set(["relusig"]), absent: new Map(), reluSigSize: 1e6, mlpRows: [] });
    expect(some.map((t) => t.workload)).toEqual(["relusig"]);
  });

  it("show up as ✓ / ✗ / – in the table, with the limit column and the reasons", () => {
    const meta = collectMeta({ quick: true, rounds: 1, slowCall: 0.5, core: "test", sides: ["side a"], skipped: ["backprop wasm ×2: not in this build"], notes: ["a note"] });
    const text = formatTable(rows, targets, meta, null);
    expect(text).toMatch(/✓ {2}matmul 256×256 A·B: backprop js ÷ TF.js CPU: 10.00×/);
    expect(text).toMatch(/✗ {2}train step 784-128-64-1 b64: backprop wasm ÷ jax-js: 1.25× {2}\(≥ 2×\)/);
    expect(text).toMatch(/– {2}matmul 1024: backprop wasm ×2/);
    expect(text).toContain(LIMIT_COLUMN);
    expect(text).toContain("backprop wasm ×2: not in this build");
    // best ours ÷ best peer on the train row: wasm 4 ms against jax-js 5 ms
    expect(text).toMatch(/1\.25× \(wasm : jax-js\)/);
  });

  it("head the table with the Node version that ran and whether the wasm gemm used FMA", () => {
    const base = { quick: true, rounds: 1, slowCall: 0.5, core: "test", sides: [], skipped: [], notes: [] };
    for (const [fma, says] of [[true, "(wasm: relaxed-SIMD FMA)"], [false, "(wasm: plain SIMD, no FMA)"], [null, "(no wasm backend)"]] as const) {
      const header = formatTable(rows, [], collectMeta({ ...base, fma }), null).split("\n")[1];
      expect(header.startsWith(`Node ${process.version} ${says} · `)).toBe(true);
    }
  });
});

describe("the convolution rows", () => {
  const once = measureOf([146]); // TF.js CPU's single call
  const conv = makeRow(convName(CONV_LAYER), "ms", new Map([["backprop wasm", m(0.3)], ["jax-js", m(12)], ["TF.js CPU", once]]), {
    unsupported: new Map([["TF.js WASM", "not supported: TF.js's wasm backend has no Conv2DBackpropFilter kernel"]]),
  });
  const lenet = makeRow(lenetName(64), "ms", new Map([["backprop js", m(0.1)], ["TF.js CPU", measureOf([3.2])]]), {
    unsupported: new Map([["TF.js WASM", "not supported: TF.js's wasm backend has no Conv2DBackpropFilter kernel"]]),
  });
  const rows = [conv, lenet];
  const targets = evaluateTargets({ rows, ran: new Set(["lenet", "conv"]), absent: new Map(), reluSigSize: 1e6, mlpRows: [] });

  it("show an unsupported framework as 'not supported' with its reason, and a single call with ‡", () => {
    const meta = collectMeta({ quick: false, rounds: 2, slowCall: 0.5, core: "test", sides: [], skipped: [], notes: [] });
    const text = formatTable(rows, targets, meta, null);
    const line = text.split("\n").find((l) => l.startsWith(`| ${convName(CONV_LAYER)}`))!;
    expect(line).toMatch(/146000 ‡ \| +not supported \|/); // columns: TF.js CPU, then TF.js WASM
    expect(text).toContain(`${convName(CONV_LAYER)}: TF.js WASM not supported: TF.js's wasm backend has no Conv2DBackpropFilter kernel`);
    expect(text).toMatch(/‡ = timed ONCE/);
    expect(text).not.toMatch(/† = over/); // no fixed-count measure of several calls here
    expect(() => makeRow("x", "ms", new Map(), { unsupported: new Map([["TF.js GPU", "?"]]) })).toThrow(/unknown column/);
  });

  it("targets: conv ≥ 30× and LeNet ≥ 20× over jax-js, by our one-thread wasm", () => {
    const c = targets.find((t) => t.workload === "conv")!;
    expect(c.what).toBe(`${convName(CONV_LAYER)}: backprop wasm ÷ jax-js`);
    expect(c.goal).toBe(30);
    expect(c.measured).toBeCloseTo(40); // 12 s against 0.3 s: met
    const l = targets.find((t) => t.workload === "lenet")!;
    expect(l.goal).toBe(20);
    expect(l.measured).toBeNull();
    expect(l.skipped).toMatch(/backprop wasm: not run; jax-js: not run/);
  });

  it("a target whose peer could not run says why", () => {
    const row = makeRow(convName(CONV_LAYER), "ms", new Map([["backprop wasm", m(0.3)]]), {
      unsupported: new Map([["jax-js", "not supported: no such kernel"]]),
    });
    const [t] = evaluateTargets({ rows: [row], ran: new Set(["conv"]), absent: new Map(), reluSigSize: 1e6, mlpRows: [] });
    expect(t.skipped).toBe("jax-js: not supported: no such kernel");
  });

  it("a --quick run's smaller rows leave the targets not measured", () => {
    const quickRow = makeRow(convName({ ...CONV_LAYER, n: 8 }), "ms", new Map([["backprop wasm", m(0.04)], ["jax-js", m(1.5)]]));
    const [t] = evaluateTargets({ rows: [quickRow], ran: new Set(["conv"]), absent: new Map(), reluSigSize: 1e6, mlpRows: [] });
    expect(t.skipped).toMatch(/not part of a --quick run/);
  });
});
