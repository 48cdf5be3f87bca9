import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { BatonApi } from './baton-api';
import { createValueStream } from './value-stream';
import { YumRepository } from './yum-repository';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const OUT = path.join(ROOT, 'docs', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
// Wide enough for the value stream's five levels side by side.
const VIEWPORT = { width: 1280, height: 800 };

/**
 * `npm run screenshots`: Baton on a fresh embedded database, a yum repository on loopback, a small
 * value stream with some history, and PNGs of the dashboard, the promotion board and the value
 * stream, taken in Chromium, written to docs/screenshots/.
 */
async function main(): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-screenshots-'));
  const token = `screenshots-${randomBytes(16).toString('hex')}`;
  const repository = await YumRepository.start('scrt', []);
  let baton: ChildProcess | undefined;
  try {
    const started = await startBaton(work, token);
    baton = started.child;
    const api = new BatonApi(started.url, token);
    const { packageId, managerToken } = await createValueStream(api, repository);
    // As the release manager, who may sign off: the pages show the Approve and Promote buttons.
    await shoot(started.url, managerToken, packageId);
  } finally {
    if (baton !== undefined && baton.exitCode === null) {
      const exited = new Promise((resolve) => baton!.once('exit', resolve));
      baton.kill('SIGTERM');
      await exited;
    }
    await repository.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function startBaton(work: string, token: string): Promise<{ child: ChildProcess; url: string }> {
  const log = path.join(work, 'baton.log');
  const child = spawn(process.execPath, [path.join(ROOT, 'server', 'dist', 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      BATON_PORT: '0',
      BATON_DATA_DIR: path.join(work, 'data'),
      BATON_ADMIN_TOKEN: token,
      BATON_SHUTDOWN_DELAY_SECONDS: '0',
    },
    stdio: ['ignore', 'pipe', fs.openSync(log, 'a')],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const early = (code: number | null) => reject(new Error(`Baton exited with ${code} before listening: ${fs.readFileSync(log, 'utf8')}`));
    child.once('exit', early);
    child.stdout!.on('data', (chunk: Buffer) => {
      const address = /"address":"([^"]+)"/.exec(chunk.toString('utf8'));
      if (address === null) return;
      child.off('exit', early);
      resolve(address[1]);
    });
  });
  return { child, url };
}

async function shoot(url: string, token: string, packageId: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(`${url}/`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'production' }).waitFor();
    // A string, evaluated in the page: the scripts compile without the DOM's types.
    await page.waitForFunction("!document.body.innerText.includes('Loading runs')");
    await save(page, 'dashboard');
    await page.goto(`${url}/packages/${packageId}/board`);
    await page.getByRole('table').waitFor();
    await save(page, 'promotion-board');
    await page.goto(`${url}/packages/${packageId}/value-stream`);
    const graph = page.getByRole('region', { name: 'Value stream of scrt' });
    await graph.waitFor();
    // Down to just below the graph: the page is empty further down.
    const bottom = await graph.boundingBox();
    await save(page, 'value-stream', bottom === null ? undefined : bottom.y + bottom.height + 32);
  } finally {
    await browser.close();
  }
}

/** The whole page, or its top `height` pixels. */
async function save(page: Page, name: string, height?: number): Promise<void> {
  await page.getByText('Live: this page updates as things change.').waitFor();
  const file = path.join(OUT, `${name}.png`);
  fs.mkdirSync(OUT, { recursive: true });
  await page.screenshot(height === undefined ? { path: file, fullPage: true } : { path: file, clip: { x: 0, y: 0, width: VIEWPORT.width, height } });
  console.log(`${path.relative(ROOT, file)}: ${Math.round(fs.statSync(file).size / 1024)} KB`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
