/** The drift check itself: it must catch each kind of drift, and let pass only what a marker allows. */
import { describe, expect, it } from "vitest";
import { blockMismatch, cleanOutput, lineMismatch } from "./compare.js";
import { findQuotedBlocks, parseOptions, type QuoteOptions } from "./markers.js";

const exact: QuoteOptions = { excerpt: false, tolerance: null, timings: false, wasmOnly: false };
const opts = (...parts: string[]): QuoteOptions => parseOptions(parts) as QuoteOptions;

describe("markers", () => {
  const md = [
    "intro",
    "<!-- output: pnpm lesson2 | excerpt | ±1% | timings -->",
    "```text",
    "slope 0.5",
    "```",
    "",
    "```text",
    "unmarked",
    "```",
    "<!-- output: pnpm demo | fast -->",
    "```text",
    "x",
    "```",
    "````md",
    "```text",
    "inside another fence: an example, not output",
    "```",
    "````",
    "```plain",
    "J = −log σ(z)",
    "```",
  ].join("\n");
  const { blocks, problems } = findQuotedBlocks("doc.md", md);

  it("reads the command, the options and the lines of a marked block", () => {
    expect(blocks).toEqual([{
      where: "doc.md:3", command: "pnpm lesson2", lines: ["slope 0.5"],
      options: { excerpt: true, tolerance: { relative: 0.01 }, timings: true, wasmOnly: false },
    }]);
  });

  it("reports an unmarked ```text block and an unknown option; other fences need no marker", () => {
    expect(problems.map((p) => p.where)).toEqual(["doc.md:7", "doc.md:11"]);
    expect(problems[0].problem).toMatch(/put <!-- output: COMMAND --> on the line above it/);
    expect(problems[1].problem).toBe('unknown option "fast" (known: excerpt, ±N%, ±N, timings, wasm)');
  });

  it("reads absolute tolerances and the wasm-only option", () => {
    expect(parseOptions(["±0.001", "wasm"])).toEqual({ excerpt: false, tolerance: { absolute: 0.001 }, timings: false, wasmOnly: true });
  });
});

describe("comparing a quoted line", () => {
  it("is exact by default: one digit, one space or one word off is drift", () => {
    expect(lineMismatch("final loss 0.0032390761", "final loss 0.0032390761", exact)).toBeNull();
    expect(lineMismatch("final loss 0.0032390761", "final loss 0.0032390764", exact)).toBe("the text differs");
    expect(lineMismatch("a  b", "a b", exact)).toBe("the text differs");
    expect(lineMismatch("trailing spaces   ", "trailing spaces", exact)).toBeNull();
  });

  it("lets numbers differ within a marked tolerance, and no further", () => {
    const rel = opts("±1%");
    expect(lineMismatch("error 3.0e-8 at x = 2", "error 3.02e-8 at x = 2", rel)).toBeNull();
    expect(lineMismatch("error 3.0e-8", "error 8.3e-8", rel)).toBe("3.0e-8 is printed as 8.3e-8, more than the block's ±1%");
    expect(lineMismatch("7,680,000 seen", "7,700,000 seen", rel)).toBeNull();
    expect(lineMismatch("7,680,000 seen", "7,780,000 seen", rel)).toMatch(/more than the block's ±1%/);
    expect(lineMismatch("loss 0.25  ok", "loss 0.2501 ok", opts("±0.001"))).toBeNull(); // the column shift
    expect(lineMismatch("loss 0.25 ok", "loss 0.25 OK", rel)).toBe("the text differs");
  });

  it("lets timings be anything under `timings`, and nothing else", () => {
    const t = opts("timings");
    expect(lineMismatch("done in 3.2 s", "done in 11.9 s", t)).toBeNull();
    expect(lineMismatch("21.9 s of training (1828 ms per epoch)", "8.0 s of training (370 ms per epoch)", t)).toBeNull();
    expect(lineMismatch("9,500 steps/s", "10,400 steps/s", t)).toBeNull();
    expect(lineMismatch("accuracy 95.70% in 2.0 s", "accuracy 95.60% in 2.0 s", t)).toBe("95.70 is printed as 95.60");
    expect(lineMismatch("done in 3.2 s", "done in 3.2 min", t)).toBe("the text differs");
  });
});

describe("comparing a quoted block", () => {
  const output = ["title", "", "row 1", "row 2", "row 3", "", "done in 2.0 s"];

  it("is the whole output unless marked excerpt", () => {
    expect(blockMismatch(output, output, exact)).toBeNull();
    expect(blockMismatch(output.slice(0, 5), output, exact)).toMatch(/the output goes on after the quote ends: line 6/);
    expect(blockMismatch([...output, "more"], output, exact)).toMatch(/the output ends before the quote's line 8: "more"/);
    expect(blockMismatch(["title", "", "row 1", "row 9"], output, exact)).toMatch(/line 4: the text differs\n {2}quoted: {2}row 9\n {2}printed: row 2/);
  });

  it("finds an excerpt's runs in order, `…` skipping lines, and says where a run stops matching", () => {
    const ex = opts("excerpt");
    expect(blockMismatch(["row 2", "row 3"], output, ex)).toBeNull();
    expect(blockMismatch(["title", "…", "row 3", "…", "done in 2.0 s"], output, ex)).toBeNull();
    expect(blockMismatch(["row 3", "…", "row 1"], output, ex)).toMatch(/the quoted lines from line 3 on are not in the output/);
    expect(blockMismatch(["row 1", "row 3"], output, ex)).toMatch(/nearest match stops at quoted line 2: the text differs\n {2}quoted: {2}row 3\n {2}printed: row 2/);
  });

  it("cleans what a command printed: colours, pnpm's banner, progress rewritten in place, trailing blanks", () => {
    const raw = "\n> @backprop/examples@0.1.0 lesson1 /repo/examples\n> tsx lessons/1-saturation.ts\n\n\x1b[1mclaim\x1b[0m  \nstep 1\rstep 2\rstep 3\n\n";
    expect(cleanOutput(raw)).toEqual(["claim", "step 3"]);
  });
});
