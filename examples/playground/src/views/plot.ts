/**
 * A tiny line plotter on a canvas, enough for the curves: one x axis (the step), one y axis
 * (linear, or log for losses), a legend in the top-right corner.
 */

export interface Line {
  label: string;
  values: readonly (number | null)[];
  color: string;
  dashed?: boolean;
}

export interface PlotOptions {
  title: string;
  x: readonly number[];
  lines: readonly Line[];
  /** "log" for losses; linear axes may fix their range (e.g. [0, 1] for a fraction). */
  scale?: "linear" | "log";
  range?: [number, number];
  /** y-tick label from a value. */
  tick?: (v: number) => string;
  /** Text drawn in the middle when there is nothing to plot yet. */
  empty?: string;
}

const PAD = { left: 44, right: 8, top: 20, bottom: 18 };

/** Size the canvas's backing store to its CSS size × devicePixelRatio; returns the context and CSS size. */
export function prepare(canvas: HTMLCanvasElement): { g: CanvasRenderingContext2D; w: number; h: number } {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const g = canvas.getContext("2d")!;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, w, h);
  return { g, w, h };
}

export function plot(canvas: HTMLCanvasElement, o: PlotOptions): void {
  const { g, w, h } = prepare(canvas);
  g.font = "12px system-ui, sans-serif";
  g.fillStyle = "#222";
  g.textBaseline = "alphabetic";
  g.fillText(o.title, PAD.left, 13);

  const log = o.scale === "log";
  const finite = o.lines.flatMap((l) => l.values.filter((v): v is number => v !== null && Number.isFinite(v) && (!log || v > 0)));
  if (o.x.length < 1 || finite.length === 0) {
    g.fillStyle = "#888";
    g.textAlign = "center";
    g.fillText(o.empty ?? "press Train", w / 2, h / 2);
    g.textAlign = "start";
    return;
  }
  let [lo, hi] = o.range ?? [Math.min(...finite), Math.max(...finite)];
  if (log) {
    lo = 10 ** Math.floor(Math.log10(lo));
    hi = 10 ** Math.ceil(Math.log10(hi));
  } else if (!o.range) {
    lo = Math.min(0, lo);
    hi = hi > lo ? hi * 1.05 : lo + 1;
  }
  if (hi <= lo) hi = lo * 10 || 1;
  const x0 = o.x[0], x1 = Math.max(o.x[o.x.length - 1], x0 + 1);
  const px = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (w - PAD.left - PAD.right);
  const t = (v: number) => (log ? Math.log10(v) : v);
  const py = (v: number) => h - PAD.bottom - ((t(v) - t(lo)) / (t(hi) - t(lo))) * (h - PAD.top - PAD.bottom);

  // axes and ticks
  g.strokeStyle = "#ccc";
  g.lineWidth = 1;
  g.fillStyle = "#666";
  g.font = "10px system-ui, sans-serif";
  const ticks = log
    ? Array.from({ length: Math.round(Math.log10(hi / lo)) + 1 }, (_, i) => lo * 10 ** i).filter((_, i, a) => a.length <= 6 || i % 2 === 0)
    : [lo, (lo + hi) / 2, hi];
  for (const v of ticks) {
    const y = Math.round(py(v)) + 0.5;
    g.beginPath();
    g.moveTo(PAD.left, y);
    g.lineTo(w - PAD.right, y);
    g.stroke();
    g.textAlign = "right";
    g.fillText((o.tick ?? defaultTick(log))(v), PAD.left - 4, y + 3);
  }
  g.textAlign = "left";
  g.fillText(`step ${Math.round(x0)}`, PAD.left, h - 4);
  g.textAlign = "right";
  g.fillText(String(Math.round(x1)), w - PAD.right, h - 4);

  // the lines
  g.save();
  g.beginPath();
  g.rect(PAD.left, PAD.top - 2, w - PAD.left - PAD.right, h - PAD.top - PAD.bottom + 4);
  g.clip();
  for (const l of o.lines) {
    g.strokeStyle = l.color;
    g.lineWidth = 1.8;
    g.setLineDash(l.dashed ? [5, 3] : []);
    g.beginPath();
    let pen = false;
    l.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v) || (log && v <= 0)) { pen = false; return; }
      const X = px(o.x[i]), Y = py(Math.min(Math.max(v, lo), hi));
      if (pen) g.lineTo(X, Y); else g.moveTo(X, Y);
      pen = true;
    });
    g.stroke();
  }
  g.restore();
  g.setLineDash([]);

  // legend, top right
  g.font = "11px system-ui, sans-serif";
  g.textAlign = "right";
  let lx = w - PAD.right;
  for (const l of [...o.lines].reverse()) {
    const text = l.label;
    g.fillStyle = "#333";
    g.fillText(text, lx, 13);
    lx -= g.measureText(text).width + 4;
    g.strokeStyle = l.color;
    g.lineWidth = 2;
    g.setLineDash(l.dashed ? [4, 2] : []);
    g.beginPath();
    g.moveTo(lx - 14, 9);
    g.lineTo(lx, 9);
    g.stroke();
    lx -= 24;
  }
  g.setLineDash([]);
  g.textAlign = "start";
}

const defaultTick = (log: boolean) => (v: number): string => (log ? (v >= 1 ? String(v) : v.toExponential(0)) : String(+v.toPrecision(3)));

/** Distinct colours for per-layer curves. */
export const PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d"];
