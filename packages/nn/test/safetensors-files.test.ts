/**
 * saveSafetensors / loadSafetensors (@backprop/nn/node): files on a temporary directory, atomic
 * writes, a bad file that changes nothing, the 30M-parameter model JSON refuses, and — when python3
 * with torch and safetensors is installed — PyTorch loading a file we wrote into the same model.
 */
import { describe, expect, it } from "vitest";
import { useCaseDirs } from "./case-dirs.js";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { manualSeed, noGrad, tensor } from "@backprop/core";
import { BatchNorm1d, Linear, ReLU, Sequential, toSafetensors } from "../src/index.js";
import { loadSafetensors, loadSafetensorsSync, save, saveSafetensors, saveSafetensorsSync } from "../src/node.js";
import { Big } from "./fixtures/big-model.js";

let dir = "";
useCaseDirs("backprop-nn-safetensors-", (d) => { dir = d; });

const mlp = () => new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Linear(4, 2));

/** A model with trained-looking state: two training-mode forwards move the BatchNorm statistics. */
function trained(seed: number) {
  manualSeed(seed);
  const m = mlp();
  noGrad(() => [0, 1].forEach(() => m.forward(tensor([[1, 2, 3], [-1, 0.5, 2], [0, -3, 1]]))));
  return m;
}

