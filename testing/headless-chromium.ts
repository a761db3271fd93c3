// Debian's Chromium (/usr/bin/chromium), headless, driven by playwright-core — never a downloaded
// browser: a fresh profile directory per launch, no network of its own (no updates, sync, QUIC or
// background requests), no sandbox (tests run as root in CI). For checking what a person would see
// of an SVG or an HTML report, taking screenshots and printing PDFs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env['AGENT_GOVERNOR_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface HeadlessChromium {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<HeadlessChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'agent-governor-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The text of every `<text>` element of the SVG shown on the page, in document order. */
export async function svgTexts(page: Page): Promise<string[]> {
  return page.$$eval('svg text', (nodes) => nodes.map((n) => n.textContent ?? ''));
}
