/**
 * Synthetic datasets (moons, circles, spirals, xor, blobs), trainTestSplit and the DataLoader:
 * shapes, label balance, exact geometry without noise, noise statistics, seeded reproducibility,
 * every row once per epoch, and argument errors.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { manualSeed, randomUniform, tensor, type Tensor } from "@backprop/core";
import { DataLoader, batches, blobs, circles, moons, spirals, trainTestSplit, xor, type Dataset } from "../src/index.js";

const rows = (t: Tensor): number[][] => t.toArray() as number[][];
const labels = (t: Tensor): number[] => Array.from(t.data);
const count = (ys: number[], v: number) => ys.filter((y) => y === v).length;

function stats(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const v = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(v) };
}

/** Points of one class, as [x, y] pairs. */
function ofClass(d: Dataset, k: number): number[][] {
  const ys = labels(d.y);
  return rows(d.x).filter((_, i) => ys[i] === k);
}

const makers = {
  moons: (n: number, o?: object) => moons(n, o),
  circles: (n: number, o?: object) => circles(n, o),
  spirals: (n: number, o?: object) => spirals(n, o),
  xor: (n: number, o?: object) => xor(n, o),
  blobs: (n: number, o?: object) => blobs(n, o),
};

describe("datasets: shapes, dtypes, labels", () => {
  it.each(Object.entries(makers))("%s: x [n, 2], y [n], float32 by default, float64 on request", (_, make) => {
    manualSeed(0);
    const d = make(37);
    expect(d.x.shape).toEqual([37, 2]);
    expect(d.y.shape).toEqual([37]);
    expect(d.x.dtype).toBe("float32");
    expect(d.y.dtype).toBe("float32");
    expect(d.x.requiresGrad).toBe(false);
    expect(rows(d.x).flat().every(Number.isFinite)).toBe(true);
    const d64 = make(5, { dtype: "float64" });
    expect(d64.x.dtype).toBe("float64");
    expect(d64.y.dtype).toBe("float64");
    expect(d64.x.shape).toEqual([5, 2]);
  });

  it("two-class datasets split n as scikit-learn: ⌊n/2⌋ of class 0, the rest class 1", () => {
    for (const make of [moons, circles, spirals]) {
      for (const n of [1, 2, 7, 100, 101]) {
        const ys = labels(make(n).y);
        expect(count(ys, 0)).toBe(Math.floor(n / 2));
        expect(count(ys, 1)).toBe(n - Math.floor(n / 2));
      }
    }
  });

  it("xor balances its four clusters (the first n mod 4 get one more) and so its two labels", () => {
    const cases: [number, number, number][] = [[8, 4, 4], [10, 5, 5], [7, 4, 3], [5, 3, 2]];
    for (const [n, zeros, ones] of cases) {
      const ys = labels(xor(n, { noise: 0 }).y);
      expect([count(ys, 0), count(ys, 1)]).toEqual([zeros, ones]);
    }
  });

  it("blobs labels 0…k−1, split ⌊n/k⌋ each with the first n mod k one more", () => {
    const ys = labels(blobs(11, { centers: 3 }).y);
    expect([count(ys, 0), count(ys, 1), count(ys, 2)]).toEqual([4, 4, 3]);
    const ys5 = labels(blobs(10, { centers: [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]] }).y);
    expect([0, 1, 2, 3, 4].map((k) => count(ys5, k))).toEqual([2, 2, 2, 2, 2]);
  });

  it("rows are shuffled: the labels are not in class order", () => {
    manualSeed(3);
    const ys = labels(moons(200).y);
    expect(ys.slice(0, 100)).not.toEqual(Array(100).fill(0));
    // a proper shuffle mixes: both classes show up in each half
    expect(count(ys.slice(0, 100), 0)).toBeGreaterThan(30);
    expect(count(ys.slice(0, 100), 0)).toBeLessThan(70);
  });
});

