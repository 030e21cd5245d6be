/**
 * arange and linspace: PyTorch's lengths and values (test/reference/ops-values.ts, made by
 * test/reference/ops_values.py), our own closed forms exactly, options, and the errors.
 *
 * PyTorch's values depend on its vectorised loop (arange: a block's first value plus j·step;
 * linspace in float32: float32 arithmetic), so they can differ from the closed form in the last
 * bit or two; ours are the closed form rounded once, and both are compared.
 */
import { describe, expect, it } from "vitest";
import { arange, linspace, tensor } from "../src/index.js";
import { ARANGE, ARANGE_ERRORS, LINSPACE, LINSPACE_NEGATIVE_ERROR } from "./reference/ops-values.js";

/** |a − b| within `units` steps of the dtype's precision at the range's scale. */
function expectNearPyTorch(ours: ArrayLike<number>, torch: number[], scale: number, dtype: "float32" | "float64", what: string): void {
  expect(ours.length, `${what}: length`).toBe(torch.length);
  const eps = dtype === "float64" ? 2 ** -52 : 2 ** -23;
  for (let i = 0; i < torch.length; i++) {
    expect(Math.abs(ours[i] - torch[i]), `${what}[${i}]: ours ${ours[i]}, PyTorch ${torch[i]}`).toBeLessThanOrEqual(4 * eps * scale);
  }
}

const round = (dtype: "float32" | "float64") => (v: number) => (dtype === "float32" ? Math.fround(v) : v);
type AnyArange = (...args: unknown[]) => ReturnType<typeof arange>;

