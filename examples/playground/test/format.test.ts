/** The read-outs' formats, as shared/API.md fixes them. */
import { describe, expect, it } from "vitest";
import { formatBackend, formatLoss, formatPercent, formatStep } from "../src/format.js";

describe("read-out formats", () => {
  it("step: an integer without separators", () => {
    expect(formatStep(12345)).toBe("12345");
    expect(formatStep(0)).toBe("0");
  });
  it("loss: a decimal with four places", () => {
    expect(formatLoss(0.01234)).toBe("0.0123");
    expect(formatLoss(10.03333)).toBe("10.0333");
    expect(formatLoss(Number.NaN)).toBe("NaN");
  });
  it("accuracy and dead units: a percentage with one decimal", () => {
    expect(formatPercent(0.975)).toBe("97.5%");
    expect(formatPercent(1)).toBe("100.0%");
    expect(formatPercent(0)).toBe("0.0%");
  });
  it("backend: begins with the backend's name", () => {
    expect(formatBackend({ backend: "wasm", threads: 1, fma: false, note: "" })).toBe("wasm · 1 thread");
    expect(formatBackend({ backend: "wasm", threads: 2, fma: true, note: "" })).toBe("wasm · 2 threads · fma");
    expect(formatBackend({ backend: "js", threads: 1, fma: false, note: "no SIMD" })).toBe("js · 1 thread (no SIMD)");
  });
});