describe("datasets: reproducibility", () => {
  it.each(Object.entries(makers))("%s: same seed → identical bits; another seed → different data", (_, make) => {
    manualSeed(42);
    const a = make(64);
    manualSeed(42);
    const b = make(64);
    manualSeed(43);
    const c = make(64);
    expect(Array.from(b.x.data)).toEqual(Array.from(a.x.data));
    expect(Array.from(b.y.data)).toEqual(Array.from(a.y.data));
    expect(Array.from(c.x.data)).not.toEqual(Array.from(a.x.data));
  });

  it("draws from the global generator: a dataset advances it", () => {
    manualSeed(1);
    const first = randomUniform();
    manualSeed(1);
    moons(10);
    expect(randomUniform()).not.toBe(first);
  });

  it("the noise level does not change the row order or the standard-normal draws", () => {
    manualSeed(9);
    const clean = moons(50, { noise: 0 });
    manualSeed(9);
    const noisy = moons(50, { noise: 0.25 });
    expect(labels(noisy.y)).toEqual(labels(clean.y));
  });
});

describe("moons geometry", () => {
  it("without noise, class 0 lies on the upper unit half circle and class 1 on the lower one centred (1, 0.5)", () => {
    manualSeed(0);
    const d = moons(200, { noise: 0 });
    const outer = ofClass(d, 0), inner = ofClass(d, 1);
    expect(outer).toHaveLength(100);
    expect(inner).toHaveLength(100);
    for (const [x, y] of outer) {
      expect(Math.hypot(x, y)).toBeCloseTo(1, 6);
      expect(y).toBeGreaterThanOrEqual(-1e-7);
    }
    for (const [x, y] of inner) {
      expect(Math.hypot(x - 1, y - 0.5)).toBeCloseTo(1, 6);
      expect(y).toBeLessThanOrEqual(0.5 + 1e-7);
    }
  });

  it("t is evenly spaced over [0, π], ends included, in each class (as numpy.linspace)", () => {
    const d = moons(9, { noise: 0, dtype: "float64" }); // 4 outer, 5 inner
    const outerT = ofClass(d, 0).map(([x, y]) => Math.atan2(y, x)).sort((a, b) => a - b);
    const innerT = ofClass(d, 1).map(([x, y]) => Math.atan2(-(y - 0.5), 1 - x)).sort((a, b) => a - b);
    outerT.forEach((t, i) => expect(t).toBeCloseTo((i * Math.PI) / 3, 12));
    innerT.forEach((t, i) => expect(t).toBeCloseTo((i * Math.PI) / 4, 12));
    // the exact end points of scikit-learn's make_moons
    const pts = rows(d.x).map(([x, y]) => `${x.toFixed(9)},${y.toFixed(9)}`);
    for (const p of ["1.000000000,0.000000000", "-1.000000000,0.000000000", "0.000000000,0.500000000", "2.000000000,0.500000000", "1.000000000,-0.500000000"]) {
      expect(pts).toContain(p);
    }
  });

  it("noise: the deviation from the clean points (same seed) has mean ≈ 0 and std ≈ noise", () => {
    manualSeed(5);
    const clean = rows(moons(10000, { noise: 0, dtype: "float64" }).x).flat();
    manualSeed(5);
    const noisy = rows(moons(10000, { noise: 0.3, dtype: "float64" }).x).flat();
    const dev = noisy.map((v, i) => v - clean[i]);
    const { mean, std } = stats(dev);
    expect(Math.abs(mean)).toBeLessThan(0.012); // sd of the mean: 0.3/√20000 ≈ 0.002
    expect(std).toBeGreaterThan(0.3 * 0.98);
    expect(std).toBeLessThan(0.3 * 1.02);
  });
});

