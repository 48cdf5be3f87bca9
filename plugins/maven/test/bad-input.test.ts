import { readFileSync } from 'node:fs';
import { PermanentError, TransientError } from '@baton/plugin-api';
import { MemoryKeyValueStore } from '@baton/plugin-api/testing';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';
import { deploy, metadataPath, ScratchFolders } from './support/repositories';
import { batch, contextFor, plugin, thrown } from './support/plugin-calls';

const folders = new ScratchFolders();
let server: FixtureServer;
let dir: string;

beforeAll(async () => {
  dir = folders.copy();
  for (const version of ['3.0', '3.1']) deploy(dir, 'imagingbook-common', version);
  deploy(dir, 'imagingbook_plugins_all', '3.1');
  server = await startFixtureServer(dir);
});
afterAll(async () => {
  await server.close();
  folders.remove();
});
beforeEach(() => {
  server.options.overrides.clear();
  server.options.auth = undefined;
  server.requests.length = 0;
});

const METADATA = '/com/imagingbook/imagingbook-common/maven-metadata.xml';
const JAR = '/com/imagingbook/imagingbook-common/3.1/imagingbook-common-3.1.jar';
const pkg = { GROUP_ID: 'com.imagingbook', ARTIFACT_ID: 'imagingbook-common' };
const original = () => readFileSync(metadataPath(dir, 'imagingbook-common'), 'utf8');

function poll(settings: Record<string, number> = {}, store = new MemoryKeyValueStore()) {
  return plugin.latestRevision({ REPO_URL: server.url }, pkg, contextFor(store, settings));
}

