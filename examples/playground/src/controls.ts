/**
 * The form: every control is an element of index.html named after its setting (`name="lr"`), with
 * the data-testid of shared/API.md. Reading the form gives Settings; writing it shows a preset.
 */
import { DEFAULTS, type Settings } from "./settings.js";

type Field = HTMLInputElement | HTMLSelectElement;

const KEYS = Object.keys(DEFAULTS) as (keyof Settings)[];

function field(form: HTMLFormElement, key: keyof Settings): Field {
  const el = form.elements.namedItem(key);
  if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) throw new Error(`the form has no control named ${key}`);
  return el;
}

/** The settings the form shows. Unreadable numbers fall back to the defaults (the inputs' own checks flag them). */
export function readSettings(form: HTMLFormElement): Settings {
  const s = { ...DEFAULTS } as Record<keyof Settings, unknown>;
  for (const key of KEYS) {
    const el = field(form, key);
    const fallback = DEFAULTS[key];
    if (el instanceof HTMLInputElement && el.type === "checkbox") s[key] = el.checked;
    else if (key === "outputBias") s[key] = el.value.trim() === "" ? null : Number(el.value);
    else if (typeof fallback === "number") {
      const v = Number(el.value);
      s[key] = el.value.trim() !== "" && Number.isFinite(v) ? v : fallback;
    } else s[key] = el.value;
  }
  return s as Settings;
}

export function writeSettings(form: HTMLFormElement, s: Settings): void {
  for (const key of KEYS) {
    const el = field(form, key);
    const v = s[key];
    if (el instanceof HTMLInputElement && el.type === "checkbox") el.checked = Boolean(v);
    else el.value = v === null ? "" : String(v);
  }
  showRelevant(form);
}

/**
 * Dim β unless the activation is softplus, and relu′(0) unless it is ReLU or LeakyReLU: there they
 * change nothing (ELU follows the same setting, but with α = 1 it has no kink at 0; hardtanh's and
 * ReLU6's bounds have their own rule). (Dimmed, not hidden: every control stays usable, as the test
 * hooks promise.)
 */
export function showRelevant(form: HTMLFormElement): void {
  const act = field(form, "activation").value;
  const dim = (key: keyof Settings, off: boolean) => field(form, key).closest("label")!.classList.toggle("inactive", off);
  dim("beta", act !== "softplus");
  dim("reluAtZero", act !== "relu" && act !== "leakyRelu");
}
