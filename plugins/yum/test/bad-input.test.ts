import { createHash } from 'node:crypto';
import { PermanentError } from '@baton/plugin-api';
import { MemoryKeyValueStore } from '@baton/plugin-api/testing';
import { ScratchFolders, compress, fileUrl, fixturePrimaryXml, type Codec } from './support/repositories';
import { contextFor, plugin, thrown } from './support/plugin-calls';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';

const XML = fixturePrimaryXml('scrt-yum');
const folders = new ScratchFolders();
afterAll(() => folders.remove());

function latestIn(dir: string, settings: Record<string, number> = {}): Promise<unknown> {
  return plugin.latestRevision({ REPO_URL: fileUrl(dir) }, { PACKAGE_SPEC: 'scrt.x86_64' }, contextFor(new MemoryKeyValueStore(), settings));
}

describe('every codec through the plugin', () => {
  it.each(['gzip', 'xz', 'zstd', 'bzip2', 'plain'] as Codec[])('reads a %s primary', async (codec) => {
    const dir = folders.repositoryOf(XML, codec);

    const result = await latestIn(dir);

    expect(result).toMatchObject({ revision: { revision: 'scrt-0.3.3-1.x86_64' } });
  });
});

function damaged(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy.fill(0x55, Math.floor(copy.length / 2), Math.floor(copy.length / 2) + 64);
  return copy;
}

/** A plain primary larger than one read, damaged at its start but described by the intact file's checksum. */
function damagedEarly(): string {
  const text = XML.toString('utf8');
  const packages = text.slice(text.indexOf('<package '), text.lastIndexOf('</metadata>'));
  const intact = Buffer.from(text.replace('</metadata>', `${packages.repeat(5)}</metadata>`));
  const checksum = createHash('sha256').update(intact).digest('hex');
  const bytes = Buffer.from(intact);
  bytes.write('<metaXata', intact.indexOf('<metadata'));
  return folders.repository(bytes, { name: 'primary.xml', checksum });
}

const doctype = Buffer.from(XML.toString('utf8').replace('<metadata', '<!DOCTYPE metadata [<!ENTITY boom "boom">]>\n<metadata'));
const brokenXml = Buffer.from(XML.toString('utf8').replace('</package>', ''));

