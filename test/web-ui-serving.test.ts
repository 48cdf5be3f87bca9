import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { routeTableDocument } from '../server/src/http/route-table-document';
import { UI_SECURITY_HEADERS } from '../server/src/http/web-ui';
import { DATABASE_KINDS } from './support/databases';
import { startTestServer, type TestServer } from './support/test-server';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-4f2a9c.js"></script></head><body><div id="app"></div></body></html>';
const SCRIPT = 'document.getElementById("app").textContent = "hello";';

/** A built UI as Vite lays it out: index.html and hashed files under assets/. */
function builtUi(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-web-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
  fs.writeFileSync(path.join(dir, 'assets', 'app-4f2a9c.js'), SCRIPT);
  return dir;
}

function expectSecurityHeaders(response: Response): void {
  for (const [name, value] of Object.entries(UI_SECURITY_HEADERS)) expect(response.headers.get(name)).toBe(value);
}

describe.each(DATABASE_KINDS)('the web UI, served at / [%s]', (kind) => {
  let baton: TestServer;
  let webDir: string;

  beforeAll(async () => {
    webDir = builtUi();
    baton = await startTestServer(kind, { env: { BATON_WEB_DIR: webDir } });
  });

  afterAll(async () => {
    await baton?.destroy();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  it('answers / with index.html, never cached, under a CSP that allows no inline script', async () => {
    const response = await fetch(`${baton.url}/`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self';");
    expectSecurityHeaders(response);
    expect(await response.text()).toBe(INDEX);
  });

  it.each(['/pipelines/build/runs/3', '/repositories', '/plugins?page=2'])('answers the client route %s with the app', async (route) => {
    const response = await fetch(`${baton.url}${route}`);

    expect(response.status).toBe(200);
    expectSecurityHeaders(response);
    expect(await response.text()).toBe(INDEX);
  });

  it('serves hashed assets as immutable, with the security headers', async () => {
    const response = await fetch(`${baton.url}/assets/app-4f2a9c.js`);

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expectSecurityHeaders(response);
    expect(await response.text()).toBe(SCRIPT);
  });

  it('answers a missing asset 404, not the app', async () => {
    const response = await fetch(`${baton.url}/assets/app-000000.js`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it.each([
    ['GET', '/api/unknown'],
    ['GET', '/metrics/unknown'],
    ['GET', '/healthz/unknown'],
    ['GET', '/readyz/unknown'],
    ['POST', '/dashboard'],
  ])('keeps %s %s a problem document, not the app', async (method, route) => {
    const response = await fetch(`${baton.url}${route}`, { method, headers: { Authorization: `Bearer ${baton.adminToken}` } });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('content-security-policy')).toBeNull();
  });

  it('leaves the API routes as they are', async () => {
    const response = await fetch(`${baton.url}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves at /api/openapi.json the document the web build generates its client from', async () => {
    const served = await (await fetch(`${baton.url}/api/openapi.json`)).json();

    expect(JSON.parse(JSON.stringify(routeTableDocument()))).toEqual(served);
  });
});

describe('a server built without the web UI', () => {
  let baton: TestServer;

  beforeAll(async () => {
    baton = await startTestServer(DATABASE_KINDS[0], { env: { BATON_WEB_DIR: path.join(os.tmpdir(), 'baton-no-web-ui-here') } });
  });

  afterAll(async () => {
    await baton?.destroy();
  });

  it.each(['/', '/dashboard'])('answers %s with a plain message saying how to build it', async (route) => {
    const response = await fetch(`${baton.url}${route}`);

    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toContain('npm run build');
  });

  it('still serves the API', async () => {
    expect((await baton.api.get('/api/plugins')).status).toBe(200);
  });
});
