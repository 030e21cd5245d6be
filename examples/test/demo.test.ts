/**
 * The demo end to end: its command line (a short run writes valid SVG and PNG pictures; bad flags
 * exit with 1 and a clear message), its flag parser, and a full default training run on two moons.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, describe, expect, it } from "vitest";
import { getReluAtZero } from "@backprop/core";
import { DEFAULTS, helpText, parseDemoArgs, UsageError } from "../demo/args.js";
import { contour } from "../demo/plot.js";
import { createProgress, progressMode } from "../demo/progress.js";
import { train } from "../demo/train.js";

const ROOT = resolve(import.meta.dirname, "../..");
const DEMO = join(ROOT, "examples/demo.ts");

/** Run the demo as `pnpm demo` would (node + tsx), from the repository root. */
function runDemo(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", DEMO, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
}

/** Width and height from a PNG's IHDR chunk, after checking the 8-byte signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.toString("latin1", 12, 16)).toBe("IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe("pnpm demo (command line)", () => {
  const out = mkdtempSync(join(tmpdir(), "backprop-demo-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("trains briefly and writes the decision boundary and loss pictures as SVG and PNG", () => {
    const run = runDemo(["--steps", "50", "--out", out, "--quiet"]);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/train accuracy \d+\.\d% .* test accuracy \d+\.\d%/);
    expect(run.stdout).toContain(out);
    expect(run.stdout).not.toMatch(/step\s+\d+\/50/); // --quiet: no progress lines

    for (const name of ["decision-boundary", "loss"]) {
      const svgPath = join(out, `${name}.svg`);
      const pngPath = join(out, `${name}.png`);
      expect(existsSync(svgPath), svgPath).toBe(true);
      expect(existsSync(pngPath), pngPath).toBe(true);

      const svg = readFileSync(svgPath, "utf8");
      expect(XMLValidator.validate(svg)).toBe(true); // a real XML parse, errors reported as objects
      const root = new XMLParser({ ignoreAttributes: false }).parse(svg).svg;
      expect(root).toBeDefined();
      const svgWidth = Number(root["@_width"]);
      const svgHeight = Number(root["@_height"]);
      expect(svgWidth).toBeGreaterThan(300);
      expect(svgHeight).toBeGreaterThan(200);

      const { width, height } = pngSize(readFileSync(pngPath));
      expect(width).toBe(Math.round(2 * svgWidth)); // rendered at twice the SVG's size
      expect(height).toBe(Math.round(2 * svgHeight));
    }
    // the heatmap's cells and both classes' points are in the picture
    const boundary = readFileSync(join(out, "decision-boundary.svg"), "utf8");
    expect(boundary.match(/<path/g)!.length).toBeGreaterThan(60 * 60);
    expect(boundary).toContain("P(class 1)");
  });

  it("rejects a bad flag value with a clear message and exit code 1", () => {
    const run = runDemo(["--width", "abc"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('demo: --width expects a number, got "abc"');
    expect(run.stderr).toContain("--help");
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("--help lists every flag with its default", () => {
    const run = runDemo(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${helpText()}\n`);
  });
});

describe("the demo's flags", () => {
  const parse = (...argv: string[]) => parseDemoArgs(argv);
  const options = (...argv: string[]) => {
    const r = parse(...argv);
    if (r.help) throw new Error("unexpected --help");
    return r.options;
  };

  it("defaults: moons, noise 0.1, a 32-wide 2-hidden-layer MLP, 2000 steps, lr 0.1, momentum 0.9", () => {
    expect(options()).toEqual(DEFAULTS);
    expect(DEFAULTS).toMatchObject({ dataset: "moons", noise: 0.1, width: 32, depth: 2, steps: 2000, lr: 0.1, momentum: 0.9, reluSide: "left", out: "out/demo", quiet: false });
  });

  it("reads every flag, in both --flag value and --flag=value forms", () => {
    expect(options("--dataset", "spirals", "--width=8", "--depth", "3", "--steps", "10", "--lr", "0.05", "--momentum=0", "--relu-side", "right",
      "--seed", "7", "--noise", "0.2", "--points", "300", "--out", "pics", "--quiet")).toEqual({
      dataset: "spirals", width: 8, depth: 3, steps: 10, lr: 0.05, momentum: 0, reluSide: "right", seed: 7, noise: 0.2, points: 300, out: "pics", quiet: true,
    });
    expect(parse("--help")).toEqual({ help: true });
  });

  it("help names every flag and its default", () => {
    const help = helpText();
    for (const flag of ["--dataset", "--width", "--depth", "--steps", "--lr", "--momentum", "--relu-side", "--seed", "--noise", "--out", "--quiet", "--help"]) {
      expect(help).toContain(flag);
    }
    expect(help).toContain("(default: 2000)");
    expect(help).toContain("(default: moons)");
  });

  it.each([
    [["--width", "abc"], '--width expects a number, got "abc"'],
    [["--width", "0"], "--width expects a whole number from 1 to 1024"],
    [["--steps", "2.5"], "--steps expects a whole number"],
    [["--lr", "0"], "--lr expects a learning rate above 0"],
    [["--lr="], '--lr expects a number, got ""'],
    [["--momentum", "1"], "--momentum expects a momentum in [0, 1)"],
    [["--noise=-1"], "--noise expects a number from 0 to 10"],
    [["--dataset", "mnist"], '--dataset expects one of moons, circles, spirals, xor, blobs; got "mnist"'],
    [["--relu-side", "middle"], "--relu-side expects one of left, right"],
    [["--wdith", "8"], "Unknown option '--wdith'"],
    [["--steps"], "argument missing"],
    [["moons"], "Unexpected argument 'moons'"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(UsageError);
    expect(() => parseDemoArgs(argv)).toThrow(message);
  });
});

describe("progress output", () => {
  /** A stand-in for process.stdout that records what is written. */
  const fakeStream = (isTTY: boolean) => {
    const written: string[] = [];
    const stream = { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
    return { stream, written };
  };

  it("a bar on a terminal, a few plain lines elsewhere (CI logs), nothing with --quiet", () => {
    expect(progressMode(false, fakeStream(true).stream)).toBe("bar");
    expect(progressMode(false, fakeStream(false).stream)).toBe("lines");
    expect(progressMode(true, fakeStream(true).stream)).toBe("none");
  });

  it("plain lines: the first step and each quarter, with the loss, no escape codes", () => {
    const { stream, written } = fakeStream(false);
    const progress = createProgress(40, "lines", stream);
    for (let step = 1; step <= 40; step++) progress.update(step, 1 / step);
    progress.stop();
    expect(written).toEqual([
      "  step  1/40  loss 1.0000\n",
      "  step 10/40  loss 0.1000\n",
      "  step 20/40  loss 0.0500\n",
      "  step 30/40  loss 0.0333\n",
      "  step 40/40  loss 0.0250\n",
    ]);
  });
});

