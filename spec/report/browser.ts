// Headless Chromium for the report specs, driven by playwright-core. The
// browser is the machine's own (Debian's `chromium`; .ci/run installs it when
// missing): a spec that needs it fails when it is absent, it never skips.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface Opened {
  readonly page: Page;
  /** Everything the page said on its console, and every uncaught error and failed request. */
  readonly problems: string[];
  readonly messages: string[];
  close(): Promise<void>;
}

/** Opens an HTML file in a fresh browser with a fresh profile. */
export async function openPage(file: string): Promise<Opened> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "peppa-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  } catch (error) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = await context.newPage();
  const problems: string[] = [];
  const messages: string[] = [];
  page.on("console", (m) => {
    messages.push(`${m.type()}: ${m.text()}`);
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return {
    page,
    problems,
    messages,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
