import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LoopbackServers, testHttpSettings } from '../../../../test/support/loopback-servers';
import type { OutboundRules } from '../../config/outbound-rules';
import { createHttpClient } from '../http-client';

// The proxy agents ship only as ES modules, which jest's CommonJS loader cannot parse.
jest.mock('https-proxy-agent', () => process.getBuiltinModule('node:module').createRequire(__filename)('https-proxy-agent'));
jest.mock('http-proxy-agent', () => process.getBuiltinModule('node:module').createRequire(__filename)('http-proxy-agent'));

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy'];
const savedEnvironment = new Map(PROXY_VARIABLES.map((name) => [name, process.env[name]]));
// 127.0.0.2 is on the loopback interface too (Linux routes all of 127.0.0.0/8 there), so a test
// can deny it and still prove that nothing reached it.
const DENY_SECOND_LOOPBACK: OutboundRules = { deny: ['127.0.0.2/32'], allow: [] };
const servers = new LoopbackServers();
const denied = http.createServer((req, res) => {
  deniedRequests.push(req.url ?? '');
  res.end('should never be read');
});
let deniedRequests: string[] = [];
let deniedOrigin: string;

const get = (url: string, outbound: OutboundRules = DENY_SECOND_LOOPBACK, repository: Record<string, string> | null = null) =>
  createHttpClient(testHttpSettings({ outbound }), new AbortController().signal, repository).get({ url });

beforeAll(async () => {
  await new Promise<void>((resolve) => denied.listen(0, '127.0.0.2', resolve));
  deniedOrigin = `http://127.0.0.2:${(denied.address() as AddressInfo).port}`;
});

beforeEach(() => {
  deniedRequests = [];
  PROXY_VARIABLES.forEach((name) => delete process.env[name]);
});

afterEach(async () => {
  for (const [name, value] of savedEnvironment) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await servers.closeAll();
});

afterAll(async () => {
  denied.closeAllConnections();
  await new Promise((resolve) => denied.close(resolve));
});

describe('the plugin HTTP client and the outbound policy', () => {
  it('reaches the server on the second loopback address when nothing denies it', async () => {
    const response = await get(`${deniedOrigin}/repodata/repomd.xml`, { deny: [], allow: [] });

    expect(await response.text()).toBe('should never be read');
    expect(deniedRequests).toEqual(['/repodata/repomd.xml']);
  });

  it('refuses a literal denied address as a permanent error naming the setting, sending nothing', async () => {
    const failure = get(`${deniedOrigin}/repodata/repomd.xml`);

    await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'outbound_denied' });
    await expect(failure).rejects.toThrow(/127\.0\.0\.2.*BATON_OUTBOUND_DENY/);
    expect(deniedRequests).toEqual([]);
  });

  it('refuses a redirect from an allowed server to a denied address', async () => {
    const allowed = await servers.serve((_req, res) => res.writeHead(302, { location: `${deniedOrigin}/elsewhere` }).end());

    const failure = get(`${allowed}/repodata/repomd.xml`);

    await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'outbound_denied' });
    expect(deniedRequests).toEqual([]);
  });

  it('refuses a name that resolves to a denied address before connecting', async () => {
    const reached: string[] = [];
    const origin = await servers.serve((req, res) => {
      reached.push(req.url ?? '');
      res.end('reached');
    });
    const port = new URL(origin).port;

    const failure = get(`http://localhost:${port}/repodata/repomd.xml`, { deny: ['127.0.0.0/8', '::1/128'], allow: [] });

    await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'outbound_denied' });
    await expect(failure).rejects.toThrow(/\(localhost\) is refused.*BATON_OUTBOUND_DENY/);
    expect(reached).toEqual([]);
  });

  it('lets BATON_OUTBOUND_ALLOW open one address inside a denied range', async () => {
    const origin = await servers.serve((_req, res) => res.end('allowed'));

    const response = await get(`${origin}/repodata/repomd.xml`, { deny: ['127.0.0.0/8'], allow: ['127.0.0.1/32'] });

    expect(await response.text()).toBe('allowed');
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fd00:ec2::254]/',
    'https://100.100.100.200/',
    'http://192.0.0.192/',
  ])('refuses %s with the default deny list before any connection', async (url) => {
    const failure = createHttpClient(testHttpSettings(), new AbortController().signal).get({ url });

    await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'outbound_denied' });
    await expect(failure).rejects.toThrow(/BATON_OUTBOUND_DENY/);
  });

  it('through a proxy, refuses a literal denied address and leaves names for the proxy to resolve', async () => {
    const asked: string[] = [];
    const proxy = await servers.serve((req, res) => {
      asked.push(req.url ?? '');
      res.end('from the proxy');
    });
    process.env['HTTP_PROXY'] = proxy;

    const literal = get(`${deniedOrigin}/a`, { deny: ['127.0.0.0/8'], allow: [] });
    await expect(literal).rejects.toMatchObject({ code: 'outbound_denied' });
    const named = await get('http://localhost:9/b', { deny: ['127.0.0.0/8', '::1/128'], allow: [] });

    expect(await named.text()).toBe('from the proxy');
    expect(asked).toEqual(['http://localhost:9/b']);
    expect(deniedRequests).toEqual([]);
  });
});

describe('the plugin HTTP client and file: URLs', () => {
  let root: string;
  let file: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'baton-file-rule-'));
    file = path.join(root, 'repomd.xml');
    await writeFile(file, '<repomd/>');
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  const read = (repository: Record<string, string> | null) =>
    createHttpClient(testHttpSettings({ fileRoots: [root] }), new AbortController().signal, repository).get({ url: pathToFileURL(file).href });

  it('reads a file: URL under the allowed roots for a repository whose own URL is a file: URL', async () => {
    const response = await read({ REPO_URL: ` ${pathToFileURL(root).href}/` });

    expect(await response.text()).toBe('<repomd/>');
  });

  it.each([
    ['an https repository', { REPO_URL: 'https://repo.example.org/el9/' }],
    ['an http repository', { REPO_URL: 'http://repo.example.org/el9/', USERNAME: 'reader' }],
    ['a call about no repository', null],
  ])('refuses a file: URL for %s, even under the allowed roots', async (_name, repository) => {
    const failure = read(repository);

    await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'file_not_allowed' });
    await expect(failure).rejects.toThrow(/only a repository whose own URL is a file: URL may read file: URLs/);
  });
});
