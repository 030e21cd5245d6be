/**
 * @backprop/nn/node: save/load of state dicts as JSON files. Round trips, atomic replacement
 * (a failure at any step leaves the previous file byte for byte and no temporary file), corrupt
 * files rejected with the path named and the module unchanged, and the main entry kept free of
 * node: imports (browser-safe).
 *
 * Failures inside the file system are simulated by wrapping node:fs/promises: `faults` makes the
 * next write, fsync or rename fail (a full disk, an I/O error, a crash between steps).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { useCaseDirs } from "./case-dirs.js";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { manualSeed, noGrad, randomUniform, tensor, zeros, type Tensor } from "@backprop/core";
import { Linear, Module, type StateDict } from "../src/index.js";
import { load, loadSync, save, saveSync } from "../src/node.js";

const faults = vi.hoisted(() => ({ write: false, sync: false, rename: false }));

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const fail = (what: string) => Object.assign(new Error(`EIO: simulated ${what} failure`), { code: "EIO" });
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const handle = await real.open(...args);
      return new Proxy(handle, {
        get(target, prop) {
          if (prop === "writeFile" && faults.write) {
            // half the bytes reach the disk, then the write fails (a full disk)
            return async (data: string) => {
              await target.writeFile(data.slice(0, data.length >> 1));
              throw fail("write");
            };
          }
          if (prop === "sync" && faults.sync) return async () => { throw fail("fsync"); };
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    },
    rename: async (...args: Parameters<typeof real.rename>) => {
      if (faults.rename) throw fail("rename");
      return real.rename(...args);
    },
  };
});

class Net extends Module {
  fc1 = new Linear(3, 4);
  fc2 = new Linear(4, 2);
  buffer = zeros([2]);
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x).relu());
  }
}

function seeded(seed: number): Net {
  manualSeed(seed);
  return new Net();
}

function snapshot(m: Module): Record<string, number[]> {
  return Object.fromEntries(m.namedTensors().map(([n, t]) => [n, Array.from(t.data)]));
}

let dir = "";
useCaseDirs("backprop-nn-node-", (d) => { dir = d; });
afterEach(() => {
  faults.write = faults.sync = faults.rename = false;
});

const listing = () => fs.readdirSync(dir).sort();

describe("save / load round trip", () => {
  it("writes the state dict as JSON and loads it back exactly", async () => {
    const a = seeded(1), b = seeded(2);
    a.buffer.fill_(0.25);
    const file = path.join(dir, "model.json");
    await save(a, file);
    expect(listing()).toEqual(["model.json"]);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(a.stateDict());
    expect(snapshot(b)).not.toEqual(snapshot(a));
    expect(await load(b, file)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(snapshot(b)).toEqual(snapshot(a));
    const x = tensor([[1, -2, 0.5]]);
    expect(Array.from(b.forward(x).data)).toEqual(Array.from(a.forward(x).data));
  });

  it("the sync variants do the same", () => {
    const a = seeded(3), b = seeded(4);
    const file = path.join(dir, "model.json");
    saveSync(a, file);
    expect(listing()).toEqual(["model.json"]);
    expect(loadSync(b, file)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(snapshot(b)).toEqual(snapshot(a));
  });

  it("replaces an existing file, leaving no temporary files", async () => {
    const file = path.join(dir, "model.json");
    await save(seeded(1), file);
    const second = seeded(2);
    await save(second, file);
    saveSync(second, file);
    expect(listing()).toEqual(["model.json"]);
    const c = seeded(3);
    await load(c, file);
    expect(snapshot(c)).toEqual(snapshot(second));
  });

  it("round-trips NaN and ±Infinity (which plain JSON would turn into null)", async () => {
    const a = seeded(5);
    a.buffer.copy_(tensor([NaN, -Infinity]));
    noGrad(() => a.fc2.bias!.copy_(tensor([Infinity, 1.5])));
    const file = path.join(dir, "nan.json");
    await save(a, file);
    const b = seeded(6);
    await load(b, file);
    expect(Array.from(b.buffer.data)).toEqual([NaN, -Infinity]);
    expect(Array.from(b.fc2.bias!.data)).toEqual([Infinity, 1.5]);
    saveSync(a, file);
    const c = seeded(7);
    loadSync(c, file);
    expect(Array.from(c.buffer.data)).toEqual([NaN, -Infinity]);
  });

  it("load with strict: false reports missing and unexpected keys", async () => {
    const file = path.join(dir, "partial.json");
    const sd = seeded(1).stateDict() as Partial<StateDict>;
    delete sd["buffer"];
    fs.writeFileSync(file, JSON.stringify({ ...sd, "extra.bias": { shape: [1], dtype: "float32", data: [0] } }));
    const net = seeded(2);
    await expect(load(net, file)).rejects.toThrow(/missing keys: "buffer"; unexpected keys: "extra\.bias"/);
    expect(await load(net, file, { strict: false })).toEqual({ missingKeys: ["buffer"], unexpectedKeys: ["extra.bias"] });
    expect(Array.from(net.fc1.weight.data)).toEqual(sd["fc1.weight"]!.data);
  });

  it("saving does not touch the seeded generator (temp names come from node:crypto)", async () => {
    const net = seeded(1);
    manualSeed(99);
    const expected = randomUniform();
    manualSeed(99);
    await save(net, path.join(dir, "a.json"));
    saveSync(net, path.join(dir, "b.json"));
    expect(randomUniform()).toBe(expected);
  });

  it("concurrent saves to one path leave one complete file and no temporary files", async () => {
    const file = path.join(dir, "model.json");
    const nets = [1, 2, 3, 4, 5].map(seeded);
    await Promise.all(nets.map((m) => save(m, file)));
    expect(listing()).toEqual(["model.json"]);
    const saved = JSON.parse(fs.readFileSync(file, "utf8")) as StateDict;
    expect(nets.some((m) => JSON.stringify(m.stateDict()) === JSON.stringify(saved))).toBe(true);
  });
});

describe("a failing save leaves the previous file intact and no temporary file", () => {
  async function withPrevious(): Promise<{ file: string; bytes: string }> {
    const file = path.join(dir, "model.json");
    await save(seeded(1), file);
    return { file, bytes: fs.readFileSync(file, "utf8") };
  }

  it.each(["write", "sync", "rename"] as const)("when the %s step fails", async (step) => {
    const { file, bytes } = await withPrevious();
    faults[step] = true;
    await expect(save(seeded(2), file)).rejects.toThrow(new RegExp(`save: could not write "${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}".*simulated ${step === "sync" ? "fsync" : step} failure`));
    expect(fs.readFileSync(file, "utf8")).toBe(bytes);
    expect(listing()).toEqual(["model.json"]);
  });

  it("when the module's stateDict throws (nothing is written at all)", async () => {
    const { file, bytes } = await withPrevious();
    class Broken extends Net {
      override stateDict(): StateDict {
        throw new Error("boom");
      }
    }
    await expect(save(new Broken(), file)).rejects.toThrow(/could not serialise the state dict.*boom/);
    expect(() => saveSync(new Broken(), file)).toThrow(/could not serialise.*boom/);
    expect(fs.readFileSync(file, "utf8")).toBe(bytes);
    expect(listing()).toEqual(["model.json"]);
  });

  it("when reading a tensor's values throws mid-serialisation", async () => {
    const { file, bytes } = await withPrevious();
    const net = seeded(3);
    Object.defineProperty(net.fc2.weight, "data", { get: () => { throw new Error("device lost"); } });
    await expect(save(net, file)).rejects.toThrow(/device lost/);
    expect(fs.readFileSync(file, "utf8")).toBe(bytes);
    expect(listing()).toEqual(["model.json"]);
  });

  it("when the target cannot be replaced (it is a directory): the temp file is removed", async () => {
    const target = path.join(dir, "taken");
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, "keep.txt"), "x");
    await expect(save(seeded(1), target)).rejects.toThrow(/save: could not write/);
    expect(() => saveSync(seeded(1), target)).toThrow(/saveSync: could not write/);
    expect(listing()).toEqual(["taken"]);
    expect(fs.readdirSync(target)).toEqual(["keep.txt"]);
  });

  it("when the directory does not exist", async () => {
    const file = path.join(dir, "missing", "model.json");
    await expect(save(seeded(1), file)).rejects.toThrow(/could not write ".*missing.*model\.json"/);
    expect(listing()).toEqual([]);
  });
});

describe("load: bad files are rejected, naming the path, and change nothing", () => {
  async function expectRejected(content: string | null, why: RegExp): Promise<void> {
    const file = path.join(dir, "bad.json");
    if (content !== null) fs.writeFileSync(file, content);
    const net = seeded(7);
    const before = snapshot(net);
    const pathRe = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    await expect(load(net, file)).rejects.toThrow(new RegExp(pathRe));
    await expect(load(net, file)).rejects.toThrow(why);
    expect(() => loadSync(net, file)).toThrow(why);
    expect(snapshot(net)).toEqual(before);
  }

  it("not JSON", () => expectRejected("{ this is not json", /is not valid JSON/));

  it("a truncated file (a torn write)", async () => {
    const good = JSON.stringify(seeded(1).stateDict());
    await expectRejected(good.slice(0, Math.floor(good.length * 0.7)), /is not valid JSON/);
  });

  it("an empty file", () => expectRejected("", /is not valid JSON/));

  it("JSON that is not a state dict object", () => expectRejected("[1, 2, 3]", /does not hold a state dict/));

  it("a wrong shape in one key (the last one), naming the key", async () => {
    const sd = seeded(1).stateDict();
    sd["buffer"].shape = [1, 2];
    await expectRejected(JSON.stringify(sd), /key "buffer": shape \[1, 2\] does not match/);
  });

  it("a missing file", () => expectRejected(null, /could not read/));

  it("bad arguments", async () => {
    const net = seeded(1);
    await expect(load(net, path.join(dir, "x.json"), { stict: true } as object)).rejects.toThrow(/unknown option "stict"/);
    await expect(save({} as Module, path.join(dir, "x.json"))).rejects.toThrow(/expected a Module/);
    await expect(save(net, "")).rejects.toThrow(/path must be a non-empty string/);
    expect(listing()).toEqual([]);
  });
});

describe("the main entry stays browser-safe", () => {
  it("no file reachable from src/index.ts imports a node: module", () => {
    const src = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "src");
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:import|export)[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
        const spec = m[1] ?? m[2];
        expect(spec.startsWith("node:") || ["fs", "path", "os", "crypto", "fs/promises"].includes(spec), `${path.relative(src, file)} imports ${spec}`).toBe(false);
        if (spec.startsWith(".")) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts")));
      }
    };
    visit(path.join(src, "index.ts"));
    expect(seen.size).toBeGreaterThan(5);
    expect([...seen].some((f) => f.endsWith("node.ts"))).toBe(false);
  });
});

describe("a missing directory is named plainly, before any temporary file is tried", () => {
  it("save and saveSync name the directory, not a temporary file", async () => {
    const missing = path.join(dir, "no", "such");
    const file = path.join(missing, "model.json");
    const re = /could not write ".*no\/such\/model\.json": the directory ".*no\/such" does not exist \(nothing was written; create it first\)/;
    const err = await save(seeded(1), file).catch((e: Error) => e);
    expect(String(err)).toMatch(/^Error: save: /);
    expect(String(err)).toMatch(re);
    expect(String(err)).not.toMatch(/\.tmp/);
    expect(() => saveSync(seeded(1), file)).toThrow(re);
    expect(() => saveSync(seeded(1), file)).not.toThrow(/\.tmp/);
    expect(listing()).toEqual([]);
  });

  it("a path whose directory is a file says so", async () => {
    fs.writeFileSync(path.join(dir, "plain"), "x");
    const file = path.join(dir, "plain", "model.json");
    await expect(save(seeded(1), file)).rejects.toThrow(/save: could not write ".*plain\/model\.json": ".*plain" is not a directory \(nothing was written\)/);
    expect(() => saveSync(seeded(1), file)).toThrow(/saveSync: could not write ".*plain\/model\.json": ".*plain" is not a directory/);
    expect(listing()).toEqual(["plain"]);
  });
});
