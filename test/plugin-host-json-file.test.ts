import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PluginCallError } from '../server/src/plugins/plugin-call-error';
import { PluginHost } from '../server/src/plugins/plugin-host';
import type { WireRevision } from '../server/src/plugins/protocol';
import { PluginFolders, RecordingStore, captureLogger, failure, hostOptions } from './plugins/host-fixture';

const SHA = 'ab'.repeat(32);

/** The package list the fake repository serves; tests change it between calls. */
let document: unknown;
let etag = '"v1"';
const served = { full: 0, notModified: 0, ifNoneMatch: [] as (string | undefined)[] };

function listing(): unknown {
  return {
    packages: {
      scrt: [
        { version: '1.0.0', published: '2024-01-01T00:00:00Z' },
        { version: '1.2.0', published: '2024-03-01T12:30:00+02:00', sha256: SHA, url: 'https://repo.example.org/scrt-1.2.0.tgz', comment: 'second' },
      ],
      odd: [{ version: '0.1.0', published: '2024-01-01T00:00:00Z' }, { version: '0.2.0', published: 'yesterday' }, 'nonsense'],
    },
  };
}

function serve(request: http.IncomingMessage, response: http.ServerResponse): void {
  if (request.url === '/private.json' && request.headers.authorization !== `Basic ${Buffer.from('reader:s3cret').toString('base64')}`) {
    response.writeHead(401).end();
    return;
  }
  if (request.url === '/broken.json') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{ "packages": ');
    return;
  }
  if (request.url !== '/packages.json' && request.url !== '/private.json') {
    response.writeHead(404).end();
    return;
  }
  served.ifNoneMatch.push(request.headers['if-none-match']);
  if (request.headers['if-none-match'] === etag) {
    served.notModified += 1;
    response.writeHead(304, { etag }).end();
    return;
  }
  served.full += 1;
  response.writeHead(200, { 'content-type': 'application/json', etag }).end(JSON.stringify(document));
}

