/** What README.md states that the bundle tests check, so that the README cannot drift. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./consumer.js";

/** The README's weight of a minified, gzipped bundle of @backprop/core, in KB ("… weighs about N KB minified and gzipped"). */
export function readmeBundleKb(): number {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const m = readme.match(/weighs about (\d+(?:\.\d+)?) KB minified and gzipped/);
  if (!m) throw new Error('README.md must say what a bundle of @backprop/core "weighs about N KB minified and gzipped"');
  return Number(m[1]);
}
