/**
 * The decision boundary: the network's P(class 1) over the plane as a heatmap (blue for class 0,
 * orange for class 1, white at 0.5), the training points as filled dots and the test points as
 * rings, and the example being traced circled. It counts its redraws on the canvas itself
 * (data-frames, data-redraws-per-second) for the smoothness test.
 */
import type { Points } from "../protocol.js";
import { prepare } from "./plot.js";

export const CLASS_COLOR = ["#2166ac", "#e66101"] as const;
const LIGHT: [number, number, number][] = [[146, 197, 222], [253, 184, 99]]; // the heatmap's two ends

export class BoundaryView {
  private points: Points | null = null;
  private grid: Float32Array | null = null;
  private gridSize = 0;
  private readonly cells = document.createElement("canvas");
  private frames = 0;
  private readonly times: number[] = [];
  /** The training example circled (the one the graph and the walkthrough show), or -1. */
  selected = -1;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Redraws over the last second. */
  get redrawsPerSecond(): number {
    return this.times.length;
  }

  setPoints(p: Points): void {
    this.points = p;
    this.grid = null;
    this.draw();
  }

  setGrid(grid: Float32Array, size: number): void {
    this.grid = grid;
    this.gridSize = size;
    this.draw();
  }

  /** The training point nearest to a click (CSS pixels), or -1. */
  nearestTrainPoint(cssX: number, cssY: number): number {
    const p = this.points;
    if (!p) return -1;
    const { toX, toY } = this.scales();
    let best = -1, bestD = Infinity;
    for (let i = 0; i < p.trainLabels.length; i++) {
      const d = (toX(p.trainPoints[2 * i]) - cssX) ** 2 + (toY(p.trainPoints[2 * i + 1]) - cssY) ** 2;
      if (d < bestD) { bestD = d; best = i; }
    }
    return best;
  }

  private scales() {
    const [x0, x1, y0, y1] = this.points!.bounds;
    const w = this.canvas.clientWidth, h = this.canvas.clientHeight;
    return { toX: (x: number) => ((x - x0) / (x1 - x0)) * w, toY: (y: number) => ((y1 - y) / (y1 - y0)) * h };
  }

  draw(): void {
    const { g, w, h } = prepare(this.canvas);
    if (this.grid && this.gridSize > 0) {
      g.imageSmoothingEnabled = true;
      g.drawImage(this.heatmap(this.grid, this.gridSize), 0, 0, w, h);
    } else {
      g.fillStyle = "#f4f4f4";
      g.fillRect(0, 0, w, h);
    }
    if (this.points) this.drawPoints(g);
    this.count();
  }

  /** One pixel per grid cell; the canvas scales it up smoothly. */
  private heatmap(grid: Float32Array, size: number): HTMLCanvasElement {
    const c = this.cells;
    if (c.width !== size) { c.width = size; c.height = size; }
    const cg = c.getContext("2d")!;
    const img = cg.createImageData(size, size);
    for (let k = 0; k < size * size; k++) {
      const p = grid[k];
      // white at 0.5, deepening towards the class colour at 0 and 1
      const [end, amount] = p < 0.5 ? [LIGHT[0], 1 - 2 * p] : [LIGHT[1], 2 * p - 1];
      const a = Number.isFinite(amount) ? amount : 0;
      img.data[4 * k] = 255 + (end[0] - 255) * a;
      img.data[4 * k + 1] = 255 + (end[1] - 255) * a;
      img.data[4 * k + 2] = 255 + (end[2] - 255) * a;
      img.data[4 * k + 3] = 255;
    }
    cg.putImageData(img, 0, 0);
    return c;
  }

  private drawPoints(g: CanvasRenderingContext2D): void {
    const p = this.points!;
    const { toX, toY } = this.scales();
    const n = p.trainLabels.length + p.testLabels.length;
    const r = (n > 1500 ? 2.5 : 3.5) * Math.min(1, Math.max(0.5, this.canvas.clientWidth / 400)); // smaller on a small canvas
    g.lineWidth = 1;
    for (let i = 0; i < p.trainLabels.length; i++) {
      g.beginPath();
      g.arc(toX(p.trainPoints[2 * i]), toY(p.trainPoints[2 * i + 1]), r, 0, 2 * Math.PI);
      g.fillStyle = CLASS_COLOR[p.trainLabels[i]];
      g.fill();
      g.strokeStyle = "white";
      g.stroke();
    }
    g.lineWidth = 2;
    for (let i = 0; i < p.testLabels.length; i++) {
      g.beginPath();
      g.arc(toX(p.testPoints[2 * i]), toY(p.testPoints[2 * i + 1]), r + 0.5, 0, 2 * Math.PI);
      g.fillStyle = "white";
      g.fill();
      g.strokeStyle = CLASS_COLOR[p.testLabels[i]];
      g.stroke();
    }
    if (this.selected >= 0 && this.selected < p.trainLabels.length) {
      g.beginPath();
      g.arc(toX(p.trainPoints[2 * this.selected]), toY(p.trainPoints[2 * this.selected + 1]), r + 5, 0, 2 * Math.PI);
      g.strokeStyle = "#111";
      g.lineWidth = 2.5;
      g.stroke();
    }
  }

  /** Redraws in total and over the last second, as data attributes a test can read. */
  private count(): void {
    const now = performance.now();
    this.frames++;
    this.times.push(now);
    while (this.times.length && now - this.times[0] > 1000) this.times.shift();
    this.canvas.dataset.frames = String(this.frames);
    this.canvas.dataset.redrawsPerSecond = String(this.times.length);
  }
}
