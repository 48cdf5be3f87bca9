import { MemoryKeyValueStore } from '@baton/plugin-api/testing';
import { daily, madeUpPackument } from './support/packuments';
import { contextFor, plugin, thrown } from './support/plugin-calls';
import { fixturePackuments, startRegistry, type RegistryServer } from './support/registry-server';

let registry: RegistryServer;
beforeAll(async () => {
  registry = await startRegistry(fixturePackuments());
});
afterAll(() => registry.close());
beforeEach(() => {
  registry.requests.length = 0;
  registry.options.canned.clear();
  registry.options.ping = true;
  delete registry.options.authorization;
});

const repository = () => ({ REGISTRY_URL: registry.url });

describe('a registry answering what is not a packument', () => {
  it.each([
    ['malformed JSON', { body: '{"name":"left-pad","versions":{' }, 'bad_packument', 'is not JSON'],
    ['a document without versions', { body: '{"name":"left-pad","dist-tags":{}}' }, 'bad_packument', 'it has no "versions" object'],
    ['a JSON array', { body: '[]' }, 'bad_packument', 'the document is not a JSON object'],
    [
      'an HTML page',
      { body: '<!doctype html><title>Sign in</title>', contentType: 'text/html; charset=utf-8' },
      'not_a_registry',
      'answered a web page (text/html)',
    ],
    ['an HTML page served as JSON', { body: '\n<html><body>Bad gateway</body></html>' }, 'not_a_registry', 'answered markup (HTML or XML), not a packument'],
  ])('%s fails permanently and clearly, and nothing is kept', async (_what, canned, code, message) => {
    registry.options.canned.set('left-pad', canned);
    const store = new MemoryKeyValueStore();

    const error = await thrown(plugin.latestRevision(repository(), { PACKAGE_NAME: 'left-pad' }, contextFor(store)));
    registry.options.canned.clear();
    const after = await plugin.latestRevision(repository(), { PACKAGE_NAME: 'left-pad' }, contextFor(store));

    expect(error).toMatchObject({ kind: 'permanent', code, message: expect.stringContaining(message) });
    expect(registry.requests[1].headers['if-none-match']).toBeUndefined();
    expect(after.revision?.revision).toBe('1.3.0');
  });

  it('skips versions that are not semver versions, with a warning naming them, and keeps the others', async () => {
    const packument = madeUpPackument('odd', daily('1.0.0', '1.1.0'), { latest: '1.1.0' }) as { versions: Record<string, unknown> };
    packument.versions['not-a-version'] = { name: 'odd' };
    packument.versions['2.0.0'] = 'not a manifest';
    registry.publish(packument);

    const { revision, warnings } = await plugin.latestRevision(repository(), { PACKAGE_NAME: 'odd' }, contextFor());

    expect(revision?.revision).toBe('1.1.0');
    expect(warnings).toEqual(["2 version(s) of odd skipped, not semver versions with a manifest: 'not-a-version', '2.0.0'"]);
  });

  it('over the size limit fails permanently, naming the setting that raises it', async () => {
    registry.publish({ ...madeUpPackument('huge', daily('1.0.0'), { latest: '1.0.0' }), readme: 'x'.repeat(1024 * 1024) });

    const error = await thrown(plugin.latestRevision(repository(), { PACKAGE_NAME: 'huge' }, contextFor(undefined, { MAX_PACKUMENT_MB: 1 })));
    const allowed = await plugin.latestRevision(repository(), { PACKAGE_NAME: 'huge' }, contextFor(undefined, { MAX_PACKUMENT_MB: 2 }));

    expect(error).toMatchObject({ kind: 'permanent', code: 'packument_too_large', message: expect.stringContaining('BATON_PLUGIN_NPM_MAX_PACKUMENT_MB') });
    expect(allowed.revision?.revision).toBe('1.0.0');
  });

  it('over the size limit while streaming, without a Content-Length, fails the same way', async () => {
    const body = JSON.stringify({ ...madeUpPackument('streamed', daily('1.0.0'), { latest: '1.0.0' }), readme: 'x'.repeat(1024 * 1024) });
    registry.options.canned.set('streamed', { body, chunked: true });

    const error = await thrown(plugin.latestRevision(repository(), { PACKAGE_NAME: 'streamed' }, contextFor(undefined, { MAX_PACKUMENT_MB: 1 })));
    const allowed = await plugin.latestRevision(repository(), { PACKAGE_NAME: 'streamed' }, contextFor(undefined, { MAX_PACKUMENT_MB: 2 }));

    expect(error).toMatchObject({ kind: 'permanent', code: 'packument_too_large', message: expect.stringContaining('larger than the limit of 1 MB') });
    expect(allowed.revision?.revision).toBe('1.0.0');
  });

  it.each([
    [500, 'transient'],
    [429, 'transient'],
    [418, 'permanent'],
  ])('answering %s is a %s failure', async (status, kind) => {
    registry.options.canned.set('left-pad', { status, body: '{}' });

    const error = await thrown(plugin.latestRevision(repository(), { PACKAGE_NAME: 'left-pad' }, contextFor()));

    expect(error).toMatchObject({ kind });
  });
});

