/**
 * Finding 6, the JSON format's limits: a 30M-parameter model used to fail with `Invalid string
 * length` after 44 s; now save refuses it at once (from an estimate of the JSON's length, before
 * any serialisation), pointing to safetensors, and writes nothing. The model here is a real 30M
 * values (120 MB of float32, filled without the generator), so the real limit is what is tested.
 * Also: a file too long for one string is refused by load before reading, and a UTF-8 BOM at the
 * start of a valid file is accepted.
 */
import { describe, expect, it } from "vitest";
import { useCaseDirs } from "./case-dirs.js";
import * as fs from "node:fs";
import * as path from "node:path";
import { manualSeed, noGrad, tensor } from "@backprop/core";
import { Linear, Module } from "../src/index.js";
import { load, loadSync, save, saveSync } from "../src/node.js";
import { estimateJsonChars, MAX_JSON_CHARS } from "../src/file/limit.js";
import { Big } from "./fixtures/big-model.js";

const LIMIT_MB = Math.round(MAX_JSON_CHARS / 1e6); // 537 on Node 20 to 26, 64-bit
let dir = "";
useCaseDirs("backprop-nn-limits-", (d) => { dir = d; });

class Net extends Module {
  fc1 = new Linear(3, 4);
  fc2 = new Linear(4, 2);
  forward(x: never) {
    return x;
  }
}

/** The text save writes, measured the way save builds it. */
const jsonLength = (m: Module) => JSON.stringify(m.stateDict(), (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)).length;

describe("a model too large for JSON fails early", () => {
  it("30M parameters: save and saveSync refuse in well under a second, point to safetensors, write nothing", async () => {
    // 30M, finding 6's model; more if this runtime allows longer strings (~20 characters a value)
    const size = Math.max(30_000_000, Math.ceil(MAX_JSON_CHARS / 18));
    const big = new Big(size, 0);
    const file = path.join(dir, "model.json");
    fs.writeFileSync(file, "previous");
    for (const f of [() => save(big, file), () => saveSync(big, file)]) {
      const start = performance.now();
      let msg = "";
      try {
        await f();
      } catch (e) {
        msg = (e as Error).message;
      }
      const ms = performance.now() - start;
      expect(ms).toBeLessThan(1000); // it was 44 s before failing
      expect(msg).toMatch(new RegExp(`^save(Sync)?: the state dict holds ${size.toLocaleString("en-US")} values, about \\d+ MB of JSON, more than the ${LIMIT_MB} MB`));
      expect(msg).toMatch(/nothing was written/);
      expect(msg).toMatch(/safetensors/);
      expect(msg).toMatch(/saveSafetensors/);
      expect(msg).toMatch(/safetensors format/);
      expect(fs.readdirSync(dir)).toEqual(["model.json"]);
      expect(fs.readFileSync(file, "utf8")).toBe("previous");
    }
  });

  it("the estimate is within 1% of the real JSON length (so a model that fits is not refused)", () => {
    manualSeed(1);
    const trained = new Net();
    const wide = new Linear(300, 200);
    const big = new Big(100_000, 1);
    const odd = new Net();
    noGrad(() => odd.fc2.bias!.copy_(tensor([NaN, -Infinity])));
    for (const m of [trained, wide, big, odd]) {
      const real = jsonLength(m);
      expect(Math.abs(estimateJsonChars(m.namedTensors()) - real) / real).toBeLessThan(0.01);
    }
    // ~20 characters a value: the limit is about 27M such values
    expect(MAX_JSON_CHARS).toBeGreaterThan(5e8);
    expect(estimateJsonChars(big.namedTensors()) / big.weight.size).toBeGreaterThan(15);
  });
});

describe("load: a file longer than one string can hold", () => {
  it("is refused before reading, naming the path and pointing to safetensors; the module is unchanged", async () => {
    const file = path.join(dir, "huge.json");
    fs.writeFileSync(file, "");
    fs.truncateSync(file, MAX_JSON_CHARS + 1000); // sparse: no disk space, but stat says 537 MB (Node 20)
    const net = new Net();
    const before = net.stateDict();
    await expect(load(net, file)).rejects.toThrow(new RegExp(`^load: ".*huge\\.json" is ${LIMIT_MB} MB, more than one JSON text can hold.*safetensors`));
    expect(() => loadSync(net, file)).toThrow(new RegExp(`^loadSync: ".*huge\\.json" is ${LIMIT_MB} MB.*safetensors`));
    expect(net.stateDict()).toEqual(before);
  });
});

describe("a UTF-8 byte order mark", () => {
  it("at the start of a valid file is accepted by load and loadSync", async () => {
    manualSeed(2);
    const src = new Net();
    const file = path.join(dir, "bom.json");
    fs.writeFileSync(file, "\uFEFF" + JSON.stringify(src.stateDict()), "utf8");
    expect(fs.readFileSync(file).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const a = new Net(), b = new Net();
    expect(await load(a, file)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    loadSync(b, file);
    expect(a.stateDict()).toEqual(src.stateDict());
    expect(b.stateDict()).toEqual(src.stateDict());
  });

  it("does not make an invalid file valid, and only one mark is skipped", async () => {
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(file, "\uFEFF\uFEFF{}");
    await expect(load(new Net(), file)).rejects.toThrow(/is not valid JSON/);
    fs.writeFileSync(file, "\uFEFF");
    await expect(load(new Net(), file)).rejects.toThrow(/is not valid JSON/);
  });
});
