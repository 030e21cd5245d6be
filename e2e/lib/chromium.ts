/**
 * Real Chromium for the browser tests: Debian's `chromium` package driven by playwright-core
 * (Playwright's own browser download cannot run here, so it is never used).
 *
 * Where Chromium is missing, the browser tests are skipped and the run's summary says so loudly
 * (see skip-reporter.ts); under CI=true a missing Chromium is a failure instead.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type ConsoleMessage, type Page } from "playwright-core";

/** The browser binary: $BACKPROP_CHROMIUM, else Debian's /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env.BACKPROP_CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here, or "" when Chromium is installed. */
export function chromiumMissing(): string {
  return existsSync(CHROMIUM_PATH)
    ? ""
    : `Chromium not found at ${CHROMIUM_PATH} (install it with: apt-get install -y chromium, or set BACKPROP_CHROMIUM)`;
}

// Headless, as root, on a machine with no network: without the background-networking flags
// Chromium keeps trying (and failing) to reach its own services.
const FLAGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}

/** A new page that records every console error and uncaught exception into `errors`. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on("console", (m: ConsoleMessage) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  await page.goto(url);
  return { page, errors };
}