describe('refused credentials', () => {
  it.each([
    [401, { AUTH_TOKEN: 'wrong' }, 'the registry refused the credentials of AUTH_TOKEN (or USERNAME and PASSWORD): check them'],
    [403, { USERNAME: 'ci', PASSWORD: 'wrong' }, 'the registry refused the credentials of AUTH_TOKEN (or USERNAME and PASSWORD): check them'],
    [401, {}, 'no credentials were sent: set AUTH_TOKEN, or USERNAME and PASSWORD'],
  ])('%s fails permanently, saying the credentials were refused', async (status, credentials, hint) => {
    registry.options.canned.set('left-pad', { status, body: '{"error":"no"}' });

    const error = await thrown(plugin.latestRevision({ ...repository(), ...credentials }, { PACKAGE_NAME: 'left-pad' }, contextFor()));

    expect(error).toMatchObject({ kind: 'permanent', code: 'access_denied', message: expect.stringContaining(`refused access (${status}); ${hint}`) });
  });

  it('sends a token as Bearer and a user name and password as Basic', async () => {
    registry.options.authorization = 'Bearer t0k3n';
    const withToken = await plugin.latestRevision({ ...repository(), AUTH_TOKEN: 't0k3n' }, { PACKAGE_NAME: 'abbrev' }, contextFor());
    registry.options.authorization = `Basic ${Buffer.from('ci:s3cret').toString('base64')}`;
    const withPassword = await plugin.latestRevision({ ...repository(), USERNAME: 'ci', PASSWORD: 's3cret' }, { PACKAGE_NAME: 'abbrev' }, contextFor());

    expect([withToken.revision?.revision, withPassword.revision?.revision]).toEqual(['5.0.0', '5.0.0']);
    expect(withToken.revision?.data?.['LOCATION']).not.toContain('t0k3n');
  });
});

describe('connection checks', () => {
  it('finds a package as name@version', async () => {
    const result = await plugin.checkPackageConnection(repository(), { PACKAGE_NAME: '@tootallnate/once' }, contextFor());

    expect(result).toMatchObject({ ok: true, messages: ["Found package '@tootallnate/once@3.0.1'."] });
  });

  it('says a 404 is no such package in this registry', async () => {
    const result = await plugin.checkPackageConnection(repository(), { PACKAGE_NAME: 'no-such-package' }, contextFor());

    expect(result.ok).toBe(false);
    expect(result.messages[0]).toContain("no such package 'no-such-package' in this registry");
  });

  it('says why a package has no version to report', async () => {
    const result = await plugin.checkPackageConnection(repository(), { PACKAGE_NAME: 'left-pad', VERSION_RANGE: '^9' }, contextFor());

    expect(result).toMatchObject({ ok: false, messages: ["No version of 'left-pad' in the range ^9 can be reported."] });
  });

  it('says the credentials were refused', async () => {
    registry.options.authorization = 'Bearer right';

    const repo = await plugin.checkRepositoryConnection({ ...repository(), AUTH_TOKEN: 'wrong' }, contextFor());
    const pkg = await plugin.checkPackageConnection({ ...repository(), AUTH_TOKEN: 'wrong' }, { PACKAGE_NAME: 'left-pad' }, contextFor());

    expect(repo).toMatchObject({ ok: false, messages: [expect.stringContaining('refused the credentials (401)')] });
    expect(pkg).toMatchObject({ ok: false, messages: [expect.stringContaining('refused access (401)')] });
  });

  it('pings the registry, or looks a package up where it has no ping', async () => {
    const pinged = await plugin.checkRepositoryConnection(repository(), contextFor());
    registry.options.ping = false;
    const looked = await plugin.checkRepositoryConnection(repository(), contextFor());

    expect(pinged).toEqual({ ok: true, messages: [`Registry ${registry.url} answered ${registry.url}-/ping`] });
    expect(looked).toEqual({ ok: true, messages: [`Registry ${registry.url} answered a package lookup (404); it has no /-/ping`] });
  });

  it('is not fooled by a web server that is no registry', async () => {
    registry.options.ping = false;
    registry.options.canned.set('npm', { status: 404, body: '<html>not found</html>', contentType: 'text/html' });

    const result = await plugin.checkRepositoryConnection(repository(), contextFor());

    expect(result).toMatchObject({ ok: false, messages: [expect.stringContaining('does not answer as an npm registry')] });
  });
});
