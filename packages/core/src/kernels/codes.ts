/**
 * The names of the elementwise loops a backend must provide. Ops refer to loops by these names;
 * a backend maps each name to a tight loop. Nothing here knows about graphs or tensors.
 */
export type BinaryKernel =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum"
  | "gt" | "ge" | "lt" | "le" | "eq";

/** Unary loops; `p`/`q` are their numeric parameters where they have any. */
export type UnaryKernel =
  | "neg" | "exp" | "log" | "sqrt" | "abs" | "square" | "sign"
  | "sigmoid" | "tanh" | "relu"
  | "leakyRelu"  // p = slope
  | "softplus"   // p = beta, q = threshold
  | "clamp"      // p = min, q = max (±Infinity when absent); also hardtanh and relu6
  | "erf"
  | "elu"        // p = alpha
  | "gelu"       // x·Φ(x), exact (with erfc)
  | "geluTanh"   // PyTorch's tanh approximation of gelu
  | "silu"       // x·σ(x)
  | "sin" | "cos"
  // The derivatives of relu and leakyRelu: 1 where x > 0, 0 (step) or q, the slope (leakyStep),
  // where x < 0 or NaN. At x = ±0 the kernel decides nothing: the op passes p, the share of the
  // right-hand slope (autograd/kinks.ts chooses it), and gets p·1 + (1 − p)·(left slope):
  // p = 0 is the left derivative, p = 1 the right one.
  | "step"
  | "leakyStep"
  | "inRange"    // 1 where p ≤ x ≤ q, else 0: the clamp derivative
  | "scale";     // x·p

export type ReduceKernel = "sum" | "max" | "min" | "argmax" | "argmin";