describe('json-file plugin in the plugin host', () => {
  const folders = new PluginFolders();
  const store = new RecordingStore();
  const server = http.createServer(serve);
  let host: PluginHost;
  let base: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const bundledDir = folders.folder('bundled', ['json-file']);
    const options = hostOptions({ bundledDir });
    host = new PluginHost({ ...options, http: { ...options.http, fileRoots: [folders.root] } }, store, captureLogger().logger);
    await host.start();
  });

  beforeEach(() => {
    document = listing();
    etag = '"v1"';
    Object.assign(served, { full: 0, notModified: 0, ifNoneMatch: [] });
  });

  afterAll(async () => {
    await host.stop();
    server.close();
    folders.cleanup();
  });

  const repo = (): Record<string, string> => ({ URL: `${base}/packages.json` });

  it('describes itself', () => {
    const info = host.plugin('json-file');

    expect(info).toMatchObject({ id: 'json-file', status: 'ok', source: 'bundled', capabilities: { batch: true }, lastError: null });
    expect(info?.repositoryProperties.map((p) => [p.key, p.required, p.secure, p.partOfIdentity])).toEqual([
      ['URL', true, false, true],
      ['USERNAME', false, false, false],
      ['PASSWORD', false, true, false],
    ]);
    expect(info?.packageProperties.map((p) => [p.key, p.required, p.partOfIdentity])).toEqual([
      ['NAME', true, true],
      ['NOTE', false, false],
    ]);
  });

  it('answers the last entry as the latest revision, in wire form', async () => {
    const answer = await host.latestRevision('json-file', 'repo-latest', repo(), { NAME: 'scrt' });

    expect(answer).toEqual({
      revision: {
        revision: '1.2.0',
        timestamp: '2024-03-01T10:30:00.000Z',
        user: null,
        comment: 'second',
        trackback_url: null,
        data: { LOCATION: 'https://repo.example.org/scrt-1.2.0.tgz', CHECKSUM: `sha256:${SHA}` },
      },
      warnings: [],
    });
  });

  it('skips unusable entries with a warning, and answers null for an unknown package', async () => {
    const odd = await host.latestRevision('json-file', null, repo(), { NAME: 'odd' });
    const unknown = await host.latestRevision('json-file', null, repo(), { NAME: 'nope' });

    expect(odd.revision?.revision).toBe('0.1.0');
    expect(odd.warnings).toEqual(["2 unusable entries of 'odd' were skipped"]);
    expect(unknown).toEqual({ revision: null, warnings: [] });
  });

  it('answers "since" with the latest only when its version differs', async () => {
    const latest = (await host.latestRevision('json-file', null, repo(), { NAME: 'scrt' })).revision as WireRevision;
    const older: WireRevision = { ...latest, revision: '1.0.0', timestamp: '2024-01-01T00:00:00.000Z', data: {} };

    const same = await host.latestRevisionSince('json-file', null, repo(), { NAME: 'scrt' }, latest);
    const newer = await host.latestRevisionSince('json-file', null, repo(), { NAME: 'scrt' }, older);

    expect(same.revision).toBeNull();
    expect(newer.revision?.revision).toBe('1.2.0');
  });

  it('answers a batch once per key, in the order asked, from one download', async () => {
    const latest = (await host.latestRevision('json-file', 'repo-batch', repo(), { NAME: 'scrt' })).revision as WireRevision;
    document = { packages: { ...(listing() as { packages: object }).packages, other: [{ version: '3.0.0', published: '2024-05-01T00:00:00Z' }] } };
    etag = '"v2"';
    const fullBefore = served.full;

    const { results } = await host.latestRevisionsSince('json-file', 'repo-batch', repo(), [
      { key: 'k-other', package_configuration: { NAME: 'other' }, previous_revision: null },
      { key: 'k-scrt', package_configuration: { NAME: 'scrt' }, previous_revision: latest },
      { key: 'k-other', package_configuration: { NAME: 'other' }, previous_revision: null },
      { key: 'k-none', package_configuration: { NAME: 'nope' }, previous_revision: null },
    ]);

    expect(results.map((r) => [r.key, r.result?.revision?.revision ?? null])).toEqual([
      ['k-other', '3.0.0'],
      ['k-scrt', null],
      ['k-none', null],
    ]);
    expect(served.full - fullBefore).toBe(1);
  });

  it("keeps the ETag in the repository's own store and reads an unchanged document with 304", async () => {
    const first = await host.latestRevision('json-file', 'repo-a', repo(), { NAME: 'scrt' });
    const second = await host.latestRevision('json-file', 'repo-a', repo(), { NAME: 'scrt' });
    const elsewhere = await host.latestRevision('json-file', 'repo-b', repo(), { NAME: 'scrt' });

    expect(second).toEqual(first);
    expect(elsewhere).toEqual(first);
    expect(served.ifNoneMatch).toEqual([undefined, '"v1"', undefined]);
    expect(served).toMatchObject({ full: 2, notModified: 1 });
    expect(JSON.parse((await store.inner.get('repo-a', 'document')) as string)).toMatchObject({ url: `${base}/packages.json`, etag: '"v1"' });
    const scopes = new Set(store.calls.filter((c) => c.key === 'document').map((c) => c.scope));
    expect(scopes).toContain('repo-a');
    expect(scopes).toContain('repo-b');
    expect(scopes).not.toContain(null);
  });

  it("carries the repository's store with a poll: the plugin's reads ask the host nothing", async () => {
    await host.latestRevision('json-file', 'repo-carried', repo(), { NAME: 'scrt' });
    const before = store.calls.length;

    const again = await host.latestRevision('json-file', 'repo-carried', repo(), { NAME: 'scrt' });

    const calls = store.calls.slice(before).filter((c) => c.scope === 'repo-carried');
    expect(again.revision?.revision).toBe('1.2.0');
    expect(served.ifNoneMatch.at(-1)).toBe('"v1"');
    expect(calls.map((c) => c.op)).toEqual(['snapshot']);
  });

  it('carries small values and leaves a large one to be read from the host only when the plugin asks for it', async () => {
    const large = 64 * 1024;
    await store.inner.set('repo-large', 'ballast', 'x'.repeat(large));
    // The cached document, padded past what a poll carries (JSON allows the trailing blanks).
    const cached = { url: `${base}/packages.json`, etag: '"v1"', body: `${JSON.stringify(document)}${' '.repeat(large)}` };
    await store.inner.set('repo-large', 'document', JSON.stringify(cached));
    const before = store.calls.length;

    const answer = await host.latestRevision('json-file', 'repo-large', repo(), { NAME: 'scrt' });

    const ops = store.calls
      .slice(before)
      .filter((c) => c.scope === 'repo-large')
      .map((c) => `${c.op} ${c.key}`);
    expect(answer.revision?.revision).toBe('1.2.0');
    expect(ops).toEqual(['snapshot ', 'get document']);
    expect(served.ifNoneMatch.at(-1)).toBe('"v1"');
  });

  it('downloads again when the document changed', async () => {
    await host.latestRevision('json-file', 'repo-change', repo(), { NAME: 'scrt' });
    (document as { packages: { scrt: object[] } }).packages.scrt.push({ version: '1.3.0', published: '2024-04-01T00:00:00Z' });
    etag = '"v2"';

    const answer = await host.latestRevision('json-file', 'repo-change', repo(), { NAME: 'scrt' });

    expect(answer.revision?.revision).toBe('1.3.0');
    expect(served.full).toBe(2);
  });

  it('validates repository and package configurations', async () => {
    const cases = await Promise.all([
      host.validateRepository('json-file', { URL: 'ftp://repo.example.org/p.json' }),
      host.validateRepository('json-file', { URL: 'https://repo.example.org/p.json', USERNAME: 'reader' }),
      host.validateRepository('json-file', { URL: 'https://repo.example.org/p.json', PASSWORD: 'x' }),
      host.validateRepository('json-file', { URL: 'https://reader:x@repo.example.org/p.json' }),
      host.validateRepository('json-file', { URL: 'not a url', COLOR: 'red' }),
      host.validateRepository('json-file', {}),
      host.validateRepository('json-file', { URL: 'https://repo.example.org/p.json', USERNAME: 'reader', PASSWORD: 'x' }),
      host.validatePackage('json-file', repo(), { NOTE: 'n' }),
      host.validatePackage('json-file', repo(), { NAME: ' scrt' }),
      host.validatePackage('json-file', repo(), { NAME: 'scrt', NOTE: 'n' }),
    ]);

    expect(cases.map(({ errors }) => errors.map((e) => e.key))).toEqual([
      ['URL'],
      ['PASSWORD'],
      ['USERNAME'],
      ['URL'],
      ['COLOR', 'URL'],
      ['URL'],
      [],
      ['NAME'],
      ['NAME'],
      [],
    ]);
    expect(cases[0]?.errors[0]?.message).toContain('http, https or file');
    expect(cases[5]?.errors[0]?.message).toBe('Package list URL (URL) is required');
  });

  it('sends basic authentication when a user name is configured', async () => {
    const url = `${base}/private.json`;

    const denied = await failure(host.latestRevision('json-file', null, { URL: url }, { NAME: 'scrt' }));
    const allowed = await host.latestRevision('json-file', null, { URL: url, USERNAME: 'reader', PASSWORD: 's3cret' }, { NAME: 'scrt' });
    const check = await host.checkRepositoryConnection('json-file', null, { URL: url, USERNAME: 'reader', PASSWORD: 'wrong' });

    expect(denied.wire).toMatchObject({ kind: 'permanent', code: 'access_denied' });
    expect(allowed.revision?.revision).toBe('1.2.0');
    expect(check.ok).toBe(false);
    expect(check.messages.join(' ')).not.toContain('wrong');
  });

  it('treats a missing or unparsable document as a permanent error', async () => {
    const missing = await failure(host.latestRevision('json-file', null, { URL: `${base}/missing.json` }, { NAME: 'scrt' }));
    const broken = await failure(host.latestRevision('json-file', null, { URL: `${base}/broken.json` }, { NAME: 'scrt' }));

    expect(missing).toBeInstanceOf(PluginCallError);
    expect(missing.pluginId).toBe('json-file');
    expect(missing.wire).toMatchObject({ kind: 'permanent', code: 'not_found' });
    expect(missing.message).toContain('404');
    expect(broken.wire).toMatchObject({ kind: 'permanent', code: 'unparsable_document' });
  });

  it('checks connections with messages for people', async () => {
    const readable = await host.checkRepositoryConnection('json-file', 'repo-check', repo());
    const missing = await host.checkRepositoryConnection('json-file', null, { URL: `${base}/missing.json` });
    const found = await host.checkPackageConnection('json-file', 'repo-check', repo(), { NAME: 'scrt' });
    const absent = await host.checkPackageConnection('json-file', 'repo-check', repo(), { NAME: 'nope' });

    expect(readable).toEqual({ ok: true, messages: [`Read the package list at ${base}/packages.json: 2 packages.`] });
    expect(missing.ok).toBe(false);
    expect(missing.messages[0]).toContain('404');
    expect(found).toMatchObject({ ok: true, messages: ["Found package 'scrt' at version 1.2.0."], revision: { revision: '1.2.0' } });
    expect(absent).toMatchObject({ ok: false, revision: null });
  });

  it('reads a file: URL under the allowed roots', async () => {
    const file = path.join(folders.root, 'packages.json');
    writeFileSync(file, JSON.stringify({ packages: { local: [{ version: '9.9.9', published: '2024-06-01T00:00:00Z' }] } }));

    const answer = await host.latestRevision('json-file', null, { URL: `file://${file}` }, { NAME: 'local' });

    expect(answer.revision?.revision).toBe('9.9.9');
  });
});
