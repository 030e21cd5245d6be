/**
 * The benchmark workloads, on our side: seeded float32 inputs (shared verbatim with every peer)
 * and builders that return a closure doing exactly the timed work. Nothing here times anything, so
 * the builders are also usable from tests. The closures run on whichever backend of ours is
 * current when they are called (see ours.ts).
 *
 * Inputs come from a private seeded generator (mulberry32), NOT from `manualSeed`/`rand`, so the two
 * frameworks see bit-identical data and the benchmark never disturbs the framework's global PRNG.
 */
import { linear, matmul, relu, sigmoid, tensor, type Tensor } from "@backprop/core";
import { bceWithLogits, SGD } from "@backprop/nn";

/** mulberry32: a tiny, well-mixed 32-bit generator; returns uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` float32 values uniform in [lo, hi), reproducible from `seed`. */
export function seededUniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

/** Transpose a row-major [rows, cols] matrix (peers keep weights as [in, out], we as [out, in]). */
export function transposed(m: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c];
  return out;
}

// ───────────────────────────── 1. matmul ─────────────────────────────

export interface MatmulInputs {
  /** A is [n, n], B is [n, n], row-major. */
  n: number;
  a: Float32Array;
  b: Float32Array;
}

export function matmulInputs(n: number, seed = 1): MatmulInputs {
  return { n, a: seededUniform(n * n, seed), b: seededUniform(n * n, seed + 1) };
}

/** 2·n³ floating-point operations for one n×n·n×n product. */
export function matmulFlops(n: number): number {
  return 2 * n * n * n;
}

/**
 * The three operand layouts of a product, as a gemm sees them: C = A·B, C = A·Bᵀ (the forward of
 * a dense layer with PyTorch-layout weights) and C = Aᵀ·B (its weight gradient). The stored data
 * of A and B is the same in all three; only how it is read differs.
 */
export type MatmulLayout = "AB" | "ABt" | "AtB";
export const MATMUL_LAYOUTS: readonly MatmulLayout[] = ["AB", "ABt", "AtB"];
export const LAYOUT_LABEL: Record<MatmulLayout, string> = { AB: "A·B", ABt: "A·Bᵀ", AtB: "Aᵀ·B" };

/** [transA, transB] of a layout. */
export function layoutFlags(layout: MatmulLayout): [boolean, boolean] {
  return [layout === "AtB", layout === "ABt"];
}

/** How our public API expresses each layout: matmul's transpose options read the operand in place. */
export function oursMatmulHow(layout: MatmulLayout): string {
  switch (layout) {
    case "AB": return "matmul(A, B)";
    case "ABt": return "matmul(A, B, { transposeB: true }): B read transposed in place by the gemm, no copy";
    case "AtB": return "matmul(A, B, { transposeA: true }): A read transposed in place by the gemm, no copy";
  }
}

/** Returns a closure computing the product with our API (inputs built once, outside the timed part). */
export function oursMatmul(inp: MatmulInputs, layout: MatmulLayout = "AB"): () => Tensor {
  const a = tensor(inp.a, { shape: [inp.n, inp.n] });
  const b = tensor(inp.b, { shape: [inp.n, inp.n] });
  const [transposeA, transposeB] = layoutFlags(layout);
  return () => matmul(a, b, { transposeA, transposeB });
}

// ──────────────────────── 2. elementwise chain ────────────────────────

export interface ChainInputs {
  x: Float32Array;
}

/** Values in [-4, 4) so both ReLU sides and the sigmoid's curved part are exercised. */
export function chainInputs(size: number, seed = 3): ChainInputs {
  return { x: seededUniform(size, seed, -4, 4) };
}

/** x → mul(2) → add(1) → relu → sigmoid, forward only. */
export function oursChain(inp: ChainInputs): () => Tensor {
  const x = tensor(inp.x);
  return () => x.mul(2).add(1).relu().sigmoid();
}

/** The chain for one value, in float64 (a hand reference for tests). */
export function chainScalar(v: number): number {
  const r = Math.max(2 * v + 1, 0);
  return 1 / (1 + Math.exp(-r));
}

// ──────────────────────── 3. relu → sigmoid ────────────────────────

/** sigmoid(relu(x)) forward, the two activations back to back (separate from the longer chain). */
export function oursReluSigmoid(inp: ChainInputs): () => Tensor {
  const x = tensor(inp.x);
  return () => sigmoid(relu(x));
}

/** sigmoid(relu(v)) in float64 (a hand reference for tests). */
export function reluSigmoidScalar(v: number): number {
  return 1 / (1 + Math.exp(-Math.max(v, 0)));
}

// ───────────────────── 4. MLP forward + backward ─────────────────────

/** Layer widths of the MLP: 2 → 16 → 16 → 1. */
export const MLP_SIZES = [2, 16, 16, 1] as const;