describe("circles", () => {
  it("without noise, class 0 has radius 1 and class 1 radius factor (default 0.8)", () => {
    for (const [opts, r] of [[{}, 0.8], [{ factor: 0.3 }, 0.3], [{ factor: 0 }, 0]] as const) {
      const d = circles(101, { noise: 0, ...opts });
      for (const [x, y] of ofClass(d, 0)) expect(Math.hypot(x, y)).toBeCloseTo(1, 6);
      for (const [x, y] of ofClass(d, 1)) expect(Math.hypot(x, y)).toBeCloseTo(r, 6);
    }
  });

  it("angles are evenly spaced over [0, 2π), the end point excluded", () => {
    const d = circles(8, { noise: 0, dtype: "float64" }); // 4 per circle: 0, π/2, π, 3π/2
    const norm = (t: number) => (t < -1e-9 ? t + 2 * Math.PI : Math.max(t, 0));
    const outer = ofClass(d, 0).map(([x, y]) => norm(Math.atan2(y, x))).sort((a, b) => a - b);
    outer.forEach((t, i) => expect(t).toBeCloseTo((i * Math.PI) / 2, 12));
  });

  it("noise: the radial deviation has std ≈ noise", () => {
    manualSeed(11);
    const d = circles(20000, { noise: 0.05, dtype: "float64" });
    const dev = ofClass(d, 0).map(([x, y]) => Math.hypot(x, y) - 1);
    const { mean, std } = stats(dev);
    expect(Math.abs(mean)).toBeLessThan(0.005); // second-order bias σ²/2 ≈ 0.00125
    expect(std).toBeGreaterThan(0.05 * 0.97);
    expect(std).toBeLessThan(0.05 * 1.03);
  });
});

describe("spirals", () => {
  it("without noise, points follow r = 0.1 + 0.9s, θ = 2π·turns·s + kπ", () => {
    for (const turns of [1.5, 2.25]) {
      const d = spirals(60, { noise: 0, turns, dtype: "float64" });
      const ys = labels(d.y);
      const radii: number[] = [];
      rows(d.x).forEach(([x, y], i) => {
        const r = Math.hypot(x, y);
        radii.push(r);
        const s = (r - 0.1) / 0.9;
        const theta = 2 * Math.PI * turns * s + ys[i] * Math.PI;
        expect(x).toBeCloseTo(r * Math.cos(theta), 9);
        expect(y).toBeCloseTo(r * Math.sin(theta), 9);
      });
      expect(Math.min(...radii)).toBeCloseTo(0.1, 12);
      expect(Math.max(...radii)).toBeCloseTo(1, 12);
    }
  });

  it("the two arms never meet: nearest points of different classes stay apart without noise", () => {
    const d = spirals(400, { noise: 0, dtype: "float64" });
    const a = ofClass(d, 0), b = ofClass(d, 1);
    let closest = Infinity;
    for (const p of a) for (const q of b) closest = Math.min(closest, Math.hypot(p[0] - q[0], p[1] - q[1]));
    expect(closest).toBeGreaterThan(0.15);
  });
});

