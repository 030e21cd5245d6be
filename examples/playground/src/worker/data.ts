/**
 * The points: one of nn's seeded 2-D datasets, split 80/20 into train and test, and the inputs the
 * network sees (the same points, minus the training mean when centring is on).
 */
import { manualSeed, noGrad, tensor, type Tensor } from "@backprop/core";
import { blobs, circles, moons, spirals, trainTestSplit, xor, type Dataset } from "@backprop/nn";
import type { Settings } from "../settings.js";

/** Lesson 3's geometry: every coordinate positive, and the boundary between needs w₁ up and w₂ down. */
export const BLOB_CENTRES: [number, number][] = [[4, 6], [6, 4]];

export function makeDataset(s: Pick<Settings, "dataset" | "points" | "noise">): Dataset {
  const { points: n, noise } = s;
  switch (s.dataset) {
    case "moons": return moons(n, { noise });
    case "circles": return circles(n, { noise, factor: 0.5 });
    case "spirals": return spirals(n, { noise });
    case "xor": return xor(n, { noise });
    case "blobs": return blobs(n, { centers: BLOB_CENTRES, std: noise });
  }
}

export interface Data {
  /** The points as drawn (x, y pairs) and their labels 0/1. */
  trainPoints: Float32Array;
  trainLabels: Float32Array;
  testPoints: Float32Array;
  testLabels: Float32Array;
  /** What the network sees: [n, 2] inputs (centred or not) and [n] labels. */
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
  /** Subtracted from every input: the training mean, or (0, 0) without centring. */
  shift: [number, number];
  /** The square the boundary is drawn over: [xMin, xMax, yMin, yMax]. */
  bounds: [number, number, number, number];
}

/** Same seed, same points and split, bit for bit (the global generator is seeded here). */
export function makeData(s: Settings): Data {
  manualSeed(s.seed);
  const { x, y } = makeDataset(s);
  const split = trainTestSplit(x, y, { testFraction: 0.2 });
  const train = Float32Array.from(split.xTrain.data);
  const n = train.length / 2;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += train[2 * i]; my += train[2 * i + 1]; }
  const shift: [number, number] = s.centre ? [mx / n, my / n] : [0, 0];
  const centred = (t: Tensor) => noGrad(() => t.sub(tensor(shift, { shape: [1, 2] })));
  return {
    trainPoints: train,
    trainLabels: Float32Array.from(split.yTrain.data),
    testPoints: Float32Array.from(split.xTest.data),
    testLabels: Float32Array.from(split.yTest.data),
    xTrain: centred(split.xTrain),
    yTrain: split.yTrain,
    xTest: centred(split.xTest),
    yTest: split.yTest,
    shift,
    bounds: squareAround(x.data),
  };
}

/** The smallest square holding every point, plus a 10% margin (so circles look round). */
function squareAround(xy: ArrayLike<number>): [number, number, number, number] {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    x0 = Math.min(x0, xy[i]); x1 = Math.max(x1, xy[i]);
    y0 = Math.min(y0, xy[i + 1]); y1 = Math.max(y1, xy[i + 1]);
  }
  const half = 0.6 * Math.max(x1 - x0, y1 - y0, 1e-3);
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return [cx - half, cx + half, cy - half, cy + half];
}

/** The centres of a size × size grid over the bounds, as model inputs [size², 2] (row 0 at the top). */
export function gridInputs(data: Pick<Data, "bounds" | "shift">, size: number): Tensor {
  const [x0, x1, y0, y1] = data.bounds;
  const xy = new Float32Array(size * size * 2);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const k = r * size + c;
      xy[2 * k] = x0 + ((c + 0.5) / size) * (x1 - x0) - data.shift[0];
      xy[2 * k + 1] = y1 - ((r + 0.5) / size) * (y1 - y0) - data.shift[1];
    }
  }
  return tensor(xy, { shape: [size * size, 2] });
}