export interface MlpInputs {
  batch: number;
  sizes: readonly number[];
  /** x: [batch, sizes[0]]; t (targets): [batch, sizes[last]]. */
  x: Float32Array;
  t: Float32Array;
  /** Per layer l: weight [sizes[l+1], sizes[l]] (PyTorch layout, [out, in]) and bias [sizes[l+1]]. */
  weights: Float32Array[];
  biases: Float32Array[];
}

/** Inputs and parameters; parameters uniform in ±1/√in, as PyTorch's Linear init. */
export function mlpInputs(batch = 32, sizes: readonly number[] = MLP_SIZES, seed = 7): MlpInputs {
  const weights: Float32Array[] = [], biases: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l], out = sizes[l + 1], bound = 1 / Math.sqrt(fanIn);
    weights.push(seededUniform(out * fanIn, seed + 10 + 2 * l, -bound, bound));
    biases.push(seededUniform(out, seed + 11 + 2 * l, -bound, bound));
  }
  return {
    batch, sizes,
    x: seededUniform(batch * sizes[0], seed, -1, 1),
    t: seededUniform(batch * sizes[sizes.length - 1], seed + 1, -1, 1),
    weights, biases,
  };
}

export interface OursMlp {
  /** Parameters in order W1, b1, W2, b2, …; their `.grad` holds the gradients after `step()`. */
  params: Tensor[];
  /**
   * One training-style iteration: clear the gradients (`.grad = null`), forward
   * loss = mean((y − t)²) with y = linear(relu(linear(relu(linear(x, W1, b1)), W2, b2)), W3, b3),
   * then `loss.backward()`. Returns the loss tensor.
   */
  step(): Tensor;
}

export function oursMlp(inp: MlpInputs): OursMlp {
  const { batch, sizes } = inp;
  const x = tensor(inp.x, { shape: [batch, sizes[0]] });
  const t = tensor(inp.t, { shape: [batch, sizes[sizes.length - 1]] });
  const params: Tensor[] = [];
  for (let l = 0; l < inp.weights.length; l++) {
    params.push(tensor(inp.weights[l], { shape: [sizes[l + 1], sizes[l]], requiresGrad: true }));
    params.push(tensor(inp.biases[l], { shape: [sizes[l + 1]], requiresGrad: true }));
  }
  const layers = inp.weights.length;
  return {
    params,
    step() {
      for (const p of params) p.grad = null;
      let h = x;
      for (let l = 0; l < layers; l++) {
        h = linear(h, params[2 * l], params[2 * l + 1]);
        if (l + 1 < layers) h = relu(h);
      }
      const loss = h.sub(t).square().mean();
      loss.backward();
      return loss;
    },
  };
}

// ───────────── 5. one training step: forward, sigmoid-BCE, backward, SGD ─────────────

/** The training-step networks of the bench: a toy MLP, an MNIST-sized one and a wide one. */
export const TRAIN_CASES = [
  { sizes: [2, 16, 16, 1], batch: 32 },
  { sizes: [784, 128, 64, 1], batch: 64 },
  { sizes: [1024, 1024, 1024, 1], batch: 256 },
] as const;

export const TRAIN_LR = 0.01;

/** As mlpInputs, with 0/1 targets for the sigmoid-BCE loss. */
export function trainInputs(batch: number, sizes: readonly number[], seed = 11): MlpInputs {
  const inp = mlpInputs(batch, sizes, seed);
  return { ...inp, t: inp.t.map((v) => (v > 0 ? 1 : 0)) };
}

export interface OursTrain {
  params: Tensor[];
  /** zeroGrad, forward, bceWithLogits (mean), backward, SGD step; returns the loss before the step. */
  step(): number;
}

export function oursTrainStep(inp: MlpInputs, lr = TRAIN_LR): OursTrain {
  const { batch, sizes } = inp;
  const x = tensor(inp.x, { shape: [batch, sizes[0]] });
  const t = tensor(inp.t, { shape: [batch, sizes[sizes.length - 1]] });
  const params: Tensor[] = [];
  inp.weights.forEach((w, l) => {
    params.push(tensor(w, { shape: [sizes[l + 1], sizes[l]], requiresGrad: true }));
    params.push(tensor(inp.biases[l], { shape: [sizes[l + 1]], requiresGrad: true }));
  });
  const opt = new SGD(params, { lr });
  const layers = inp.weights.length;
  return {
    params,
    step() {
      opt.zeroGrad();
      let h = x;
      for (let l = 0; l < layers; l++) {
        h = linear(h, params[2 * l], params[2 * l + 1]);
        if (l + 1 < layers) h = relu(h);
      }
      const loss = bceWithLogits(h, t);
      loss.backward();
      opt.step();
      return loss.item();
    },
  };
}
