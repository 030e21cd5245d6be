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
  | "sigmoid" | "tanh" | "relu" | "log1pExp"
  | "leakyRelu"  // p = slope
  | "softplus"   // p = beta, q = threshold
  | "clamp"      // p = min, q = max (±Infinity when absent)
  | "step"       // 1 where x > 0 (p = 0) or x ≥ 0 (p = 1), else 0: the ReLU derivative
  | "leakyStep"  // as step, but q (the slope) instead of 0 on the negative side
  | "inRange"    // 1 where p ≤ x ≤ q, else 0: the clamp derivative
  | "scale";     // x·p

export type ReduceKernel = "sum" | "max" | "min" | "argmax" | "argmin";
