import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { PROJECT_ROOT, type DatabaseKind } from './databases';
import { listOf, startJsonRepository, type JsonRepository } from './json-repository';
import { registerUpstreamApp } from './pipeline-runs';
import { startTestServer, type TestServer } from './test-server';

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

export const WEB_DIST = path.join(PROJECT_ROOT, 'web', 'dist');

/** What a browser suite works with; its fields are set by the suite's hooks, before each test. */
export interface BrowserSuite {
  baton: TestServer;
  /** The fake repository `upstream`, holding `app`. */
  upstream: JsonRepository;
  /** The package `app`, polled once. */
  packageId: string;
  viewerToken: string;
  browser: Browser;
  /** A fresh page for each test, 1024 × 800, in a context of its own (no cookie carried over). */
  page: Page;
  /** The page's console errors and uncaught exceptions. */
  errors: string[];
  /** Opens `path` (the dashboard by default), signs in with `token` there, and waits until signed in. */
  signIn(token: string, path?: string): Promise<void>;
}

interface BrowserSuiteOptions {
  /** The versions of `app` the fake repository offers first. */
  versions: string[];
  /** Anything more to set up once the package has been polled, before Chromium starts. */
  prepare?: (suite: BrowserSuite) => Promise<void>;
}

/**
 * Registers the hooks every browser suite needs on one kind of database: a fake repository on
 * loopback, Baton serving the built UI (no local agent), the package `app` polled once, a viewer
 * token, Chromium, and a fresh context per test.
 */
export function useBrowserSuite(kind: DatabaseKind, { versions, prepare }: BrowserSuiteOptions): BrowserSuite {
  const suite = { errors: [] as string[] } as unknown as BrowserSuite;
  let context: BrowserContext | undefined;
  suite.signIn = async (token, at = '/') => {
    await suite.page.goto(`${suite.baton.url}${at}`);
    await suite.page.getByLabel('API token').fill(token);
    await suite.page.getByRole('button', { name: 'Sign in' }).click();
    await suite.page.getByRole('button', { name: 'Sign out' }).waitFor();
  };

  beforeAll(async () => {
    if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error(`the web UI is not built (no ${WEB_DIST}): run npm run build first`);
    suite.upstream = await startJsonRepository(listOf('app', ...versions));
    suite.baton = await startTestServer(kind, { env: { BATON_LOCAL_AGENT: 'false', BATON_WEB_DIR: WEB_DIST } });
    suite.packageId = await registerUpstreamApp(suite.baton.api, suite.upstream.url);
    await suite.baton.api.post(`/api/packages/${suite.packageId}/poll?wait=120`);
    suite.viewerToken = (await suite.baton.api.post('/api/tokens', { name: 'onlooker', role: 'viewer' })).body.token;
    await prepare?.(suite);
    suite.browser = await launchChromium();
  });

  afterAll(async () => {
    await suite.browser?.close();
    await suite.baton?.destroy();
    await suite.upstream?.close();
  });

  beforeEach(async () => {
    context = await suite.browser.newContext({ viewport: { width: 1024, height: 800 } });
    // Waits bound a hang, not a speed: a busy machine may take longer than the default 30 s.
    context.setDefaultTimeout(60_000);
    suite.page = await context.newPage();
    suite.errors = consoleErrors(suite.page);
  });

  afterEach(async () => {
    await context?.close();
  });
  return suite;
}
