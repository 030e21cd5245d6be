/**
 * One preset per lesson (examples/lessons, TEACHING.md's six). Their settings and texts live in the
 * lessons' own notes modules (examples/lessons/notes/), which the lesson scripts print from too.
 */
import { PRESETS, type PlaygroundPreset } from "../../lessons/notes/index.js";

export { PRESETS };
export type { PlaygroundPreset };

/** The buttons preset-1 … preset-6, each with its lesson's number and title. */
export function presetButtons(container: HTMLElement, choose: (p: PlaygroundPreset) => void): void {
  for (const p of PRESETS) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.testid = `preset-${p.lesson}`;
    b.innerHTML = `<b>Lesson ${p.lesson}</b> `;
    b.append(p.title);
    b.title = p.claim;
    b.addEventListener("click", () => choose(p));
    container.append(b);
  }
}

/** The note under the buttons: the lesson's claim, then what to watch and why. */
export function showNote(note: HTMLElement, p: PlaygroundPreset | null): void {
  note.hidden = p === null;
  note.dataset.lesson = p ? String(p.lesson) : "";
  if (!p) return;
  const claim = note.querySelector<HTMLElement>("[data-part=claim]")!;
  const watch = note.querySelector<HTMLElement>("[data-part=watch]")!;
  const title = note.querySelector<HTMLElement>("[data-part=title]")!;
  title.textContent = `Lesson ${p.lesson}: ${p.title}${p.compare ? ` — run B: ${p.compare.label}` : ""}`;
  claim.textContent = p.claim;
  watch.textContent = p.watch;
}
