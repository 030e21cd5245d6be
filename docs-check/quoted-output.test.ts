/**
 * Output that cannot drift: every ```text block in the repository's Markdown is quoted program
 * output, marked with the command that prints it (CONTRIBUTING.md, "Quoted output"). This runs each
 * command on every kernel variant and compares what it prints with what the documents quote.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { blockMismatch, cleanOutput } from "./compare.js";
import { findQuotedBlocks, type QuotedBlock } from "./markers.js";
import { ROOT, runAll, runCommand, VARIANTS, type Run, type Variant } from "./run.js";

/** The repository's Markdown files (tracked or new), not those of dependencies. */
const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.md"], { cwd: ROOT, encoding: "utf8" })
  .split("\n").filter((f) => f && !f.includes("node_modules/"));
const found = files.map((f) => findQuotedBlocks(f, readFileSync(join(ROOT, f), "utf8")));
const blocks = found.flatMap((f) => f.blocks);
const problems = found.flatMap((f) => f.problems);

const variantsOf = (b: QuotedBlock): Variant[] => (b.options.wasmOnly ? ["wasm"] : (Object.keys(VARIANTS) as Variant[]));
/** Each command once per variant that some block needs. */
const jobs = [...new Set(blocks.flatMap((b) => variantsOf(b).map((v) => `${v}\t${b.command}`)))].map((key) => {
  const [variant, command] = key.split("\t") as [Variant, string];
  return { variant, command, key };
});

// A command still running after this is taken as hung (pnpm mnist --model cnn takes 1.5–3 min on a loaded 2-core machine).
const TIMEOUT_MS = 600_000;
const runs = new Map<string, Run>();

describe("quoted output matches what its command prints", () => {
  it("every ```text block of the Markdown files is marked with its command", () => {
    expect(files.length).toBeGreaterThan(5);
    expect(problems.map((p) => `${p.where}: ${p.problem}`)).toEqual([]);
  });

  beforeAll(async () => {
    const results = await runAll(jobs, 2, (j) => runCommand(j.command, j.variant, TIMEOUT_MS));
    jobs.forEach((j, i) => runs.set(j.key, results[i]));
    const slow = jobs.map((j, i) => `${(results[i].ms / 1000).toFixed(1).padStart(6)} s  ${j.variant.padEnd(8)} ${j.command}`);
    console.log(`docs-check: ${jobs.length} runs of ${new Set(jobs.map((j) => j.command)).size} commands for ${blocks.length} quoted blocks\n${slow.join("\n")}`);
  }, 30 * 60_000);

  for (const block of blocks) {
    describe(`${block.where}: ${block.command}`, () => {
      for (const variant of variantsOf(block)) {
        it(`on ${variant}`, () => {
          const run = runs.get(`${variant}\t${block.command}`)!;
          const tail = run.stderr.trim().split("\n").slice(-15).join("\n");
          expect(run.code, `"${block.command}" failed (exit ${run.code}):\n${tail}`).toBe(0);
          const why = blockMismatch(block.lines, cleanOutput(run.output), block.options);
          expect(why, `${block.where} quotes "${block.command}" (${variant}), which now prints otherwise: ${why}`).toBeNull();
        });
      }
    });
  }
});
