/**
 * Training progress: a live bar with the current loss in a terminal, a few plain lines when the
 * output is a file or a CI log (no escape codes there), nothing at all with --quiet.
 */
import cliProgress from "cli-progress";

export interface Progress {
  update(step: number, loss: number): void;
  stop(): void;
}

export type ProgressMode = "bar" | "lines" | "none";

/** The mode that suits this stream: a bar only on a terminal. */
export function progressMode(quiet: boolean, stream: NodeJS.WriteStream = process.stdout): ProgressMode {
  if (quiet) return "none";
  return stream.isTTY ? "bar" : "lines";
}

export function createProgress(total: number, mode: ProgressMode, stream: NodeJS.WriteStream = process.stdout): Progress {
  if (mode === "none") return { update() {}, stop() {} };
  if (mode === "lines") return lineProgress(total, stream);

  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "  training |{bar}| {percentage}% | step {value}/{total} | loss {loss} | {duration_formatted}",
      hideCursor: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { loss: "…" });
  return {
    update: (step, loss) => bar.update(step, { loss: loss.toFixed(4) }),
    stop: () => bar.stop(),
  };
}

/** Five lines: at the first step and at each quarter. */
function lineProgress(total: number, stream: NodeJS.WriteStream): Progress {
  const marks = new Set([1, ...[0.25, 0.5, 0.75, 1].map((f) => Math.max(1, Math.round(f * total)))]);
  const digits = String(total).length;
  return {
    update(step, loss) {
      if (marks.has(step)) stream.write(`  step ${String(step).padStart(digits)}/${total}  loss ${loss.toFixed(4)}\n`);
    },
    stop() {},
  };
}
