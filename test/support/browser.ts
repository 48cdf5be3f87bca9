import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

/** Debian's chromium package: the tests drive it, never a browser of their own download. */
export const CHROMIUM = '/usr/bin/chromium';

export const HAS_CHROMIUM = fs.existsSync(CHROMIUM);

/** `describe` where Chromium is installed; elsewhere the suite is skipped, saying why in its name. */
export function describeInChromium(name: string, suite: () => void): void {
  if (HAS_CHROMIUM) describe(name, suite);
  else describe.skip(`${name} (skipped: no Chromium at ${CHROMIUM}; install Debian's chromium package)`, suite);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root Chromium refuses to start without --no-sandbox; the rest keeps it from reaching beyond loopback.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * Console errors and uncaught exceptions of a page. A resource answered 401 where the app asks
 * whether anyone is signed in is how that question is answered, not an error of the app.
 */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  const expected = (message: ConsoleMessage) => message.location().url.endsWith('/api/session') && message.text().includes('401');
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected(message)) errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const AXE_SOURCE = fs.readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The serious and critical findings of axe-core on the page as it is. The script is evaluated
 * through the DevTools protocol, which the page's CSP does not govern, so the policy under test stays as served.
 */
export async function seriousAccessibilityFindings(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** True when the page is wider than its viewport, so that it scrolls sideways. */
export async function scrollsHorizontally(page: Page): Promise<boolean> {
  // A string, evaluated in the page: these tests compile without the DOM's types.
  return (await page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth')) === true;
}

/** The text of the element that has the keyboard focus. */
export function focusedText(page: Page): Promise<string | null> {
  return page.evaluate<string | null>('document.activeElement?.textContent ?? null');
}
