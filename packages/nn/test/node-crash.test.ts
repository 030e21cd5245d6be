/**
 * Finding 6: a process killed during `save` leaves its temporary file behind (7 orphans of up to
 * 64 MB after 72 SIGKILLs). Temporary files carry the writer's pid; the next save or load of the
 * same path removes those whose process is gone, and never a live process's (or this one's).
 *
 * The real thing first: a child process saves a 500k-value model in a loop; we SIGKILL it while a
 * temporary file exists (mid-write), then check that the target is one of the two complete
 * versions, never torn, and that the next load cleans up (save does too: the cases after). Then the rules, with made-up
 * temporary files of dead, live and own pids.
 */
import { describe, expect, it } from "vitest";
import { useCaseDirs } from "./case-dirs.js";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Linear, Module } from "../src/index.js";
import { load, loadSync, save, saveSync } from "../src/node.js";
import { removeOrphans, tempOwner } from "../src/file/temp.js";
import { Big } from "./fixtures/big-model.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");

let dir = "";
useCaseDirs("backprop-nn-crash-", (d) => { dir = d; });

const listing = () => fs.readdirSync(dir).sort();
const temps = () => listing().filter((f) => f.endsWith(".tmp"));
const values = (m: Module) => Array.from(m.namedTensors()[0][1].data);

/** A pid that no process has now: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", ""]);
  return r.pid!;
}

/** A made-up temporary file of `pid` for `target`, as save names them. */
function fakeTemp(target: string, pid: number, content = "{ torn"): string {
  const name = `.${target}.${pid}.${"ab12cd34ef56"}.tmp`;
  fs.writeFileSync(path.join(dir, name), content);
  return name;
}

class Net extends Module {
  fc = new Linear(2, 3);
  forward(x: never) {
    return x;
  }
}

describe("a save killed mid-write (a real SIGKILL)", () => {
  const SIZE = 500_000; // ~10 MB of JSON: the temporary file lives for milliseconds, long enough to catch

  /** Start the child, wait for its first complete save, kill it while a temporary file exists. */
  async function killMidWrite(file: string): Promise<{ pid: number; orphan: string } | null> {
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(here, "fixtures/save-loop.ts"), file, String(SIZE)], {
      cwd: repo,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once("data", () => resolve());
        child.once("exit", (code) => reject(new Error(`the child exited (${code}) before its first save`)));
      });
      // Poll the directory until the next save's temporary file shows up, then kill at once.
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const t = temps();
        if (t.length > 0) {
          child.kill("SIGKILL");
          await exited;
          const left = temps();
          return left.length > 0 ? { pid: child.pid!, orphan: left[0] } : null; // null: it renamed first
        }
      }
      throw new Error("no temporary file seen in 20 s");
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
  }

  it("leaves the target complete (one version or the other); the next load removes the orphan", async () => {
    const file = path.join(dir, "model.json");
    let killed: { pid: number; orphan: string } | null = null;
    for (let attempt = 0; attempt < 10 && killed === null; attempt++) killed = await killMidWrite(file);
    expect(killed, "in 10 attempts the kill never landed while a temporary file existed").not.toBeNull();
    const { pid, orphan } = killed!;
    expect(tempOwner(orphan, "model.json")).toBe(pid); // named with the writer's pid
    expect(listing()).toEqual([orphan, "model.json"].sort());

    // The target is exactly one complete version: never torn.
    const versions = [values(new Big(SIZE, 0)), values(new Big(SIZE, 1))];
    const loaded = new Big(SIZE, 2);
    await load(loaded, file); // throws on a torn file; also sweeps the orphan
    expect(versions.some((v) => v.every((x, i) => x === loaded.weight.data[i]))).toBe(true);
    expect(listing()).toEqual(["model.json"]);
  }, 120_000);
});

describe("which temporary files are orphans", () => {
  it("a dead process's file is removed by save, load, saveSync and loadSync", async () => {
    const ops: [string, (file: string) => unknown][] = [
      ["save", (f) => save(new Net(), f)],
      ["load", (f) => load(new Net(), f)],
      ["saveSync", (f) => saveSync(new Net(), f)],
      ["loadSync", (f) => loadSync(new Net(), f)],
    ];
    const file = path.join(dir, "m.json");
    saveSync(new Net(), file);
    for (const [name, op] of ops) {
      const orphan = fakeTemp("m.json", deadPid());
      expect(listing(), name).toContain(orphan);
      await op(file);
      expect(listing(), name).toEqual(["m.json"]);
    }
  });

  it("a load that fails (no such file) still sweeps, and still throws", async () => {
    const orphan = fakeTemp("gone.json", deadPid());
    await expect(load(new Net(), path.join(dir, "gone.json"))).rejects.toThrow(/load: could not read ".*gone\.json"/);
    expect(listing()).not.toContain(orphan);
  });

  it("a live process's file and this process's own are kept; other names are never touched", async () => {
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
    try {
      const dead = deadPid();
      const keep = [
        fakeTemp("m.json", sleeper.pid!), // another process, still writing
        fakeTemp("m.json", process.pid), // a save of ours in flight
        fakeTemp("other.json", dead), // another target's
        `.m.json.${dead}.not-hex-here.tmp`,
        `.m.json.${dead}.ab12cd34ef56.tmp.bak`,
        "m.json.bak",
      ];
      for (const k of keep.slice(3)) fs.writeFileSync(path.join(dir, k), "x");
      const orphan = fakeTemp("m.json", dead);
      const file = path.join(dir, "m.json");
      await save(new Net(), file);
      await load(new Net(), file);
      expect(listing()).toEqual([...keep, "m.json"].sort());
      expect(listing()).not.toContain(orphan);

      // Once the other process has gone, its file is an orphan too.
      sleeper.kill("SIGKILL");
      await new Promise((resolve) => sleeper.once("exit", resolve));
      expect(removeOrphans(file)).toEqual([keep[0]]);
    } finally {
      sleeper.kill("SIGKILL");
    }
  });

  it("concurrent saves in this process never remove each other's temporary files", async () => {
    const file = path.join(dir, "m.json");
    const nets = Array.from({ length: 8 }, () => new Net());
    await Promise.all(nets.map((m) => save(m, file)));
    expect(listing()).toEqual(["m.json"]);
  });
});
