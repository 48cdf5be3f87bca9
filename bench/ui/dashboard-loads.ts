import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium package, as the browser tests use it: no browser download. */
export const CHROMIUM = '/usr/bin/chromium';
const LOAD_TIMEOUT_MS = 120_000;

/** One timed load of the dashboard, in milliseconds since navigation started. */
export interface DashboardLoad {
  /** Every pipeline and its run rows in the page. */
  renderedMs: number;
  /** The one GET /api/dashboard: when it was sent, and when its answer had arrived. */
  requestStartMs: number;
  responseEndMs: number;
}

/**
 * Signs in once, then loads `/` `rounds` times, each until `pipelines` pipelines and `runRows` run
 * rows are in the document. Times are the page's own clock (navigation start is 0), read at the
 * first animation frame the condition holds.
 */
export async function timeDashboardLoads(
  url: string,
  token: string,
  expected: { pipelines: number; runRows: number },
  rounds: number,
): Promise<DashboardLoad[]> {
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${url}/`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const loads: DashboardLoad[] = [];
    for (let round = 0; round < rounds; round += 1) loads.push(await timedLoad(page, url, expected));
    return loads;
  } finally {
    await browser.close();
  }
}

function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root Chromium refuses to start without --no-sandbox; the rest keeps it from reaching beyond loopback.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

async function timedLoad(page: Page, url: string, expected: { pipelines: number; runRows: number }): Promise<DashboardLoad> {
  await page.goto(`${url}/`, { waitUntil: 'commit' });
  // A function, not a string, which the page's CSP would refuse to evaluate; typed without the DOM's types.
  const rendered = await page.waitForFunction(
    ({ pipelines, runRows }) => {
      const { document } = globalThis as unknown as { document: { querySelectorAll(selector: string): { length: number } } };
      const done = document.querySelectorAll('section.pipeline').length === pipelines && document.querySelectorAll('li.run').length === runRows;
      return done ? performance.now() : 0;
    },
    expected,
    { polling: 'raf', timeout: LOAD_TIMEOUT_MS },
  );
  const renderedMs = Number(await rendered.jsonValue());
  const request = await page.evaluate<{ start: number; end: number }[]>(
    "performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname === '/api/dashboard').map((e) => ({ start: e.startTime, end: e.responseEnd }))",
  );
  if (request.length !== 1) throw new Error(`the dashboard made ${request.length} requests to /api/dashboard, not one`);
  return { renderedMs, requestStartMs: request[0].start, responseEndMs: request[0].end };
}