describe("saving and loading files", () => {
  it("saveSafetensors writes toSafetensors' bytes; loadSafetensors loads them into a fresh model", async () => {
    const m = trained(1);
    const file = path.join(dir, "model.safetensors");
    await saveSafetensors(m, file);
    expect(new Uint8Array(fs.readFileSync(file))).toEqual(toSafetensors(m));
    expect(fs.readdirSync(dir)).toEqual(["model.safetensors"]); // no temporary file left
    const copy = mlp();
    expect(await loadSafetensors(copy, file)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(copy.stateDict()).toEqual(m.stateDict());
    expect(copy.stateDict()["1.num_batches_tracked"].data).toEqual([2]);
  });

  it("a state dict saves too; loadSafetensors(path) returns the state dict; the Sync variants match", async () => {
    const m = trained(2);
    const a = path.join(dir, "a.safetensors"), b = path.join(dir, "b.safetensors");
    await saveSafetensors(m.stateDict(), a);
    saveSafetensorsSync(m, b);
    expect(fs.readFileSync(a)).toEqual(fs.readFileSync(b));
    expect(await loadSafetensors(a)).toEqual(m.stateDict());
    expect(loadSafetensorsSync(b)).toEqual(m.stateDict());
    const copy = mlp();
    loadSafetensorsSync(copy, b);
    expect(copy.stateDict()).toEqual(m.stateDict());
  });

  it("strict: false loads the matching keys and reports the rest", async () => {
    const file = path.join(dir, "part.safetensors");
    await saveSafetensors(new Sequential(new Linear(3, 4)), file);
    const m = mlp();
    const result = await loadSafetensors(m, file, { strict: false });
    expect(result.unexpectedKeys).toEqual([]);
    expect(result.missingKeys).toEqual(["1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "3.weight", "3.bias"]);
    await expect(loadSafetensors(mlp(), file)).rejects.toThrow(/^loadSafetensors: ".*part\.safetensors": loadStateDict: the state dict does not match the module \(missing keys: "1\.weight"/);
  });

  it("a bad or mismatched file changes nothing, and the error names the path", async () => {
    const m = trained(3);
    const before = m.stateDict();
    const truncated = path.join(dir, "truncated.safetensors");
    const bytes = toSafetensors(trained(4));
    fs.writeFileSync(truncated, bytes.subarray(0, bytes.length - 4));
    await expect(loadSafetensors(m, truncated)).rejects.toThrow(
      /^loadSafetensors: ".*truncated\.safetensors": fromSafetensors: key "3\.weight": data_offsets \[\d+, \d+\] reach past the end of the data, which is \d+ bytes: the header claims more than the file holds \(a truncated file\?\); the module was not changed$/,
    );
    const wide = path.join(dir, "wide.safetensors");
    await saveSafetensors(new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Linear(4, 3)), wide);
    expect(() => loadSafetensorsSync(m, wide)).toThrow(/^loadSafetensorsSync: ".*wide\.safetensors": loadStateDict: key "3\.weight": shape \[3, 4\] does not match the module's \[2, 4\]; nothing was loaded$/);
    expect(m.stateDict()).toEqual(before);
  });

  it("a JSON file from save is told apart", async () => {
    const file = path.join(dir, "model.json");
    await save(mlp(), file);
    await expect(loadSafetensors(mlp(), file)).rejects.toThrow(/a JSON state dict, written by save\(\), is read with load\(\)\); the module was not changed$/);
  });

  it("a state dict that cannot be written leaves the previous file as it was", async () => {
    const file = path.join(dir, "model.safetensors");
    fs.writeFileSync(file, "previous");
    const bn = new BatchNorm1d(2);
    noGrad(() => bn.num_batches_tracked!.copy_(tensor(0.5, { dtype: "float64" })));
    await expect(saveSafetensors(bn, file)).rejects.toThrow(/^saveSafetensors: could not serialise the state dict for ".*model\.safetensors" \(nothing was written\): toSafetensors: key "num_batches_tracked": a BatchNorm counter is written as int64/);
    expect(fs.readFileSync(file, "utf8")).toBe("previous");
    expect(fs.readdirSync(dir)).toEqual(["model.safetensors"]);
  });

  it("paths and arguments: a missing directory, a missing file, a wrong call", async () => {
    const missing = path.join(dir, "no-such-dir", "m.safetensors");
    await expect(saveSafetensors(mlp(), missing)).rejects.toThrow(/^saveSafetensors: could not write ".*m\.safetensors": the directory ".*no-such-dir" does not exist \(nothing was written; create it first\)$/);
    await expect(loadSafetensors(mlp(), path.join(dir, "none.safetensors"))).rejects.toThrow(/^loadSafetensors: could not read ".*none\.safetensors": ENOENT/);
    await expect(loadSafetensors("")).rejects.toThrow('loadSafetensors: path must be a non-empty string, got ""');
    await expect((loadSafetensors as (...a: unknown[]) => Promise<unknown>)("m.safetensors", { strict: false }))
      .rejects.toThrow("loadSafetensors: (path) takes no other argument; to load into a module, call loadSafetensors(module, path, { strict })");
    await expect(loadSafetensors({} as never, "m.safetensors")).rejects.toThrow("loadSafetensors: expected a Module and a path, or a path alone, got {}");
    await expect(loadSafetensors(mlp(), "m.safetensors", { strict: false, dtype: "float64" } as never)).rejects.toThrow('loadSafetensors: unknown option "dtype"; expected one of: strict');
  });
});

describe("a model too large for JSON", () => {
  it("30M parameters: save refuses, saveSafetensors writes 120 MB and loadSafetensors reads every bit back", async () => {
    const size = 30_000_000;
    const big = new Big(size, 0);
    const json = path.join(dir, "big.json"), file = path.join(dir, "big.safetensors");
    await expect(save(big, json)).rejects.toThrow(/nothing was written\. For a model this size, save it in the binary safetensors format instead \(saveSafetensors \/ loadSafetensors in @backprop\/nn\/node\)/);
    await saveSafetensors(big, file);
    const header = `{"__metadata__":{"format":"pt"},"weight":{"dtype":"F32","shape":[${size}],"data_offsets":[0,${size * 4}]}}`;
    const padded = Math.ceil(header.length / 8) * 8;
    expect(fs.statSync(file).size).toBe(8 + padded + size * 4);
    const start = Buffer.alloc(8 + padded);
    const fd = fs.openSync(file, "r");
    fs.readSync(fd, start, 0, start.length, 0);
    fs.closeSync(fd);
    expect(start.readBigUInt64LE(0)).toBe(BigInt(padded));
    expect(start.toString("utf8", 8)).toBe(header.padEnd(padded, " "));
    const other = new Big(size, 1);
    await loadSafetensors(other, file);
    expect(Buffer.compare(Buffer.from(other.weight.data.buffer), Buffer.from(big.weight.data.buffer))).toBe(0);
  }, 30_000);
});

/** python3 with torch and safetensors, or null (the test is then skipped). */
const python = spawnSync("python3", ["-c", "import torch, safetensors"], { stdio: "ignore" }).status === 0 ? "python3" : null;

describe("PyTorch reads our files", () => {
  it.skipIf(python === null)("safetensors.torch.load_file + load_state_dict(strict=True) into the same PyTorch model gives our eval output", async () => {
    const m = trained(5).eval();
    const file = path.join(dir, "ours.safetensors");
    await saveSafetensors(m, file);
    const x = [[0.5, -1, 2], [3, 0.25, -0.75]];
    const ours = Array.from(noGrad(() => m.forward(tensor(x))).data);
    const script = [
      "import json, sys, torch, torch.nn as nn",
      "from safetensors.torch import load_file",
      "net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))",
      "sd = load_file(sys.argv[1])",
      "net.load_state_dict(sd, strict=True)",
      "net.eval()",
      "y = net(torch.tensor(json.loads(sys.argv[2])))",
      "print(json.dumps({'y': y.detach().reshape(-1).tolist(), 'count': str(sd['1.num_batches_tracked'].dtype) + ' ' + str(int(sd['1.num_batches_tracked']))}))",
    ].join("\n");
    const out = JSON.parse(execFileSync(python!, ["-c", script, file, JSON.stringify(x)], { encoding: "utf8" }));
    expect(out.count).toBe("torch.int64 2");
    (out.y as number[]).forEach((v, i) => expect(Math.abs(v - ours[i])).toBeLessThan(1e-6));
  });
});