describe('bad input is a permanent error that names the file and what was wrong', () => {
  it.each([
    [
      'truncated gzip',
      () => folders.repository(compress(XML, 'gzip').subarray(0, 1500)),
      'corrupt_metadata',
      /primary\.xml\.gz: corrupt or truncated gzip data/,
    ],
    [
      'corrupt zstd',
      () => folders.repository(damaged(compress(XML, 'zstd')), { name: 'primary.xml.zst' }),
      'corrupt_metadata',
      /primary\.xml\.zst: corrupt or truncated zstd data/,
    ],
    [
      'truncated xz',
      () => folders.repository(compress(XML, 'xz').subarray(0, 900), { name: 'primary.xml.xz' }),
      'corrupt_metadata',
      /primary\.xml\.xz: corrupt or truncated xz data/,
    ],
    [
      'corrupt bzip2',
      () => folders.repository(damaged(compress(XML, 'bzip2')), { name: 'primary.xml.bz2' }),
      'corrupt_metadata',
      /primary\.xml\.bz2: corrupt or truncated bzip2 data/,
    ],
    ['malformed XML', () => folders.repositoryOf(brokenXml, 'gzip'), 'malformed_metadata', /primary\.xml\.gz: a <package> entry is not closed/],
    ['a DOCTYPE in primary', () => folders.repositoryOf(doctype, 'gzip'), 'malformed_metadata', /primary\.xml\.gz: it has a <!DOCTYPE>, which is refused/],
    ['a file in no known format', () => folders.repository(Buffer.from('PK\u0003\u0004 zip')), 'unknown_compression', /primary\.xml\.gz is neither gzip/],
    [
      'a checksum mismatch',
      () => folders.repository(compress(XML, 'gzip'), { checksum: 'ab'.repeat(32) }),
      'checksum_mismatch',
      /primary\.xml\.gz: its sha256 checksum is [0-9a-f]{64}, but repomd\.xml says (ab){32}/,
    ],
    [
      'a sha1 (written "sha") mismatch',
      () => folders.repository(compress(XML, 'gzip'), { checksumType: 'sha', checksum: 'ab'.repeat(20) }),
      'checksum_mismatch',
      /its sha1 checksum is/,
    ],
    ['damage found before the end, which the checksum explains', damagedEarly, 'checksum_mismatch', /primary\.xml: its sha256 checksum/],
    [
      'an unknown checksum type',
      () => folders.repository(compress(XML, 'gzip'), { checksumType: 'crc99', checksum: 'ab' }),
      'bad_metadata',
      /unusable checksum \(crc99\)/,
    ],
    [
      'a DOCTYPE in repomd.xml',
      () => folders.repository(compress(XML, 'gzip'), { repomd: (xml) => xml.replace('<repomd', '<!DOCTYPE repomd>\n<repomd') }),
      'malformed_metadata',
      /repomd\.xml: it has a <!DOCTYPE>/,
    ],
    [
      'malformed repomd.xml',
      () => folders.repository(compress(XML, 'gzip'), { repomd: (xml) => xml.replace('</data>', '') }),
      'malformed_metadata',
      /repomd\.xml: .*line/,
    ],
    [
      'a deeply nested repomd.xml',
      () => folders.repository(compress(XML, 'gzip'), { repomd: (xml) => xml.replace('</repomd>', `${'<x>'.repeat(500)}${'</x>'.repeat(500)}</repomd>`) }),
      'malformed_metadata',
      /repomd\.xml: .*nested/,
    ],
    [
      'repomd.xml without primary',
      () => folders.repository(compress(XML, 'gzip'), { repomd: (xml) => xml.replace('type="primary"', 'type="other"') }),
      'no_primary',
      /repomd\.xml lists no primary metadata/,
    ],
    [
      'a missing primary file',
      () => folders.repository(compress(XML, 'gzip'), { repomd: (xml) => xml.replace('primary.xml.gz', 'gone.xml.gz') }),
      'not_found',
      /the primary metadata named by repomd\.xml not found at .*gone\.xml\.gz \(404\)/,
    ],
  ])('%s', async (_case, makeRepository, code, message) => {
    const dir = makeRepository();

    const error = await thrown(latestIn(dir));

    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('a primary larger than MAX_METADATA_BYTES once decompressed', async () => {
    const dir = folders.repositoryOf(XML, 'gzip');

    const error = await thrown(latestIn(dir, { MAX_METADATA_BYTES: 10_000 }));

    expect(error).toMatchObject({
      code: 'metadata_too_large',
      message: 'repodata/primary.xml.gz is larger than 10000 bytes once decompressed; raise BATON_PLUGIN_YUM_MAX_METADATA_BYTES to read it',
    });
  });

  it.each([
    ['a <package> entry', (xml: string) => xml.replace('</name>', `${'n'.repeat(300_000)}</name>`)],
    ['a comment between entries', (xml: string) => xml.replace('<package ', `<!-- ${'c'.repeat(300_000)} -->\n<package `)],
    ['an element that never closes', (xml: string) => xml.replace('</name>', 'n'.repeat(300_000))],
  ])('%s larger than MAX_ENTRY_BYTES once decompressed', async (_case, grow) => {
    const dir = folders.repositoryOf(grow(XML.toString('utf8')), 'gzip');

    const error = await thrown(latestIn(dir, { MAX_ENTRY_BYTES: 200_000 }));

    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({
      code: 'entry_too_large',
      message: expect.stringMatching(
        /^repodata\/primary\.xml\.gz: an entry starting at byte \d+ is larger than 200000 bytes once decompressed; raise BATON_PLUGIN_YUM_MAX_ENTRY_BYTES to read it$/,
      ),
    });
  });

  it('a folder that is not a repository', async () => {
    const dir = folders.copy('edge-cases');

    const error = await thrown(latestIn(`${dir}/nothing-here`));
    const check = await plugin.checkRepositoryConnection({ REPO_URL: fileUrl(`${dir}/nothing-here`) }, contextFor());

    expect(error).toMatchObject({ code: 'not_found', message: expect.stringContaining('repository metadata (repodata/repomd.xml) not found at') });
    expect(check.ok).toBe(false);
  });
});

describe('over HTTP', () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await startFixtureServer(folders.repositoryOf(XML, 'gzip'));
  });
  afterAll(() => server.close());

  it('fails permanently on a status that is neither 200 nor 304', async () => {
    server.options.overrides.set('/repodata/repomd.xml', 410);

    const error = await thrown(plugin.latestRevision({ REPO_URL: server.url }, { PACKAGE_SPEC: 'scrt' }, contextFor()));

    expect(error).toMatchObject({
      kind: 'permanent',
      code: 'http_410',
      message: `${server.url}repodata/repomd.xml answered 410 instead of repository metadata (repodata/repomd.xml)`,
    });
  });

  it('leaves server failures transient', async () => {
    server.options.overrides.set('/repodata/repomd.xml', 503);

    const error = await thrown(plugin.latestRevision({ REPO_URL: server.url }, { PACKAGE_SPEC: 'scrt' }, contextFor()));

    expect(error).toMatchObject({ kind: 'transient', code: 'http_503' });
  });
});