describe("spirals: classes", () => {
  it("k arms: labels 0…k−1, ⌊n/k⌋ each with the last n mod k classes one more; θ = 2π·turns·s + 2πk/classes", () => {
    for (const [n, classes, turns] of [[100, 3, 1.5], [103, 4, 1], [9, 5, 0.75], [40, 1, 2]] as const) {
      const d = spirals(n, { noise: 0, classes, turns, dtype: "float64" });
      const ys = labels(d.y);
      const extra = n % classes;
      for (let k = 0; k < classes; k++) expect(count(ys, k)).toBe(Math.floor(n / classes) + (k >= classes - extra ? 1 : 0));
      expect(ys.every((v) => Number.isInteger(v) && v >= 0 && v < classes)).toBe(true);
      rows(d.x).forEach(([x, y], i) => {
        const r = Math.hypot(x, y);
        const s = (r - 0.1) / 0.9;
        const theta = 2 * Math.PI * turns * s + (2 * Math.PI * ys[i]) / classes;
        expect(x).toBeCloseTo(r * Math.cos(theta), 9);
        expect(y).toBeCloseTo(r * Math.sin(theta), 9);
      });
    }
  });

  it("arms of different classes stay apart without noise: along a ray they are 0.9/(turns·classes) apart", () => {
    for (const classes of [3, 5]) {
      const d = spirals(150 * classes, { noise: 0, classes, turns: 1, dtype: "float64" });
      const points = Array.from({ length: classes }, (_, k) => ofClass(d, k));
      let closest = Infinity;
      for (let a = 0; a < classes; a++) for (let b = a + 1; b < classes; b++) {
        for (const p of points[a]) for (const q of points[b]) closest = Math.min(closest, Math.hypot(p[0] - q[0], p[1] - q[1]));
      }
      expect(closest).toBeGreaterThan(0.5 * (0.9 / classes));
      expect(closest).toBeLessThan(0.9 / classes);
    }
  });

  it("two classes (the default, or said) give the same data as before the option existed, bit for bit", () => {
    // sha256 of the bytes of x and y, recorded from the implementation before `classes` was added
    const digest = (t: Tensor) => createHash("sha256").update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)).digest("hex").slice(0, 16);
    const cases: [number, object, string, string][] = [
      [101, { noise: 0.2 }, "765e1e4a53ca35bb", "b074f4f5f6e9cf4c"],
      [400, {}, "09b6ad60ccf0b0c5", "557c0abcae7f2329"],
      [60, { noise: 0, turns: 2.25, dtype: "float64" }, "c7f9a4ec658451c8", "f7813ffa61163fa7"],
      [1, {}, "c42f2eac6f9d79c6", "e00e5eb9444182f3"],
      [7, { noise: 0.05, dtype: "float64" }, "949430a616dd4ec1", "46c242064a9f126c"],
    ];
    for (const [n, opts, hx, hy] of cases) {
      for (const o of [opts, { ...opts, classes: 2 }]) {
        manualSeed(5);
        const d = spirals(n, o);
        expect([digest(d.x), digest(d.y)]).toEqual([hx, hy]);
      }
    }
  });

  it("classes must be a whole number ≥ 1", () => {
    for (const bad of [0, -1, 2.5, NaN, "3"]) expect(() => spirals(10, { classes: bad as number })).toThrow(/spirals: classes must be a whole number ≥ 1, got/);
    expect(labels(spirals(3, { classes: 5 }).y).sort()).toEqual([2, 3, 4]); // fewer points than classes: the last classes get them
  });
});

describe("xor", () => {
  it("without noise, points sit on (±1, ±1) and the label is 1 exactly when x·y < 0", () => {
    const d = xor(40, { noise: 0 });
    const ys = labels(d.y);
    rows(d.x).forEach(([x, y], i) => {
      expect(Math.abs(x)).toBe(1);
      expect(Math.abs(y)).toBe(1);
      expect(ys[i]).toBe(x * y < 0 ? 1 : 0);
    });
    const corners = new Set(rows(d.x).map((p) => p.join(",")));
    expect(corners.size).toBe(4);
  });

  it("with noise, each cluster has std ≈ noise around its corner", () => {
    manualSeed(2);
    const d = xor(8000, { noise: 0.2, dtype: "float64" });
    const dev = rows(d.x).flatMap(([x, y]) => [x - Math.sign(x), y - Math.sign(y)]);
    const { std } = stats(dev);
    expect(std).toBeGreaterThan(0.2 * 0.97);
    expect(std).toBeLessThan(0.2 * 1.03);
  });
});

describe("blobs", () => {
  it("given centers and std 0, every point is its center", () => {
    const centers: [number, number][] = [[1, 2], [-3, 4], [5, -6]];
    const d = blobs(30, { centers, std: 0 });
    expect(d.centers).toEqual(centers);
    const ys = labels(d.y);
    rows(d.x).forEach((p, i) => expect(p).toEqual(centers[ys[i]]));
  });

  it("random centers lie in centerBox; the spread per center matches std (one number or one per center)", () => {
    manualSeed(4);
    const d = blobs(9000, { centers: 3, centerBox: [-50, 50], std: [0.5, 1, 2], dtype: "float64" });
    expect(d.centers).toHaveLength(3);
    for (const c of d.centers) for (const v of c) expect(Math.abs(v)).toBeLessThanOrEqual(50);
    [0.5, 1, 2].forEach((s, k) => {
      const dev = ofClass(d, k).flatMap(([x, y]) => [x - d.centers[k][0], y - d.centers[k][1]]);
      const { mean, std } = stats(dev);
      expect(Math.abs(mean)).toBeLessThan(0.1 * s);
      expect(std).toBeGreaterThan(s * 0.96);
      expect(std).toBeLessThan(s * 1.04);
    });
  });

  it("defaults: 3 centers drawn in [−10, 10]² with std 1", () => {
    manualSeed(8);
    const d = blobs(3000);
    expect(d.centers).toHaveLength(3);
    for (const c of d.centers) for (const v of c) expect(Math.abs(v)).toBeLessThanOrEqual(10);
    const dev = ofClass(d, 1).flatMap(([x, y]) => [x - d.centers[1][0], y - d.centers[1][1]]);
    expect(stats(dev).std).toBeGreaterThan(0.94);
    expect(stats(dev).std).toBeLessThan(1.06);
  });
});

