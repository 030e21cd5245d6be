/**
 * Marking a tensor as changed in place. Every tensor carries a version counter that in-place writes
 * bump; backward compares the versions of the tensors an op saved with those seen at forward time,
 * and throws if they differ (a stale value would give a silently wrong gradient). Code that writes
 * into `tensor.data` directly (an optimizer's update, say) calls this, as `copy_` and `fill_` do.
 */
import type { Tensor } from "../tensor.js";

/** Count one in-place modification of each tensor (PyTorch's torch.autograd.graph.increment_version). */
export function incrementVersion(...tensors: Tensor[]): void {
  for (const t of tensors) t._bumpVersion();
}
