/**
 * The import stack of docs/architecture.md is true of the code: every run-time import in src/
 * goes to a layer below the importer's (or, inside ops/ and inside kernels/, to the same layer),
 * and every module of src/ has a layer. The layers are read from the document itself.
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const core = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(core, "src");

/** The layers of docs/architecture.md's import stack, bottom first: each a list of modules and folders ("ops/"). */
function documentedLayers(): string[][] {
  const doc = readFileSync(join(core, "..", "..", "docs", "architecture.md"), "utf8");
  const block = doc.split("## The import stack")[1].split("```")[1];
  return block.trim().split("\n").map((line) => line.split(/\s{2,}/)[0].split(",").map((n) => n.trim()));
}

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []);
}

/** A module's name as the document writes it: "ops/arithmetic", "tensor", "kernels/wasm/index". */
const nameOf = (file: string): string => relative(src, file).replace(/\.generated\.ts$|\.ts$/, "");

const layers = documentedLayers();
function layerOf(name: string): number {
  return layers.findIndex((layer) => layer.some((entry) => entry.endsWith("/") ? name.startsWith(entry) : name === entry));
}
/** Where a cycle between modules of one layer is allowed (see the document). */
const sameLayerAllowed = (a: string, b: string): boolean =>
  ["ops/", "kernels/"].some((dir) => a.startsWith(dir) && b.startsWith(dir));

/** Relative run-time imports of a module (type-only imports are erased). */
function importsOf(file: string): string[] {
  const code = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of code.matchAll(/^\s*import\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?["'](\.[^"']+)["']/gm)) {
    found.push(nameOf(join(dirname(file), m[1].replace(/\.js$/, ".ts"))));
  }
  return found;
}

describe("the import stack of docs/architecture.md", () => {
  const files = modules(src);

  it("names a layer for every module of src/", () => {
    expect(files.map(nameOf).filter((n) => layerOf(n) < 0)).toEqual([]);
  });

  it("holds: each import goes to a lower layer (or stays inside ops/ or kernels/)", () => {
    const broken: string[] = [];
    for (const file of files) {
      const from = nameOf(file);
      for (const to of importsOf(file)) {
        const ok = layerOf(to) < layerOf(from) || (layerOf(to) === layerOf(from) && sameLayerAllowed(from, to));
        if (!ok) broken.push(`${from} (layer ${layerOf(from)}) imports ${to} (layer ${layerOf(to)})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