describe("dataset argument errors", () => {
  it.each(Object.entries(makers))("%s rejects a bad n, a bad noise/std, unknown options and a bad dtype", (name, make) => {
    for (const n of [0, -3, 2.5, NaN, Infinity, "10"]) expect(() => make(n as number)).toThrow(new RegExp(`${name}: n .*positive integer`));
    expect(() => make(10, { dtype: "int32" })).toThrow(/dtype must be "float32" or "float64"/);
    expect(() => make(10, { nosie: 0.1 })).toThrow(/unknown option "nosie"/);
    expect(() => make(10, null as unknown as object)).toThrow(/options must be an object/);
    const key = name === "blobs" ? "std" : "noise";
    for (const bad of [-0.1, NaN, Infinity, "0.1"]) expect(() => make(10, { [key]: bad })).toThrow(new RegExp(`${key} must be a finite number ≥ 0`));
  });

  it("circles: factor in [0, 1); spirals: turns > 0; blobs: centers and std shapes", () => {
    expect(() => circles(10, { factor: 1 })).toThrow(/factor must be a number in \[0, 1\)/);
    expect(() => circles(10, { factor: -0.1 })).toThrow(/factor/);
    expect(() => spirals(10, { turns: 0 })).toThrow(/turns must be a finite number > 0/);
    expect(() => blobs(10, { centers: 0 })).toThrow(/centers must be a positive integer/);
    expect(() => blobs(10, { centers: [] })).toThrow(/non-empty array/);
    expect(() => blobs(10, { centers: [[1, 2], [3]] })).toThrow(/centers\[1\] must be an \[x, y\] pair/);
    expect(() => blobs(10, { centers: 2, std: [1, 2, 3] })).toThrow(/one per center/);
    expect(() => blobs(10, { centerBox: [5, -5] })).toThrow(/centerBox/);
  });
});

/** x row i = [i, 100 + i], y = i: every row says where it came from. */
function indexed(n: number, dtype: "float32" | "float64" = "float32") {
  const xs = Array.from({ length: n }, (_, i) => [i, 100 + i]);
  return { x: tensor(xs, { dtype }), y: tensor(xs.map(([i]) => i), { dtype }) };
}

describe("trainTestSplit", () => {
  it("sizes: ⌈testFraction·n⌉ test rows (round-off forgiven), the rest for training", () => {
    const cases: [number, number | undefined, number][] = [[10, undefined, 2], [30, 0.1, 3], [7, 0.5, 4], [3, 0.01, 1]];
    for (const [n, f, nTest] of cases) {
      const { x, y } = indexed(n);
      const s = trainTestSplit(x, y, f === undefined ? undefined : { testFraction: f });
      expect(s.xTest.shape).toEqual([nTest, 2]);
      expect(s.yTest.shape).toEqual([nTest]);
      expect(s.xTrain.shape).toEqual([n - nTest, 2]);
      expect(s.yTrain.shape).toEqual([n - nTest]);
    }
  });

  it("the two parts partition the rows, keeping x and y together, in a seeded random order", () => {
    const { x, y } = indexed(50, "float64");
    manualSeed(6);
    const s = trainTestSplit(x, y, { testFraction: 0.3 });
    const ids = [...labels(s.yTrain), ...labels(s.yTest)];
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(ids).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const part of [[s.xTrain, s.yTrain], [s.xTest, s.yTest]] as const) {
      const ys = labels(part[1]);
      rows(part[0]).forEach(([a, b], i) => expect([a, b]).toEqual([ys[i], 100 + ys[i]]));
    }
    expect(s.xTest.dtype).toBe("float64");
    manualSeed(6);
    expect(labels(trainTestSplit(x, y, { testFraction: 0.3 }).yTest)).toEqual(labels(s.yTest));
    manualSeed(7);
    expect(labels(trainTestSplit(x, y, { testFraction: 0.3 }).yTest)).not.toEqual(labels(s.yTest));
  });

  it("shuffle: false keeps the order: the last rows are the test set", () => {
    const { x, y } = indexed(10);
    const s = trainTestSplit(x, y, { shuffle: false, testFraction: 0.3 });
    expect(labels(s.yTrain)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(labels(s.yTest)).toEqual([7, 8, 9]);
  });

  it("errors: fraction outside (0, 1), an empty part, row mismatch, unknown option", () => {
    const { x, y } = indexed(10);
    for (const f of [0, 1, -0.2, 1.5, NaN]) expect(() => trainTestSplit(x, y, { testFraction: f })).toThrow(/testFraction must be a number in \(0, 1\)/);
    const one = indexed(1);
    expect(() => trainTestSplit(one.x, one.y)).toThrow(/both sets must be non-empty/);
    expect(() => trainTestSplit(x, tensor([1, 2, 3]))).toThrow(/same number of rows/);
    expect(() => trainTestSplit(x, y, { testSize: 0.2 } as object)).toThrow(/unknown option "testSize"/);
  });
});