describe("arange", () => {
  for (const { args, f64, f32 } of ARANGE) {
    it(`arange(${args.join(", ")}): PyTorch's length and values; start + i·step exactly`, () => {
      const [start, stop, step] = args.length === 1 ? [0, args[0], 1] : [args[0], args[1], args[2] ?? 1];
      const scale = Math.max(Math.abs(start), Math.abs(stop), 1);
      for (const [dtype, torch] of [["float64", f64], ["float32", f32]] as const) {
        const t = (arange as AnyArange)(...args, { dtype });
        expect(t.dtype).toBe(dtype);
        expect(t.shape).toEqual([torch.length]);
        expectNearPyTorch(t.data, torch, scale, dtype, `${dtype} arange(${args.join(", ")})`);
        expect(Array.from(t.data)).toEqual(Array.from({ length: torch.length }, (_, i) => round(dtype)(start + i * step)));
      }
    });
  }

  it("the reference's vectorised values really differ from the closed form somewhere (so the tolerance above is needed)", () => {
    const long = ARANGE.find((c) => c.args[0] === 1e6)!;
    expect(long.f64.filter((v, i) => v !== 1e6 + i * 0.3).length).toBeGreaterThan(0);
  });

  it("keeps arange(n) and takes options after any form; default float32, requiresGrad and name as other creators", () => {
    expect(Array.from(arange(4).data)).toEqual([0, 1, 2, 3]);
    expect(arange(4).dtype).toBe("float32");
    expect(arange(3, { dtype: "float64" }).dtype).toBe("float64");
    expect(Array.from(arange(2, 5, { dtype: "float64" }).data)).toEqual([2, 3, 4]);
    const t = arange(0, 1, 0.25, { requiresGrad: true, name: "grid" });
    expect(Array.from(t.data)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(t.requiresGrad).toBe(true);
    expect(t.name).toBe("grid");
    expect(arange(0).shape).toEqual([0]);
    expect(Array.from(arange(2.5).data)).toEqual([0, 1, 2]); // as torch.arange(2.5)
    expect(Array.from(arange(1, -2, -1).data)).toEqual([1, 0, -1]);
  });

  it("refuses what PyTorch refuses, naming the values", () => {
    expect(ARANGE_ERRORS.map((e) => e.error === null)).not.toContain(true); // PyTorch refused each
    expect(() => arange(0, 1, 0)).toThrow("arange: step must be nonzero (start 0, stop 1)");
    expect(() => arange(0, 1, -1)).toThrow("arange: the step's sign does not lead from start to stop: start 0, stop 1, step -1 (use a positive step, as PyTorch asks)");
    expect(() => arange(1, 0)).toThrow(/arange: the step's sign .*start 1, stop 0, step 1 \(use a negative step/);
    expect(() => arange(-1)).toThrow(/arange: the step's sign .*start 0, stop -1, step 1/);
    expect(() => arange(0, Infinity)).toThrow("arange: stop must be a finite number, got Infinity");
    expect(() => arange(0, NaN, 1)).toThrow("arange: stop must be a finite number, got NaN");
    expect(() => arange(NaN)).toThrow("arange: stop must be a finite number, got NaN");
    expect(() => arange(0, 1, Infinity)).toThrow("arange: step must be a finite number, got Infinity");
    expect(() => (arange as AnyArange)("3")).toThrow('arange: expected (stop), (start, stop) or (start, stop, step), then options; got ["3"]');
    expect(() => (arange as AnyArange)(0, 1, 1, 1)).toThrow(/arange: expected \(stop\).*got \[0, 1, 1, 1\]/);
    expect(() => (arange as AnyArange)(3, {}, {})).toThrow(/arange: expected/);
    expect(() => arange(0, 1, { dtype: "int32" as "float32" })).toThrow(/arange: unknown dtype "int32"/);
    expect(() => arange(3, { shape: [3] } as never)).toThrow(/arange: unknown option "shape"/);
    expect(() => arange(0, 2 ** 33, 1)).toThrow(/arange: start 0, stop 8589934592, step 1 make 8589934592 values; a tensor holds at most 2\^32/);
  });
});

describe("linspace", () => {
  for (const { args, f64, f32 } of LINSPACE) {
    it(`linspace(${args.join(", ")}): PyTorch's values; both ends exact`, () => {
      const [start, stop, steps] = args;
      const scale = Math.max(Math.abs(start), Math.abs(stop), 1);
      for (const [dtype, torch] of [["float64", f64], ["float32", f32]] as const) {
        const t = linspace(start, stop, steps, { dtype });
        expect(t.dtype).toBe(dtype);
        expect(t.shape).toEqual([steps]);
        expectNearPyTorch(t.data, torch, scale, dtype, `${dtype} linspace(${args.join(", ")})`);
        if (steps >= 1) expect(t.data[0]).toBe(round(dtype)(start));
        if (steps >= 2) expect(t.data[steps - 1]).toBe(round(dtype)(stop));
        // The closed form, PyTorch's two halves, computed in float64 and rounded once.
        const h = (stop - start) / (steps - 1);
        const want = Array.from({ length: steps }, (_, i) => (steps === 1 ? start : i < Math.floor(steps / 2) ? start + i * h : stop - (steps - 1 - i) * h));
        expect(Array.from(t.data)).toEqual(want.map(round(dtype)));
      }
    });
  }

  it("in float64 equals PyTorch bit for bit where PyTorch's loop is the scalar one (short tensors)", () => {
    for (const { args, f64 } of LINSPACE.filter((c) => c.args[2] <= 11)) {
      expect(Array.from(linspace(args[0], args[1], args[2], { dtype: "float64" }).data), `linspace(${args.join(", ")})`).toEqual(f64);
    }
  });

  it("options as other creators; steps 0 and 1", () => {
    expect(linspace(0, 1, 3).dtype).toBe("float32");
    expect(linspace(0, 1, 3, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(linspace(2, 9, 0).shape).toEqual([0]);
    expect(Array.from(linspace(2, 9, 1).data)).toEqual([2]);
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(tensor(linspace(0, 1, 5).toArray() as number[]).allclose(arange(0, 1.25, 0.25))).toBe(true);
  });

  it("refuses a negative or fractional steps count and non-finite ends, as PyTorch", () => {
    expect(LINSPACE_NEGATIVE_ERROR).toMatch(/number of steps must be non-negative/);
    expect(() => linspace(0, 1, -1)).toThrow("linspace: steps must be a non-negative integer, got -1");
    expect(() => linspace(0, 1, 2.5)).toThrow("linspace: steps must be a non-negative integer, got 2.5");
    expect(() => linspace(0, 1, "3" as unknown as number)).toThrow('linspace: steps must be a non-negative integer, got "3"');
    expect(() => linspace(0, Infinity, 3)).toThrow("linspace: stop must be a finite number, got Infinity");
    expect(() => linspace(NaN, 1, 3)).toThrow("linspace: start must be a finite number, got NaN");
    expect(() => linspace(0, 1, 3, { dtype: "float16" as "float32" })).toThrow(/linspace: unknown dtype "float16"/);
  });
});
