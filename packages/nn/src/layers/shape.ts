/**
 * Layers that only pass values on: Flatten (a reshape) and Identity.
 */
import { quote, reshape, Tensor } from "@backprop/core";
import { Module } from "../module.js";

/**
 * Merge dimensions startDim … endDim (both inclusive; negative counts from the end) into one, as
 * PyTorch's nn.Flatten: the defaults (1, −1) turn [N, C, L] into [N, C·L] and keep the batch axis.
 * A reshape: the values are not copied or changed, and the gradient is reshaped back.
 */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    for (const [name, v] of [["startDim", startDim], ["endDim", endDim]] as const) {
      if (!Number.isInteger(v)) throw new Error(`Flatten: ${name} must be an integer, got ${quote(v)}`);
    }
    if (startDim >= 0 && endDim >= 0 && startDim > endDim) {
      throw new Error(`Flatten: startDim (${startDim}) must not come after endDim (${endDim})`);
    }
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }

  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new Error(`Flatten: expected a Tensor, got ${quote(x)}`);
    // As PyTorch, a 0-d tensor counts as having one dimension: it flattens to shape [1].
    const rank = Math.max(x.ndim, 1);
    const axis = (name: string, d: number): number => {
      if (d < -rank || d >= rank) {
        throw new Error(`Flatten(start_dim=${this.startDim}, end_dim=${this.endDim}): ${name} ${d} is out of range for an input of shape [${x.shape.join(", ")}] (${x.ndim} dimensions)`);
      }
      return d < 0 ? d + rank : d;
    };
    const start = axis("startDim", this.startDim), end = axis("endDim", this.endDim);
    if (start > end) {
      throw new Error(`Flatten(start_dim=${this.startDim}, end_dim=${this.endDim}): startDim (dimension ${start}) comes after endDim (dimension ${end}) for an input of shape [${x.shape.join(", ")}]`);
    }
    if (x.ndim === 0) return reshape(x, [1]);
    const merged = x.shape.slice(start, end + 1).reduce((p, d) => p * d, 1);
    return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
  }
}

/** Returns its input unchanged (the same tensor): a placeholder where a layer is optional. */
export class Identity extends Module {
  forward<T>(x: T): T {
    return x;
  }
}
