import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { PackageRevision } from '@baton/plugin-api';
import { createTestContext, defaultSettings, MemoryKeyValueStore } from '@baton/plugin-api/testing';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';
import { artifactBytes, deploy, listVersion, ScratchFolders } from './support/repositories';
import { batch, contextFor, latest, plugin, stored } from './support/plugin-calls';

const folders = new ScratchFolders();
afterAll(() => folders.remove());

describe('polling imagingbook-common over loopback HTTP', () => {
  let server: FixtureServer;
  let dir: string;
  let url: string;

  beforeEach(async () => {
    dir = folders.copy();
    for (const version of ['1.9', '3.0', '3.1']) deploy(dir, 'imagingbook-common', version);
    server = await startFixtureServer(dir);
    url = server.url;
  });
  afterEach(() => server.close());

  const folder = '/com/imagingbook/imagingbook-common/';
  const paths = (from = 0): string[] => server.requests.slice(from).map((r) => `${r.status} ${r.path.replace(folder, '…/')}`);
  const common = { ARTIFACT_ID: 'imagingbook-common' };

  it('reports the highest release, with its POM facts, locations and strongest checksum', async () => {
    const { revision, warnings } = await latest(url, common);

    expect(warnings).toBeUndefined();
    expect(revision).toEqual({
      revision: '3.1',
      timestamp: new Date('2024-01-01T00:00:00Z'),
      user: 'Wilhelm B. <wb@example.org>',
      comment: 'Image processing & analysis, imagingbook-common',
      trackbackUrl: 'https://imagingbook.example.org/imagingbook-common',
      data: {
        VERSION: '3.1',
        BASE_VERSION: '3.1',
        GROUP_ID: 'com.imagingbook',
        ARTIFACT_ID: 'imagingbook-common',
        PACKAGING: 'jar',
        LOCATION: `${url}com/imagingbook/imagingbook-common/3.1/imagingbook-common-3.1.jar`,
        POM_LOCATION: `${url}com/imagingbook/imagingbook-common/3.1/imagingbook-common-3.1.pom`,
        CHECKSUM: `sha1:${createHash('sha1').update(artifactBytes('imagingbook-common', '3.1')).digest('hex')}`,
      },
    });
  });

  it('costs the metadata and one existence check, then reads the POM and sidecars apart, once', async () => {
    const store = new MemoryKeyValueStore();
    await latest(url, common, store);
    const cold = paths();
    const writes = jest.spyOn(store, 'set');

    await latest(url, common, store);

    expect(cold.slice(0, 2)).toEqual(['200 …/maven-metadata.xml', '200 …/3.1/imagingbook-common-3.1.jar']);
    expect(cold.slice(2).sort()).toEqual([
      '200 …/3.1/imagingbook-common-3.1.jar.sha1',
      '200 …/3.1/imagingbook-common-3.1.pom',
      '404 …/3.1/imagingbook-common-3.1.jar.sha256',
      '404 …/3.1/imagingbook-common-3.1.jar.sha512',
    ]);
    expect(server.requests[1]?.method).toBe('HEAD');
    expect(paths(cold.length)).toEqual(['304 …/maven-metadata.xml']);
    expect(writes).not.toHaveBeenCalled();
  });

  it('asks once, by content hash, when the server sends no validators', async () => {
    server.options.validators = false;
    const store = new MemoryKeyValueStore();
    const first = await latest(url, common, store);
    const before = server.requests.length;

    const second = await latest(url, common, store);

    expect(second).toEqual(first);
    expect(paths(before)).toEqual(['200 …/maven-metadata.xml']);
  });

  it('orders by ComparableVersion, not by the file order or <release>', async () => {
    deploy(dir, 'imagingbook-common', '1.10');
    listVersion(dir, 'imagingbook-common', '1.10');

    const newest = await latest(url, common);
    const below2 = await latest(url, { ...common, VERSION_RANGE: '(,2.0)' });

    expect(newest.revision?.revision).toBe('3.1');
    expect(below2.revision?.revision).toBe('1.10');
  });

  it('skips a listed version without its artifact, with a warning naming it, and takes the next lower one', async () => {
    listVersion(dir, 'imagingbook-common', '3.2');

    const { revision, warnings } = await latest(url, common);

    expect(revision?.revision).toBe('3.1');
    expect(warnings).toEqual([
      `3.2 is listed in maven-metadata.xml but its artifact ${url}com/imagingbook/imagingbook-common/3.2/imagingbook-common-3.2.jar is missing (404); skipped`,
    ]);
  });

  it('gives up after ten listed versions without artifacts, saying so', async () => {
    for (let minor = 2; minor <= 12; minor += 1) listVersion(dir, 'imagingbook-common', `3.${minor}`);

    const { revision, warnings } = await latest(url, common);

    expect(revision).toBeNull();
    expect(warnings?.length).toBe(11);
    expect(warnings?.[0]).toMatch(/^3\.12 is listed in maven-metadata\.xml but its artifact/);
    expect(warnings?.[10]).toBe('gave up after 10 listed versions without the file wanted; lower versions were not tried');
  });

  it('counts an artifact as there when a server that ignores Range announces more than the client may read', async () => {
    const jar = deploy(dir, 'imagingbook-common', '3.1', { sidecars: [] });
    writeFileSync(jar, Buffer.alloc(200_000, 1));
    const ctx = createTestContext({ settings: defaultSettings(plugin), maxBytes: 100_000 });

    const { revision } = await plugin.latestRevision({ REPO_URL: url }, { GROUP_ID: 'com.imagingbook', ...common }, ctx);

    expect(revision?.revision).toBe('3.1');
    expect(server.requests.find((r) => r.path.endsWith('3.1.jar'))?.status).toBe(200);
  });

  it('trusts the metadata without VERIFY_ARTIFACT, dating the version by lastUpdated', async () => {
    listVersion(dir, 'imagingbook-common', '3.2');

    const { revision } = await latest(url, { ...common, VERIFY_ARTIFACT: 'false' });

    expect(revision?.revision).toBe('3.2');
    expect(revision?.timestamp).toEqual(new Date('2024-01-01T12:00:00Z'));
    expect(revision?.data?.['CHECKSUM']).toBeUndefined();
    expect(paths().filter((p) => p.endsWith('.jar'))).toEqual([]);
  });

  it('takes the strongest sidecar present', async () => {
    deploy(dir, 'imagingbook-common', '3.1', { sidecars: ['sha1', 'sha256'] });

    const { revision } = await latest(url, common);

    expect(revision?.data?.['CHECKSUM']).toBe(`sha256:${createHash('sha256').update(artifactBytes('imagingbook-common', '3.1')).digest('hex')}`);
  });

  it('watches a classifier and another packaging', async () => {
    deploy(dir, 'imagingbook-common', '3.0', { classifier: 'sources' });
    deploy(dir, 'imagingbook-common', '3.1', { extension: 'zip', pom: false });

    const sources = await latest(url, { ...common, CLASSIFIER: 'sources' });
    const zip = await latest(url, { ...common, PACKAGING: 'zip' });

    expect(sources.revision?.data?.['LOCATION']).toBe(`${url}com/imagingbook/imagingbook-common/3.0/imagingbook-common-3.0-sources.jar`);
    expect(sources.revision?.data?.['CLASSIFIER']).toBe('sources');
    expect(sources.warnings).toEqual([expect.stringContaining('3.1 is listed in maven-metadata.xml but its artifact')]);
    expect(zip.revision?.data?.['LOCATION']).toBe(`${url}com/imagingbook/imagingbook-common/3.1/imagingbook-common-3.1.zip`);
  });

  it.each([
    ['true', '2.0-rc1'],
    ['false', '1.9'],
  ])('with INCLUDE_PRERELEASES %s, [1.0,2.0) answers %s', async (prereleases, expected) => {
    deploy(dir, 'imagingbook-common', '2.0-rc1');
    listVersion(dir, 'imagingbook-common', '2.0-rc1');

    const { revision } = await latest(url, { ...common, VERSION_RANGE: '[1.0,2.0)', INCLUDE_PRERELEASES: prereleases });

    expect(revision?.revision).toBe(expected);
  });

  it("takes GoCD's POLL_VERSION_FROM (inclusive) and POLL_VERSION_TO (exclusive)", async () => {
    const { revision } = await latest(url, { ...common, POLL_VERSION_FROM: '1.9', POLL_VERSION_TO: '3.1' });

    expect(revision?.revision).toBe('3.0');
  });

  it('answers a newer version at the next poll, and nothing when the latest is not newer', async () => {
    const store = new MemoryKeyValueStore();
    const current = (await latest(url, common, store)).revision as PackageRevision;
    const pkg = { GROUP_ID: 'com.imagingbook', ...common };
    const same = await plugin.latestRevisionSince({ REPO_URL: url }, pkg, stored(current), contextFor(store));
    const lower = await plugin.latestRevisionSince(
      { REPO_URL: url },
      pkg,
      stored(current, { revision: '4.0', data: { BASE_VERSION: '4.0' } }),
      contextFor(store),
    );
    deploy(dir, 'imagingbook-common', '3.1.1');
    listVersion(dir, 'imagingbook-common', '3.1.1');

    const newer = await plugin.latestRevisionSince({ REPO_URL: url }, pkg, stored(current), contextFor(store));

    expect(same).toEqual({ revision: null });
    expect(lower).toEqual({ revision: null });
    expect(newer.revision?.revision).toBe('3.1.1');
  });

  it('reads the POM and sidecars only for a new revision', async () => {
    const current = (await latest(url, common)).revision as PackageRevision;
    const before = server.requests.length;

    const since = await plugin.latestRevisionSince({ REPO_URL: url }, { GROUP_ID: 'com.imagingbook', ...common }, stored(current), contextFor());

    expect(since).toEqual({ revision: null });
    expect(paths(before)).toEqual(['200 …/maven-metadata.xml', '200 …/3.1/imagingbook-common-3.1.jar']);
  });

  it('answers every package of one artifact from one read of its metadata', async () => {
    const pkg = (extra: Record<string, string>) => ({ GROUP_ID: 'com.imagingbook', ...common, ...extra });
    const items = [
      { key: 'all', package: pkg({}), previous: null },
      { key: 'old', package: pkg({ VERSION_RANGE: '[1.0,2.0)' }), previous: null },
      { key: 'three', package: pkg({ POLL_VERSION_FROM: '3.0', POLL_VERSION_TO: '3.1' }), previous: null },
      { key: 'gone', package: { GROUP_ID: 'com.imagingbook', ARTIFACT_ID: 'no-such-artifact' }, previous: null },
      { key: 'bad', package: pkg({ VERSION_RANGE: '[2.0,1.0]' }), previous: null },
    ];

    const answers = await batch({ REPO_URL: url }, items, contextFor());

    const summary = answers.map((a) => [a.key, a.error ? (a.error as Error).message : (a.result?.revision?.revision ?? a.result?.warnings?.[0])]);
    expect(summary).toEqual([
      ['all', '3.1'],
      ['old', '1.9'],
      ['three', '3.0'],
      ['gone', `Nothing deployed as com.imagingbook:no-such-artifact yet: there is no ${url}com/imagingbook/no-such-artifact/maven-metadata.xml (404)`],
      ['bad', "Version range (VERSION_RANGE) '[2.0,1.0]': the lower bound must be below the upper bound"],
    ]);
    expect(paths().filter((p) => p.endsWith('…/maven-metadata.xml'))).toEqual(['200 …/maven-metadata.xml']);
  });

  it('logs in with USERNAME and PASSWORD, keeping credentials out of LOCATION', async () => {
    server.options.auth = { username: 'ci', password: 's3cret' };

    const denied = await latest(url, common).catch((error: unknown) => error);
    const { revision } = await latest(url, common, undefined, { USERNAME: 'ci', PASSWORD: 's3cret' });

    expect(denied).toMatchObject({
      kind: 'permanent',
      code: 'access_denied',
      message: `${url}com/imagingbook/imagingbook-common/maven-metadata.xml refused access (401); check USERNAME and PASSWORD, or AUTH_TOKEN`,
    });
    expect(revision?.revision).toBe('3.1');
    expect(revision?.data?.['LOCATION']).toBe(`${url}com/imagingbook/imagingbook-common/3.1/imagingbook-common-3.1.jar`);
    expect(revision?.user).toBe('Wilhelm B. <wb@example.org>');
  });
});