describe("DataLoader / batches", () => {
  /** One epoch, as the list of row ids per batch, checking that x rows match their y. */
  function epoch(loader: Iterable<{ x: Tensor; y: Tensor }>): number[][] {
    const out: number[][] = [];
    for (const b of loader) {
      const ys = labels(b.y);
      rows(b.x).forEach(([a, c], i) => expect([a, c]).toEqual([ys[i], 100 + ys[i]]));
      out.push(ys);
    }
    return out;
  }
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);

  it("covers every row exactly once per epoch, in batches of batchSize (the last smaller)", () => {
    const { x, y } = indexed(10);
    const loader = new DataLoader(x, y, { batchSize: 4 });
    expect(loader.length).toBe(3);
    const e = epoch(loader);
    expect(e.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(e.flat().sort((a, b) => a - b)).toEqual(range(10));
  });

  it("reshuffles on every iteration: epochs differ, and each is still a permutation", () => {
    manualSeed(12);
    const { x, y } = indexed(20);
    const loader = batches(x, y, { batchSize: 5 });
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const order = epoch(loader).flat();
      expect([...order].sort((a, b) => a - b)).toEqual(range(20));
      seen.add(order.join(","));
    }
    expect(seen.size).toBe(5);
  });

  it("the order is reproducible with manualSeed", () => {
    const { x, y } = indexed(30);
    manualSeed(21);
    const a = [epoch(new DataLoader(x, y, { batchSize: 7 })), epoch(new DataLoader(x, y, { batchSize: 7 }))];
    manualSeed(21);
    const loader = new DataLoader(x, y, { batchSize: 7 });
    expect([epoch(loader), epoch(loader)]).toEqual(a);
  });

  it("the shuffle is uniform (unbiased Fisher–Yates): all 6 orders of 3 rows, about equally often", () => {
    manualSeed(13);
    const { x, y } = indexed(3);
    const loader = new DataLoader(x, y, { batchSize: 3 });
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      let key = "";
      for (const b of loader) key = labels(b.y).join("");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) {
      expect(c).toBeGreaterThan(880); // expected 1000, sd ≈ 29
      expect(c).toBeLessThan(1120);
    }
  });

  it("shuffle: false gives the rows in order, the same every epoch", () => {
    const { x, y } = indexed(7);
    const loader = new DataLoader(x, y, { batchSize: 3, shuffle: false });
    expect(epoch(loader)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(epoch(loader)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it("dropLast drops the smaller last batch (and length counts it out)", () => {
    const { x, y } = indexed(10);
    const loader = new DataLoader(x, y, { batchSize: 3, dropLast: true });
    expect(loader.length).toBe(3);
    const e = epoch(loader);
    expect(e.map((b) => b.length)).toEqual([3, 3, 3]);
    expect(new Set(e.flat()).size).toBe(9);
    const exact = new DataLoader(x, y, { batchSize: 5, dropLast: true, shuffle: false });
    expect(exact.length).toBe(2);
    expect(epoch(exact)).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);
    expect(new DataLoader(x, y, { batchSize: 11, dropLast: true }).length).toBe(0);
    expect(epoch(new DataLoader(x, y, { batchSize: 11, dropLast: true }))).toEqual([]);
    expect(epoch(new DataLoader(x, y, { batchSize: 11 }))).toHaveLength(1);
  });

  it("batches keep dtype and trailing dimensions, and are constants", () => {
    const x = tensor(Array.from({ length: 24 }, (_, i) => i), { shape: [6, 2, 2], dtype: "float64", requiresGrad: true });
    const y = tensor(Array.from({ length: 12 }, (_, i) => i), { shape: [6, 2] });
    const [first] = new DataLoader(x, y, { batchSize: 4, shuffle: false });
    expect(first.x.shape).toEqual([4, 2, 2]);
    expect(first.x.dtype).toBe("float64");
    expect(first.y.shape).toEqual([4, 2]);
    expect(first.y.dtype).toBe("float32");
    expect(Array.from(first.x.data)).toEqual(range(16));
    expect(first.x.requiresGrad).toBe(false);
  });

  it("works with a dataset end to end", () => {
    manualSeed(0);
    const d = moons(100);
    let total = 0;
    for (const b of new DataLoader(d.x, d.y, { batchSize: 32 })) total += b.x.shape[0];
    expect(total).toBe(100);
  });

  it("the doc comment's example: 1000 rows in batches of 32 are 32 batches, 31 of 32 rows and one of 8", () => {
    manualSeed(0);
    const { x, y } = moons(1000);
    const loader = new DataLoader(x, y, { batchSize: 32 });
    expect(loader.length).toBe(32);
    expect(loader.size).toBe(1000);
    const sizes = [...loader].map((b) => b.x.shape[0]);
    expect(sizes).toEqual([...new Array(31).fill(32), 8]);
  });

  it("rows are read when each batch is made: an in-place change to x shows in the next epoch; a draw between epochs changes the next order", () => {
    const { x, y } = indexed(4);
    const loader = new DataLoader(x, y, { batchSize: 4, shuffle: false });
    const [before] = loader;
    x.data[0] = 42;
    const [after] = loader;
    expect([before.x.data[0], after.x.data[0]]).toEqual([0, 42]);
    const rows12 = indexed(12);
    const orders = (between: boolean) => {
      manualSeed(3);
      const shuffled = new DataLoader(rows12.x, rows12.y, { batchSize: 12 });
      const first = labels([...shuffled][0].y);
      if (between) randomUniform();
      return [first, labels([...shuffled][0].y)];
    };
    const [a1, a2] = orders(false), [b1, b2] = orders(true);
    expect(b1).toEqual(a1);
    expect(b2).not.toEqual(a2);
  });

  it("errors: bad batchSize, options, row mismatch", () => {
    const { x, y } = indexed(10);
    for (const bs of [0, -1, 2.5, NaN, undefined]) {
      expect(() => new DataLoader(x, y, { batchSize: bs as number })).toThrow(/batchSize must be a positive integer/);
    }
    expect(() => new DataLoader(x, y, { batchSize: 2, shufle: true } as object as { batchSize: number })).toThrow(/unknown option "shufle"/);
    expect(() => new DataLoader(x, y, { batchSize: 2, shuffle: "yes" as unknown as boolean })).toThrow(/shuffle must be a boolean/);
    expect(() => new DataLoader(x, y, { batchSize: 2, dropLast: 1 as unknown as boolean })).toThrow(/dropLast must be a boolean/);
    expect(() => new DataLoader(x, tensor([1, 2]), { batchSize: 2 })).toThrow(/same number of rows/);
    expect(() => new DataLoader(x, tensor(1), { batchSize: 2 })).toThrow(/at least one dimension/);
    expect(() => new DataLoader(x, y, undefined as unknown as { batchSize: number })).toThrow(/options .* are required/);
  });
});
