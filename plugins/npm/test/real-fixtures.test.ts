import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MemoryKeyValueStore } from '@baton/plugin-api/testing';
import { contextFor, plugin } from './support/plugin-calls';
import { FIXTURES, fixturePackuments, startRegistry, type RegistryServer } from './support/registry-server';

let registry: RegistryServer;
beforeAll(async () => {
  registry = await startRegistry(fixturePackuments());
});
afterAll(() => registry.close());
beforeEach(() => {
  registry.requests.length = 0;
});

interface FixtureVersion {
  dist: { tarball: string; integrity: string; shasum: string };
}
interface FixturePackument {
  'dist-tags': Record<string, string>;
  versions: Record<string, FixtureVersion>;
  time: Record<string, string>;
}

/** A fixture file read here, apart from the plugin's parser. */
function fixture(file: string): FixturePackument {
  return JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as FixturePackument;
}

const latest = (name: string, extra: Record<string, string> = {}) =>
  plugin.latestRevision({ REGISTRY_URL: registry.url }, { PACKAGE_NAME: name, ...extra }, contextFor(new MemoryKeyValueStore()));

describe('the real packuments, served by a loopback registry', () => {
  it.each([
    ['left-pad', 'left-pad.json', '/npm/left-pad'],
    ['request', 'request.json', '/npm/request'],
    ['@isaacs/ttlcache', '@isaacs__ttlcache.json', '/npm/@isaacs%2fttlcache'],
    ['@tootallnate/once', '@tootallnate__once.json', '/npm/@tootallnate%2fonce'],
  ])('%s: the latest version is the one its latest tag names, with its tarball facts', async (name, file, requestPath) => {
    const packument = fixture(file);
    const version = packument['dist-tags']['latest'];
    const { dist } = packument.versions[version];

    const { revision } = await latest(name);

    expect(registry.requests.map((r) => r.path)).toEqual([requestPath]);
    expect(revision?.revision).toBe(version);
    expect(revision?.timestamp.getTime()).toBe(Date.parse(packument.time[version]));
    expect(revision?.data).toMatchObject({ VERSION: version, LOCATION: dist.tarball, INTEGRITY: dist.integrity, SHASUM: dist.shasum });
    const hex = revision?.data?.['CHECKSUM']?.replace(/^sha512:/, '') ?? '';
    expect(`sha512-${Buffer.from(hex, 'hex').toString('base64')}`).toBe(dist.integrity);
    expect(revision?.data?.['DIST_TAGS']).toBe('latest');
  });

  it('reads a time with an offset and micro-seconds to the millisecond', async () => {
    const { revision } = await latest('abbrev', { VERSION_RANGE: '1.0.3' });

    expect(fixture('abbrev.json').time['1.0.3']).toBe('2024-12-07T08:27:00.754000+00:00');
    expect(revision?.timestamp.toISOString()).toBe('2024-12-07T08:27:00.754Z');
  });

  it.each([
    ['semver', {}, '7.8.6'],
    ['semver', { VERSION_RANGE: '^5' }, '5.7.3'],
    ['semver', { VERSION_RANGE: '>=2.0.0-alpha <2.0.0' }, '2.0.0-beta'],
    ['semver', { VERSION_RANGE: '<2.0.0' }, '1.1.4'],
    ['semver', { VERSION_RANGE: '<2.0.0', INCLUDE_PRERELEASE: 'true' }, '2.0.0-beta'],
    ['request', { VERSION_RANGE: '2.9.x' }, '2.9.203'],
    ['@isaacs/ttlcache', { VERSION_RANGE: '~1.2' }, '1.2.2'],
  ])('%s with %j is %s', async (name, extra, expected) => {
    const { revision } = await latest(name, extra);

    expect(revision?.revision).toBe(expected);
  });

  it('names the publisher or author, the description, and the repository as a page', async () => {
    const { revision } = await latest('request');

    expect(revision).toMatchObject({
      user: 'Mikeal Rogers <mikeal.rogers@gmail.com>',
      comment: 'Simplified HTTP request client.',
      trackbackUrl: 'https://github.com/request/request',
    });
  });

  it.each([
    ['semver', 'https://github.com/npm/node-semver'],
    ['@tootallnate/once', 'https://github.com/TooTallNate/once'],
    ['left-pad', 'https://github.com/stevemao/left-pad'],
  ])('%s links to %s', async (name, url) => {
    const { revision } = await latest(name);

    expect(revision?.trackbackUrl).toBe(url);
  });
});
