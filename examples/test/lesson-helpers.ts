/**
 * Helpers shared by the lesson tests: checking a lesson's pictures and running it as a script.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { expect } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A PNG's width and height in pixels, read from its IHDR chunk (bytes 16–23). */
export function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  expect([...b.subarray(0, 8)], path).toEqual(PNG_SIGNATURE);
  expect(b.subarray(12, 16).toString("latin1"), path).toBe("IHDR");
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/**
 * The lesson wrote exactly these pictures into `dir`; each SVG parses as XML, each PNG is a PNG
 * (and, with `maxWidth`, is at most that many pixels wide).
 */
export function expectPictures(dir: string, files: string[], names: string[], opts: { maxWidth?: number } = {}): void {
  expect(files.map((f) => basename(f)).sort()).toEqual(names.flatMap((n) => [`${n}.png`, `${n}.svg`]).sort());
  for (const name of names) {
    const svg = readFileSync(join(dir, `${name}.svg`), "utf8");
    expect(XMLValidator.validate(svg), `${name}.svg`).toBe(true);
    expect(svg.startsWith("<svg")).toBe(true);
    const png = readFileSync(join(dir, `${name}.png`));
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(png.length).toBeGreaterThan(10_000);
    if (opts.maxWidth !== undefined) expect(pngSize(join(dir, `${name}.png`)).width, `${name}.png`).toBeLessThanOrEqual(opts.maxWidth);
  }
}

/** A lesson as `pnpm lessonN` runs it. */
export function runScript(file: string, args: string[], timeout = 90_000) {
  return spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "examples/lessons", file), ...args], { cwd: ROOT, encoding: "utf8", timeout });
}
