/**
 * Package metadata tells bundlers the truth about side effects. A module imported for its effect
 * (`import "./methods.js"`) must be listed in its package's "sideEffects", and so must the module
 * that imports it: bundlers may skip a side-effect-free module whole, bare imports included
 * (Vite 8's bundler does). Both the source (.ts) and the published (dist/.js) paths are listed.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./lib/consumer.js";

const BARE_IMPORT = /^\s*import\s+["'](\.[^"']+)["']/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []);
}

for (const name of readdirSync(join(ROOT, "packages"))) {
  const pkgDir = join(ROOT, "packages", name);
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  describe(`@backprop/${name}`, () => {
    it("lists every module imported for its effect, and every module importing one, in sideEffects", () => {
      const needed = new Set<string>();
      for (const file of sourceFiles(join(pkgDir, "src"))) {
        const src = `./${relative(pkgDir, file)}`;
        for (const [, target] of readFileSync(file, "utf8").matchAll(BARE_IMPORT)) {
          const targetSrc = `./${relative(pkgDir, join(file, "..", target.replace(/\.js$/, ".ts")))}`;
          for (const s of [src, targetSrc]) {
            needed.add(s);
            needed.add(s.replace(/^\.\/src\//, "./dist/").replace(/\.ts$/, ".js"));
          }
        }
      }
      const listed: string[] = pkg.sideEffects === false ? [] : pkg.sideEffects;
      expect(Array.isArray(listed), `"sideEffects" of @backprop/${name} must be false or a list`).toBe(true);
      expect([...needed].filter((p) => !listed.includes(p))).toEqual([]);
    });
  });
}
