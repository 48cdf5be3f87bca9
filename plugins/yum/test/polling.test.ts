import { MemoryKeyValueStore } from '@baton/plugin-api/testing';
import type { PackageRevision } from '@baton/plugin-api';
import { ScratchFolders, publishNewer } from './support/repositories';
import { batch, contextFor, latest, plugin, stored, thrown } from './support/plugin-calls';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';

describe('polling a repository', () => {
  const folders = new ScratchFolders();
  let server: FixtureServer;
  let dir: string;
  let url: string;

  beforeEach(async () => {
    dir = folders.copy('scrt-yum');
    server = await startFixtureServer(dir);
    url = server.url;
  });
  afterEach(() => server.close());
  afterAll(() => folders.remove());

  const paths = (): string[] => server.requests.map((r) => `${r.status} ${r.path.replace(/[0-9a-f]{64}-/, '')}`);

  it('costs one conditional request, answered 304, when nothing changed', async () => {
    const store = new MemoryKeyValueStore();
    const first = await latest(url, 'scrt.x86_64', store);
    const before = server.requests.length;

    const second = await latest(url, 'scrt.x86_64', store);

    expect(second).toEqual(first);
    expect(before).toBe(2);
    expect(paths().slice(before)).toEqual(['304 /repodata/repomd.xml']);
    expect(server.requests[before]?.headers['if-none-match']).toMatch(/^"[0-9a-f]+"$/);
  });

  it('does not download primary again when its checksum is the one parsed, even without validators', async () => {
    server.options.validators = false;
    const store = new MemoryKeyValueStore();
    await latest(url, 'scrt.x86_64', store);

    await latest(url, 'scrt.x86_64', store);

    expect(paths()).toEqual(['200 /repodata/repomd.xml', '200 /repodata/primary.xml.gz', '200 /repodata/repomd.xml']);
  });

  it('downloads primary again for a spec not parsed before, then remembers both', async () => {
    const store = new MemoryKeyValueStore();
    await latest(url, 'scrt.x86_64', store);

    await latest(url, 'scrt.i386', store);
    await latest(url, 'scrt.x86_64', store);
    await latest(url, 'scrt.i386', store);

    expect(paths()).toEqual([
      '200 /repodata/repomd.xml',
      '200 /repodata/primary.xml.gz',
      '304 /repodata/repomd.xml',
      '200 /repodata/primary.xml.gz',
      '304 /repodata/repomd.xml',
      '304 /repodata/repomd.xml',
    ]);
  });

  it('answers every package of a batch from one download, errors staying with their package', async () => {
    const older = (await latest(url, 'scrt-0.3.2-1.i386')).revision as PackageRevision;
    server.requests.length = 0;
    const items = [
      { key: 'x86', package: { PACKAGE_SPEC: 'scrt.x86_64' }, previous: null },
      { key: 'i386', package: { PACKAGE_SPEC: 'scrt.i386' }, previous: stored(older) },
      { key: 'all', package: { PACKAGE_SPEC: 'scrt' }, previous: null },
      { key: 'none', package: { PACKAGE_SPEC: 'nothing' }, previous: null },
    ];

    const answers = await batch({ REPO_URL: url }, items, contextFor());

    const summary = answers.map((a) => [a.key, a.error ? (a.error as Error).name : (a.result?.revision?.revision ?? null)]);

    expect(summary).toEqual([
      ['x86', 'scrt-0.3.3-1.x86_64'],
      ['i386', 'scrt-0.3.3-1.i386'],
      ['all', 'PermanentError'],
      ['none', null],
    ]);
    expect(paths()).toEqual(['200 /repodata/repomd.xml', '200 /repodata/primary.xml.gz']);
  });

  it('finds a newly published package at the next poll', async () => {
    const store = new MemoryKeyValueStore();
    const before = (await latest(url, 'scrt.x86_64', store)).revision as PackageRevision;
    publishNewer(dir, '0.4.0');

    const since = await plugin.latestRevisionSince({ REPO_URL: url }, { PACKAGE_SPEC: 'scrt.x86_64' }, stored(before), contextFor(store));

    expect(since.revision?.revision).toBe('scrt-0.4.0-1.x86_64');
    expect(since.revision?.data?.['LOCATION']).toBe(`${url}main/scrt_0.4.0_linux_x86_64.rpm`);
  });

  it('warns, without a new revision, when a package was republished with different content', async () => {
    const current = (await latest(url, 'scrt.x86_64')).revision as PackageRevision;
    const previous = stored(current, { data: { ...current.data, CHECKSUM: `sha256:${'0'.repeat(64)}` } });

    const since = await plugin.latestRevisionSince({ REPO_URL: url }, { PACKAGE_SPEC: 'scrt.x86_64' }, previous, contextFor());

    expect(since.revision).toBeNull();
    expect(since.warnings).toEqual([
      `scrt-0.3.3-1.x86_64 was republished with different content (sha256:${'0'.repeat(64)} before, ${current.data?.['CHECKSUM']} now)`,
    ]);
  });

  it('reports nothing new when the latest is lower than the previous one (a package removed)', async () => {
    const current = (await latest(url, 'scrt.x86_64')).revision as PackageRevision;
    const previous = stored(current, { revision: 'scrt-0.4.0-1.x86_64', data: { ...current.data, VERSION: '0.4.0' } });

    const since = await plugin.latestRevisionSince({ REPO_URL: url }, { PACKAGE_SPEC: 'scrt.x86_64' }, previous, contextFor());

    expect(since).toEqual({ revision: null });
  });

  it('orders by EVR from the label when the previous revision has no data', async () => {
    const previous: PackageRevision = { revision: 'scrt-0.3.2-1.x86_64', timestamp: new Date(0) };

    const since = await plugin.latestRevisionSince({ REPO_URL: url }, { PACKAGE_SPEC: 'scrt.x86_64' }, previous, contextFor());

    expect(since.revision?.revision).toBe('scrt-0.3.3-1.x86_64');
  });

  it('logs in with USERNAME and PASSWORD and keeps credentials out of LOCATION', async () => {
    server.options.auth = { username: 'ci', password: 's3cret' };

    const denied = await thrown(latest(url, 'scrt.x86_64'));
    const { revision } = await latest(url, 'scrt.x86_64', undefined, { USERNAME: 'ci', PASSWORD: 's3cret' });

    expect(denied).toMatchObject({
      kind: 'permanent',
      code: 'access_denied',
      message: `${url}repodata/repomd.xml refused access (401); check USERNAME and PASSWORD`,
    });
    expect(revision?.data?.['LOCATION']).toBe(`${url}main/scrt_0.3.3_linux_x86_64.rpm`);
  });

  it('asks for the primary file as stored, not re-encoded', async () => {
    await latest(url, 'scrt.x86_64');

    const primary = server.requests.find((r) => r.path.includes('primary'));

    expect(primary?.headers['accept-encoding']).toBe('identity');
  });
});
