import { mkdir } from 'node:fs/promises';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';

/** Where the browser tests leave screenshots of the main pages (git-ignored). */
export const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

/**
 * Headless Chromium as the probe on these machines starts it: a fresh profile, and no
 * background networking (the network here is closed, and its retries would only add noise).
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and page errors (CSP violations show up here). */
  errors: string[];
}

export async function openPage(
  browser: Browser,
  viewport = PHONE,
  options: BrowserContextOptions = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport,
    timezoneId: 'America/Chicago',
    locale: 'en-US',
    ...options,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, context, errors };
}

/**
 * A page as it looks, saved under test/artifacts/. A room is taken as the screen shows it
 * (`fullPage: false`): in a full-page capture its sticky composer is drawn where the first
 * screen ends, leaving a gap that no one sees.
 */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage });
}