describe('bad metadata is a permanent error that names the file and what was wrong', () => {
  it.each([
    ['malformed XML', () => original().replace('</versions>', ''), 'malformed_metadata', /maven-metadata\.xml: .*line \d+/],
    [
      'another root element',
      () => original().replace(/metadata>/g, 'project>'),
      'malformed_metadata',
      /maven-metadata\.xml: the root element is <project>, not <metadata>$/,
    ],
    [
      'a DOCTYPE',
      () => original().replace('<metadata>', '<!DOCTYPE metadata [<!ENTITY v "9.9">]>\n<metadata>'),
      'malformed_metadata',
      /maven-metadata\.xml: it has a <!DOCTYPE>, which is refused/,
    ],
    [
      'nesting beyond any metadata file',
      () => original().replace('</metadata>', `${'<x>'.repeat(100)}${'</x>'.repeat(100)}</metadata>`),
      'malformed_metadata',
      /maven-metadata\.xml: .*nested/,
    ],
    ['an entity that is not XML’s', () => original().replace('<version>3.0</version>', '<version>&v;</version>'), 'malformed_metadata', /unknown entity &v;/],
  ])('%s', async (_case, body, code, message) => {
    server.options.overrides.set(METADATA, Buffer.from(body()));

    const error = await thrown(poll());

    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('a file larger than MAX_METADATA_BYTES', async () => {
    server.options.overrides.set(METADATA, Buffer.from(original().replace('</metadata>', `<!-- ${'x'.repeat(5000)} -->\n</metadata>`)));

    const error = await thrown(poll({ MAX_METADATA_BYTES: 2048 }));

    expect(error).toMatchObject({
      kind: 'permanent',
      code: 'metadata_too_large',
      message: `${server.url}${METADATA.slice(1)} is larger than 2048 bytes; raise BATON_PLUGIN_MAVEN_MAX_METADATA_BYTES to read it`,
    });
  });

  it('records nothing, so that the repaired file is read afresh', async () => {
    const store = new MemoryKeyValueStore();
    server.options.overrides.set(METADATA, Buffer.from('<metadata><versioning>'));
    await thrown(poll({}, store));
    server.options.overrides.clear();

    const { revision } = await poll({}, store);

    expect(revision?.revision).toBe('3.1');
  });
});

describe('HTTP answers', () => {
  it.each([
    [401, 'access_denied', `refused access (401); check USERNAME and PASSWORD, or AUTH_TOKEN`],
    [403, 'access_denied', `refused access (403); check USERNAME and PASSWORD, or AUTH_TOKEN`],
    [410, 'http_410', 'answered 410 instead of maven-metadata.xml'],
  ])('%s on the metadata is a permanent error', async (status, code, message) => {
    server.options.overrides.set(METADATA, status);

    const error = await thrown(poll());

    expect(error).toMatchObject({ kind: 'permanent', code, message: `${server.url}${METADATA.slice(1)} ${message}` });
  });

  it.each([500, 503, 429])('%s on the metadata is transient', async (status) => {
    server.options.overrides.set(METADATA, status);

    const error = await thrown(poll());

    expect(error).toBeInstanceOf(TransientError);
  });

  it('a 503 on the existence check is transient, a 403 permanent', async () => {
    server.options.overrides.set(JAR, 503);
    const unavailable = await thrown(poll());
    server.options.overrides.set(JAR, 403);

    const refused = await thrown(poll());

    expect(unavailable).toMatchObject({ kind: 'transient', code: 'http_503' });
    expect(refused).toMatchObject({ kind: 'permanent', code: 'access_denied', message: expect.stringContaining(`${JAR.slice(1)} refused access (403)`) });
  });

  it('an artifact without metadata (404) is nothing deployed yet, with a warning naming the URL', async () => {
    server.options.overrides.set(METADATA, 404);

    const result = await poll();
    const check = await plugin.checkPackageConnection({ REPO_URL: server.url }, pkg, contextFor());

    const warning = `Nothing deployed as com.imagingbook:imagingbook-common yet: there is no ${server.url}${METADATA.slice(1)} (404)`;
    expect(result).toEqual({ revision: null, warnings: [warning] });
    expect(check).toEqual({
      ok: false,
      messages: ["No version of com.imagingbook:imagingbook-common matches the package's settings.", warning],
      revision: null,
    });
  });

  it('a failure of one artifact stays with its packages in a batch', async () => {
    server.options.overrides.set(METADATA, 403);
    const items = [
      { key: 'common', package: pkg, previous: null },
      { key: 'all', package: { ...pkg, ARTIFACT_ID: 'imagingbook_plugins_all' }, previous: null },
      { key: 'common-sources', package: { ...pkg, CLASSIFIER: 'sources' }, previous: null },
    ];

    const answers = await batch({ REPO_URL: server.url }, items, contextFor());

    expect(answers.map((a) => [a.key, a.error ? `${(a.error as PermanentError).code}` : a.result?.revision?.revision])).toEqual([
      ['common', 'access_denied'],
      ['all', '3.1'],
      ['common-sources', 'access_denied'],
    ]);
  });

  it('a checksum sidecar that is not hex is a permanent error naming it', async () => {
    server.options.overrides.set(`${JAR}.sha1`, Buffer.from('<html><body>Moved</body></html>'));

    const error = await thrown(poll());

    expect(error).toMatchObject({
      kind: 'permanent',
      code: 'bad_checksum',
      message: `${server.url}${JAR.slice(1)}.sha1 does not hold a sha1 checksum (hex digits, as the sidecars Maven writes)`,
    });
  });

  it('an unreadable POM only leaves its facts out', async () => {
    server.options.overrides.set(JAR.replace('.jar', '.pom'), Buffer.from('<project><name>unclosed</project>'));
    const ctx = contextFor();

    const { revision } = await plugin.latestRevision({ REPO_URL: server.url }, pkg, ctx);

    expect(revision?.revision).toBe('3.1');
    expect(revision?.user).toBeUndefined();
    expect(ctx.logLines.join('\n')).toContain('the POM cannot be read');
  });
});

describe('connection checks', () => {
  it('accepts a 404 on the repository root, saying why', async () => {
    const check = await plugin.checkRepositoryConnection({ REPO_URL: server.url }, contextFor());

    expect(check).toEqual({
      ok: true,
      messages: [
        `The repository at ${server.url} answers 404 on its root, as many repository managers do (they list no folders there); artifacts are read by their paths`,
      ],
    });
  });

  it('accepts a root that answers 200', async () => {
    server.options.overrides.set('/', Buffer.from('<html>index</html>'));

    const check = await plugin.checkRepositoryConnection({ REPO_URL: server.url }, contextFor());

    expect(check).toEqual({ ok: true, messages: [`Successfully accessed the repository at ${server.url} (200)`] });
  });

  it('fails a root that refuses access, asking to check the credentials', async () => {
    server.options.auth = { username: 'ci', password: 's3cret' };

    const check = await plugin.checkRepositoryConnection({ REPO_URL: server.url }, contextFor());

    expect(check).toEqual({ ok: false, messages: [`The repository at ${server.url} answered 401; check USERNAME and PASSWORD, or AUTH_TOKEN`] });
  });

  it('fails a repository that cannot be reached', async () => {
    const check = await plugin.checkRepositoryConnection({ REPO_URL: 'http://127.0.0.1:9/' }, contextFor());

    expect(check.ok).toBe(false);
    expect(check.messages[0]).toMatch(/^http:\/\/127\.0\.0\.1:9\/: /);
  });

  it("finds a package as 'group:artifact:version'", async () => {
    const check = await plugin.checkPackageConnection({ REPO_URL: server.url }, pkg, contextFor());

    expect(check.ok).toBe(true);
    expect(check.messages).toEqual(["Found artifact 'com.imagingbook:imagingbook-common:3.1'."]);
    expect(check.revision?.revision).toBe('3.1');
  });

  it('fails a package whose metadata cannot be read, with the reason', async () => {
    server.options.overrides.set(METADATA, 403);

    const check = await plugin.checkPackageConnection({ REPO_URL: server.url }, pkg, contextFor());

    expect(check).toEqual({
      ok: false,
      messages: [`${server.url}${METADATA.slice(1)} refused access (403); check USERNAME and PASSWORD, or AUTH_TOKEN`],
      revision: null,
    });
  });
});
