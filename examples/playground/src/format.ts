/**
 * The read-outs' text formats, fixed in shared/API.md ("Playground hooks"): tests and people read them.
 */

/** status-step: an integer, no separators. */
export const formatStep = (step: number): string => String(Math.round(step));

/** status-loss, status-loss-b: a decimal with four places ("0.0123"); "NaN" once training blew up. */
export const formatLoss = (loss: number): string => (Number.isFinite(loss) ? loss.toFixed(4) : String(loss));

/** status-train-acc, status-test-acc, status-dead: a percentage with one decimal ("97.5%"). */
export const formatPercent = (fraction: number): string => `${(100 * fraction).toFixed(1)}%`;

/** backendInfo() as one line: "wasm · 1 thread", "wasm · 2 threads · fma", plus the note if any. */
export function formatBackend(info: { backend: string; threads: number; fma: boolean; note: string }): string {
  const parts = [info.backend, `${info.threads} thread${info.threads === 1 ? "" : "s"}`];
  if (info.fma) parts.push("fma");
  return parts.join(" · ") + (info.note ? ` (${info.note})` : "");
}
