/**
 * Headless Chromium for the browser tests: the system's (Debian's `chromium` package,
 * installed by `.ci/run` when missing), driven by playwright-core, which never downloads
 * a browser of its own.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless run on a CI machine: no sandbox (root in a container), no GPU, nothing fetched in the background. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does) or set CHROMIUM_PATH`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** Everything the page logged as an error or threw: a test ends by checking it is empty. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    // A 404 the page asked for and handled (an address that is not suppressed) is logged by Chromium as a resource error.
    if (message.type() === 'error' && !/status of 404/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** The text of the element that has the keyboard focus. (Page code is written as strings: these files are type-checked without the DOM library.) */
export const focused = (page: Page): Promise<string | undefined> => page.evaluate('document.activeElement?.textContent ?? undefined');

/** One computed style property of the element `locator` finds. */
export const styleOf = (locator: Locator, property: string): Promise<string> =>
  locator.evaluate((element: any, name: string) => element.ownerDocument.defaultView.getComputedStyle(element)[name], property);
