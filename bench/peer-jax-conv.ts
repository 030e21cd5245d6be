/**
 * The jax-js side of the convolution workloads (see peer-jax.ts for how jax-js is loaded, and its
 * ownership and laziness rules). Written as a jax-js user writes them: NCHW images and OIHW
 * kernels (lax.convGeneralDilated's own layout, which is ours too), max-pooling by
 * lax.reduceWindow with np.max (flax's max_pool), the loss's value and gradients by valueAndGrad,
 * everything inside one jit-compiled function.
 */
import type { Array as JArray } from "@jax-js/jax";
import { LENET_CLASSES, oneHot, type ConvGrads, type ConvInputs, type LenetInputs } from "./conv-workloads.js";
import type { Jax } from "./peer-jax.js";
import { transposed } from "./workloads.js";

type LenetParams = JArray[];

export interface JaxLenetWork {
  /** One step, reading the loss (as our step does; it also forces the previous steps). */
  run(): void;
  /** One step; the loss before it and the parameters after it, in OUR layout. */
  result(): { loss: number; params: Float32Array[] };
  dispose(): void;
}

/**
 * One LeNet-5 SGD step. Dense kernels are [in, out] (flax's layout); our [out, in] weights are
 * transposed once on the way in and back on the way out.
 */
export function jaxLenetStep(jax: Jax, inp: LenetInputs, lr: number): JaxLenetWork {
  const { numpy: np, nn, lax, jit, valueAndGrad, tree } = jax;
  const dense = (i: number) => i >= 4 && i % 2 === 0; // fc1.w, fc2.w, fc3.w
  let params: LenetParams = inp.params.map((p, i) => dense(i)
    ? np.array(transposed(p.data, p.shape[0], p.shape[1]), { shape: [p.shape[1], p.shape[0]] })
    : np.array(Float32Array.from(p.data), { shape: p.shape }));
  const x = np.array(Float32Array.from(inp.x), { shape: [inp.batch, 1, 28, 28] });
  const t = np.array(oneHot(inp.labels), { shape: [inp.batch, LENET_CLASSES] });

  const convRelu = (h: JArray, w: JArray, b: JArray, pad: number) =>
    nn.relu(lax.convGeneralDilated(h, w, [1, 1], [[pad, pad], [pad, pad]]).add(b.reshape([-1, 1, 1])));
  const pool = (h: JArray) => lax.reduceWindow(h, (win: JArray) => np.max(win), [2, 2], [2, 2]);
  const loss = (ps: LenetParams, xb: JArray, tb: JArray): JArray => {
    const [c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b] = ps;
    let h = pool(convRelu(xb, c1w, c1b, 2));     // [B, 6, 14, 14]
    h = pool(convRelu(h, c2w, c2b, 0));          // [B, 16, 5, 5]
    h = h.reshape([inp.batch, 400]);
    h = nn.relu(np.matmul(h, f1w).add(f1b));
    h = nn.relu(np.matmul(h, f2w).add(f2b));
    const logits = np.matmul(h, f3w).add(f3b);
    return np.mean(np.sum(nn.logSoftmax(logits, -1).mul(tb), -1)).mul(-1);
  };
  const step = jit((ps: LenetParams, xb: JArray, tb: JArray): [JArray, LenetParams] => {
    const [value, grads] = valueAndGrad(loss)(tree.ref(ps), xb, tb) as [JArray, LenetParams];
    return [value, tree.map((p: JArray, g: JArray) => p.sub(g.mul(lr)), ps, grads) as LenetParams];
  });
  const once = (): number => {
    const [value, next] = step(params, x.ref, t.ref); // consumes the old parameters
    params = next;
    return value.item();
  };
  return {
    run() { once(); },
    result() {
      const loss = once();
      return {
        loss,
        params: params.map((p, i) => {
          const v = p.ref.dataSync() as Float32Array;
          const s = inp.params[i].shape;
          return dense(i) ? transposed(v, s[1], s[0]) : Float32Array.from(v);
        }),
      };
    },
    dispose() { tree.dispose(params); x.dispose(); t.dispose(); step.dispose(); },
  };
}

export interface JaxConvWork {
  /** Forward and the three gradients; resolves when all four are computed (nothing copied out). */
  run(): Promise<void>;
  result(): ConvGrads;
  dispose(): void;
}

/** loss = Σ (conv(x, W) + b)·G, and its gradients w.r.t. x, W and b by valueAndGrad (argnums 0–2). */
export function jaxConvLayer(jax: Jax, inp: ConvInputs): JaxConvWork {
  const { numpy: np, lax, jit, valueAndGrad } = jax;
  const { n, c, h, w, out, k, pad } = inp;
  const x = np.array(Float32Array.from(inp.x), { shape: [n, c, h, w] });
  const wt = np.array(Float32Array.from(inp.weight), { shape: [out, c, k, k] });
  const b = np.array(Float32Array.from(inp.bias), { shape: [out] });
  const g = np.array(Float32Array.from(inp.g), { shape: [n, out, h, w] });
  const loss = (xv: JArray, wv: JArray, bv: JArray, gv: JArray): JArray =>
    np.sum(lax.convGeneralDilated(xv, wv, [1, 1], [[pad, pad], [pad, pad]]).add(bv.reshape([-1, 1, 1])).mul(gv));
  const f = jit((xv: JArray, wv: JArray, bv: JArray, gv: JArray) =>
    valueAndGrad(loss, { argnums: [0, 1, 2] })(xv, wv, bv, gv) as [JArray, [JArray, JArray, JArray]]);
  const call = () => f(x.ref, wt.ref, b.ref, g.ref);
  return {
    async run() {
      const [v, grads] = call();
      await Promise.all([v, ...grads].map((a) => a.blockUntilReady()));
      v.dispose();
      for (const a of grads) a.dispose();
    },
    result() {
      const [v, [dx, dw, db]] = call();
      return {
        loss: v.item(),
        dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array, db: db.dataSync() as Float32Array,
      };
    },
    dispose() { x.dispose(); wt.dispose(); b.dispose(); g.dispose(); f.dispose(); },
  };
}