describe("the decision-boundary contour", () => {
  it("marching squares puts the p = 0.5 line where the probability crosses 0.5", () => {
    // p rises linearly with x from 0 to 1 across 5 cell centres: 0, 0.25, 0.5+, 0.75, 1
    const xEdges = [0, 1, 2, 3, 4, 5];
    const yEdges = [0, 1, 2, 3];
    const p = yEdges.slice(1).map(() => [0, 0.25, 0.6, 0.75, 1]);
    const segments = contour({ xEdges, yEdges, p });
    expect(segments).toHaveLength(2); // one per row of squares
    for (const s of segments) {
      // between centres 1.5 (p 0.25) and 2.5 (p 0.6): at 1.5 + 0.25 / 0.35
      expect(s.x).toBeCloseTo(1.5 + 0.25 / 0.35);
      expect(s.x2).toBeCloseTo(1.5 + 0.25 / 0.35);
    }
  });
});

describe("training with the defaults", () => {
  it("reaches ≥ 97% accuracy on held-out moons, reproducibly, and restores the ReLU side", () => {
    const before = getReluAtZero();
    const result = train({ ...DEFAULTS, seed: 1, reluSide: before === "left" ? "right" : "left" });
    expect(getReluAtZero()).toBe(before);
    expect(result.test.y.size).toBe(200);
    expect(result.train.y.size).toBe(800);
    expect(result.losses).toHaveLength(DEFAULTS.steps);
    expect(result.losses[result.losses.length - 1]).toBeLessThan(0.05);
    expect(result.trainAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.97);
  }, 120_000);

  it("the same seed gives the same run", () => {
    const a = train({ ...DEFAULTS, steps: 20 });
    const b = train({ ...DEFAULTS, steps: 20 });
    expect(b.losses).toEqual(a.losses);
  });
});
