/**
 * The backward pass of the traced example, one step per press: the text is core's formatBackward
 * (the same as `pnpm walkthrough` prints: each input's rule in the tensors' names, with the numbers
 * put in where they are single numbers, and the result), shown block by block. The container's
 * data-trace holds traceBackward's steps as numbers; data-state, data-example and data-settings say
 * which network and which example they belong to.
 */
import type { Trace } from "../protocol.js";

export class WalkthroughView {
  private trace: Trace | null = null;
  /** Steps shown so far (0: only the header). */
  private shown = 0;

  constructor(private readonly container: HTMLElement, private readonly caption: HTMLElement) {}

  show(trace: Trace): void {
    this.trace = trace;
    this.shown = 0;
    const c = this.container;
    c.dataset.trace = JSON.stringify(trace.steps);
    c.dataset.state = JSON.stringify(trace.state);
    c.dataset.example = JSON.stringify({ index: trace.example, point: trace.point, input: trace.input, target: trace.target, step: trace.step });
    c.dataset.settings = JSON.stringify(trace.settings);
    this.render();
  }

  /** Show one more step; false when every step is already shown. */
  next(): boolean {
    if (!this.trace || this.shown >= this.trace.steps.length) return false;
    this.shown++;
    this.render();
    return true;
  }

  all(): void {
    if (!this.trace) return;
    this.shown = this.trace.steps.length;
    this.render();
  }

  private render(): void {
    const t = this.trace!;
    const n = t.steps.length;
    // blocks: [header, step 1, …, step n, summary]; the summary comes with the last step
    const visible = t.blocks.slice(0, 1 + this.shown + (this.shown === n ? 1 : 0));
    const pre = document.createElement("pre");
    visible.forEach((block, i) => {
      if (i) pre.append("\n\n");
      const part = document.createElement("span");
      part.textContent = block;
      if (i === this.shown && this.shown > 0) part.className = "current";
      pre.append(part);
    });
    this.container.replaceChildren(pre);
    this.container.dataset.shown = String(this.shown);
    const [x, y] = t.point;
    this.caption.textContent =
      `Training example #${t.example} at (${x.toFixed(2)}, ${y.toFixed(2)}), class ${t.target}, through the network of step ${t.step}: ` +
      (this.shown < n ? `step ${this.shown} of ${n} shown — press “Next step”.` : `all ${n} steps shown.`);
    this.container.scrollTop = this.container.scrollHeight; // the newest step in view
  }
}
