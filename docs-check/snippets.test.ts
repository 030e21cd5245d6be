/**
 * The documents' code runs, and says what it returns: every ```ts block of the Markdown runs, and
 * each `statement; // value` claim is checked (snippets.ts). Plus the checker's own tests.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runSnippet } from "./snippet-runner.js";
import { claimedValue, findSnippets, holds, instrument, statements } from "./snippets.js";

const ROOT = resolve(import.meta.dirname, "..");

describe("the claim checker", () => {
  it("reads a claimed value up to two spaces, ' — ' or ' (' and ignores prose", () => {
    expect(claimedValue(" 12  (3x²)")).toEqual({ text: "12", values: [12] });
    // Two spaces or " (" inside a string or brackets belong to the value.
    expect(claimedValue(' "(0): Linear  x"  — the tree')?.values).toEqual(["(0): Linear  x"]);
    expect(claimedValue(' ["a (b)", 2] (two)')?.values).toEqual([["a (b)", 2]]);
    // A comment that opens like a value must parse: otherwise it would check nothing.
    expect(() => claimedValue(' "unclosed  string')).toThrow('looks like a claimed value but "unclosed  string does not parse');
    expect(claimedValue(" [0, 0, 1]   — left derivative at 0")?.values).toEqual([[0, 0, 1]]);
    expect(claimedValue(' [2, 3], 2, 6, "float32"')?.values).toEqual([[2, 3], 2, 6, "float32"]);
    expect(claimedValue(" per call")).toBeNull();
    expect(claimedValue(" Graphviz DOT text")).toBeNull();
  });

  it("splits a line at top-level semicolons only", () => {
    expect(statements('x.shape; x.ndim; f("a;b"); g([1; 2]);')).toEqual(["x.shape", "x.ndim", 'f("a;b")', "g([1; 2])"]);
  });

  it("holds numbers to the digits claimed, arrays elementwise, objects key by key", () => {
    expect(holds(0.4958, 0.49581)).toBe(true);
    expect(holds(0.4958, 0.4959)).toBe(false);
    expect(holds(12, 12.000001)).toBe(true);
    expect(holds(12, 12.01)).toBe(false);
    expect(holds([3, 0], new Float32Array([3, 0]))).toBe(true);
    expect(holds([3, 0], [3, 0, 0])).toBe(false);
    expect(holds({ a: 1, b: "x" }, { a: 1, b: "x" })).toBe(true);
    expect(holds({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(holds(true, 1)).toBe(false);
  });

  it("turns claims into checks, and refuses a claim it cannot pair with its statements", () => {
    const { code, claims } = instrument("const y = f(2); // 4\ny.z; y.w; // 1, 2\nlog(y); // per call\nconsole.log(a, b); // 1.5  2", 10);
    expect(claims.map((c) => [c.line, c.what, c.claimed])).toEqual([[10, "y", "4"], [11, "y.z", "1"], [11, "y.w", "2"], [13, "console.log(a, b)", "1.5  2"]]);
    expect(code.split("\n")[2]).toBe("log(y); // per call");
    expect(() => instrument("a; b; // 1", 1)).toThrow(/line 1: 2 statements but 1 claimed values/);
  });

  it("tells a block that shows a file, and skips one marked not run", () => {
    const md = "<!-- file: examples/a.ts -->\n```ts\nx;\n```\n<!-- not run: a sketch -->\n```ts\ny;\n```\n```ts\nz;\n```";
    expect(findSnippets("d.md", md)).toEqual([{ where: "d.md:3", code: "x;", file: "examples/a.ts" }, { where: "d.md:10", code: "z;" }]);
  });

  it("runs a snippet and reports a false claim with the value it got", () => {
    const run = runSnippet("check.md:1", 'import { tensor } from "@backprop/core";\ntensor([1, 2]).sum().item(); // 3\ntensor([1, 2]).sum().item(); // 4');
    expect(run.code).toBe(0);
    expect(run.results).toEqual([
      { line: 2, what: "tensor([1, 2]).sum().item()", ok: true, actual: "3" },
      { line: 3, what: "tensor([1, 2]).sum().item()", ok: false, actual: "3" },
    ]);
  }, 60_000);
});

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.md"], { cwd: ROOT, encoding: "utf8" })
  .split("\n").filter((f) => f && !f.includes("node_modules/"));
const snippets = files.flatMap((f) => findSnippets(f, readFileSync(join(ROOT, f), "utf8")));

describe("the documents' code runs and returns what the comments say", () => {
  it("finds the snippets", () => expect(snippets.length).toBeGreaterThan(10));
  for (const s of snippets.filter((x) => x.file)) {
    it(`${s.where} shows ${s.file} as it is`, () => {
      expect(`${s.code}\n`).toBe(readFileSync(join(ROOT, s.file!), "utf8"));
    });
  }
  for (const s of snippets.filter((x) => !x.file)) {
    it(s.where, () => {
      const run = runSnippet(s.where, s.code);
      expect(run.code, `${s.where} failed:\n${run.stderr.split("\n").slice(-12).join("\n")}`).toBe(0);
      expect(run.results.length, "every claim was checked").toBe(run.claims.length);
      const wrong = run.results.filter((r) => !r.ok).map((r) => {
        const c = run.claims.find((x) => x.line === r.line && x.what === r.what);
        return `${s.where.split(":")[0]}:${r.line}: ${r.what} claims ${c?.claimed}, got ${r.actual}`;
      });
      expect(wrong).toEqual([]);
    }, 120_000);
  }
});
