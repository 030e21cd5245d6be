/**
 * Bad input to the creation functions and tools gets an error naming the function, the value and
 * what was expected, never a raw engine error or a silently wrong tensor (reproducers of issue 10,
 * finding 5 and 6, and their classes).
 */
import { describe, expect, it } from "vitest";
import { full, gradcheck, ones, quote, rand, tensor, zeros, type NestedArray } from "../src/index.js";
import { MAX_DIMS } from "../src/shape.js";

/** Nested one-element arrays `depth` levels deep around the number 1. */
function nested(depth: number): NestedArray {
  let v: NestedArray = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

describe("tensor() from nested arrays", () => {
  it("rejects empty slots (sparse arrays) instead of making NaN", () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => tensor([1, , 3] as NestedArray)).toThrow(/tensor: empty slot at \[1\] \(a sparse array such as \[1, , 3\] or new Array\(n\)\)/);
    expect(() => tensor(new Array(3))).toThrow(/tensor: empty slot at \[0\]/);
    // eslint-disable-next-line no-sparse-arrays
    expect(() => tensor([[1, 2], [3, ,]] as NestedArray)).toThrow(/tensor: empty slot at \[1\]\[1\]/);
    expect(() => tensor([1, undefined as unknown as number, 3])).toThrow(/tensor: expected a number at \[1\], got undefined/);
  });

  it("rejects nesting deeper than a tensor's dimensions without overflowing the stack", () => {
    expect(() => tensor(nested(20_000))).toThrow(new RegExp(`tensor: nested arrays more than ${MAX_DIMS} levels deep`));
    const deepest = tensor(nested(MAX_DIMS));
    expect(deepest.shape).toEqual(new Array(MAX_DIMS).fill(1));
    expect(deepest.item()).toBe(1);
  });

  it("walks large arrays without recursion and keeps row-major order", () => {
    const rows = Array.from({ length: 300 }, (_, i) => Array.from({ length: 7 }, (_, j) => i * 7 + j));
    const t = tensor(rows, { dtype: "float64" });
    expect(t.shape).toEqual([300, 7]);
    expect(Array.from(t.data)).toEqual(Array.from({ length: 2100 }, (_, k) => k));
  });

  it("accepts size-0 dimensions", () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(zeros([3, 0, 2]).size).toBe(0);
  });
});

describe("shapes", () => {
  it("more elements than a typed array holds is an error naming the op, not a raw RangeError", () => {
    expect(() => zeros([2 ** 33])).toThrow(/zeros: shape \[8589934592\] has 8589934592 elements; a tensor holds at most 2\^32/);
    expect(() => ones([2 ** 20, 2 ** 20])).toThrow(/ones: shape \[1048576, 1048576\] has 1099511627776 elements/);
    expect(() => rand([2 ** 16, 2 ** 16, 2])).toThrow(/^rand: shape/);
  });

  it("at most MAX_DIMS dimensions, whole sizes ≥ 0", () => {
    expect(() => zeros(new Array(MAX_DIMS + 1).fill(1))).toThrow(new RegExp(`zeros: a shape has at most ${MAX_DIMS} dimensions, got ${MAX_DIMS + 1}`));
    expect(() => zeros([2, -1])).toThrow(/zeros: shape must be an array of non-negative integers, got \[2, -1\] \(dimension 1 is -1\)/);
    expect(() => full([1.5], 0)).toThrow(/full: shape must be an array of non-negative integers, got \[1.5\] \(dimension 0 is 1.5\)/);
    expect(() => zeros("3" as unknown as number[])).toThrow(/zeros: shape must be an array of non-negative integers, got "3"/);
  });
});

describe("gradcheck options", () => {
  const f = (x: ReturnType<typeof tensor>) => x.mul(x);
  it("eps must be > 0 and the tolerances ≥ 0 (eps: 0 used to report NaN as a result)", () => {
    const x = tensor([1, 2], { dtype: "float64" });
    expect(() => gradcheck(f, [x], { eps: 0 })).toThrow(/gradcheck: eps must be > 0, got 0/);
    expect(() => gradcheck(f, [x], { eps: -1e-6 })).toThrow(/gradcheck: eps must be > 0, got -0.000001/);
    expect(() => gradcheck(f, [x], { eps: Number.NaN })).toThrow(/gradcheck: eps must be a finite number, got NaN/);
    expect(() => gradcheck(f, [x], { atol: -1 })).toThrow(/gradcheck: atol must be ≥ 0, got -1/);
    expect(() => gradcheck(f, [x], { rtol: -0.1 })).toThrow(/gradcheck: rtol must be ≥ 0, got -0.1/);
    expect(gradcheck(f, [x], { atol: 0, rtol: 1e-6 }).ok).toBe(true);
  });
});

describe("error messages quote at most a short prefix of a huge value", () => {
  const huge = "x".repeat(5_000_000);
  const messageOf = (fn: () => unknown): string => {
    try { fn(); } catch (e) { return (e as Error).message; }
    throw new Error("expected an error");
  };

  it("a 5 MB string in an option, a dtype, a shape or a nested array gives a short message", () => {
    const messages = [
      messageOf(() => tensor([1], { dtype: huge as "float32" })),
      messageOf(() => tensor([1], { [huge]: 1 } as object)),
      messageOf(() => zeros([huge as unknown as number])),
      messageOf(() => tensor([1, huge as unknown as number])),
      messageOf(() => tensor([1], { name: [huge] as unknown as string })),
      messageOf(() => full([2], huge as unknown as number)),
    ];
    for (const m of messages) expect(m.length).toBeLessThan(400);
    expect(messages[0]).toMatch(/^tensor: unknown dtype "x{80}…" \(5000000 characters\); expected "float32" or "float64"$/);
  });

  it("quote: strings, numbers, lists and objects cut to a prefix; never throws", () => {
    expect(quote("abc")).toBe('"abc"');
    expect(quote(huge)).toBe(`"${"x".repeat(80)}…" (5000000 characters)`);
    expect(quote(Number.NaN)).toBe("NaN");
    expect(quote([1, 2, 3])).toBe("[1, 2, 3]");
    expect(quote(Array.from({ length: 1e6 }, (_, i) => i))).toMatch(/^\[0, 1, 2, .*, … \d+ more\]$/);
    expect(quote(new Float32Array(1e6)).length).toBeLessThan(100);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(quote(cyclic)).toBe("[object Object]");
    expect(quote({ a: 1 })).toBe('{"a":1}');
    expect(quote(10n)).toBe("10n");
  });
});

describe("Tensor ids", () => {
  it("one counter: ids rise in the order tensors are made, and _serial is the id", () => {
    const a = tensor(1), b = tensor(2);
    expect(b.id).toBeGreaterThan(a.id);
    expect(a._serial).toBe(a.id);
  });
});
