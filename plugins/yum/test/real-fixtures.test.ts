import { readFileSync } from 'node:fs';
import { FIXTURES, fileUrl, fixturePath } from './support/repositories';
import { contextFor, latest, plugin, stored, thrown } from './support/plugin-calls';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';

const KEY = readFileSync(fixturePath('scrt-yum', 'key.gpg'), 'utf8');

describe.each(['http', 'file'])('the real fixture repositories over %s', (transport) => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await startFixtureServer(FIXTURES);
  });
  afterAll(() => server.close());

  const base = (name: string): string => (transport === 'http' ? `${server.url}${name}/` : fileUrl(fixturePath(name)));

  describe('scrt-yum: gzip, old record order, sub-folder hrefs, several arches, signed', () => {
    it('answers scrt.x86_64 with the latest build and every field', async () => {
      const { revision } = await latest(base('scrt-yum'), 'scrt.x86_64');

      expect(revision).toEqual({
        revision: 'scrt-0.3.3-1.x86_64',
        timestamp: new Date(1654609807 * 1000),
        user: 'Charles Francoise <scrt@scrt.run>',
        comment: 'A secret manager for the command-line',
        trackbackUrl: 'https://scrt.run',
        data: {
          LOCATION: `${base('scrt-yum')}main/scrt_0.3.3_linux_x86_64.rpm`,
          CHECKSUM: 'sha256:7b00c6b47b4818a629611b90999e23a12faa1d4435fae58abdd327db22ca3bf8',
          EPOCH: '0',
          VERSION: '0.3.3',
          RELEASE: '1',
          ARCH: 'x86_64',
          BUILD_TIME: '1654609807',
          SIZE: '6136939',
          SOURCE_RPM: 'scrt-0.3.3-1.src.rpm',
        },
      });
    });

    it('refuses a spec that matches several arches, listing them', async () => {
      const error = await thrown(latest(base('scrt-yum'), 'scrt'));

      expect(error).toMatchObject({
        kind: 'permanent',
        code: 'ambiguous_spec',
        message: expect.stringContaining('scrt.aarch64, scrt.armhf, scrt.armv6hl, scrt.armv7hl, scrt.i386, scrt.x86_64'),
      });
    });

    it('refuses armhf, whose latest NEVRA stands for two different files', async () => {
      const error = await thrown(latest(base('scrt-yum'), 'scrt.armhf'));

      expect(error).toMatchObject({ kind: 'permanent', code: 'ambiguous_package' });
      expect((error as Error).message).toContain('scrt-0.3.2-1.armhf stands for 2 different files');
      expect((error as Error).message).toContain(`${base('scrt-yum')}main/scrt_0.3.2_linux_armv6.rpm`);
      expect((error as Error).message).toContain(`${base('scrt-yum')}main/scrt_0.3.2_linux_armv7.rpm`);
    });

    it('answers no revision, not an error, for a package it does not have, with the closest names as a warning', async () => {
      const result = await latest(base('scrt-yum'), 'scrt-agent');

      expect(result).toEqual({ revision: null, warnings: ["no package matches 'scrt-agent' in this repository; the closest names are: scrt"] });
    });

    it('checks the connection of the repository and of a package', async () => {
      const repository = { REPO_URL: base('scrt-yum') };

      const repoCheck = await plugin.checkRepositoryConnection(repository, contextFor());
      const found = await plugin.checkPackageConnection(repository, { PACKAGE_SPEC: 'scrt.x86_64' }, contextFor());
      const missing = await plugin.checkPackageConnection(repository, { PACKAGE_SPEC: 'nothing' }, contextFor());
      const ambiguous = await plugin.checkPackageConnection(repository, { PACKAGE_SPEC: 'scrt' }, contextFor());

      expect(repoCheck).toEqual({
        ok: true,
        messages: [`Successfully accessed repository metadata at ${base('scrt-yum')}repodata/repomd.xml (revision 1654609942)`],
      });
      expect(found).toMatchObject({ ok: true, messages: ["Found package 'scrt-0.3.3-1.x86_64'."] });
      expect(missing).toEqual({
        ok: false,
        messages: [`No package in ${base('scrt-yum')} matches the spec 'nothing'; no name in it comes close.`],
        revision: null,
      });
      expect(ambiguous).toMatchObject({ ok: false, messages: [expect.stringContaining("Package spec 'scrt' matches more than one package")] });
    });

    it('verifies the signed repomd.xml with its key', async () => {
      const { revision } = await latest(base('scrt-yum'), 'scrt.i386', undefined, { GPG_KEY: KEY });

      expect(revision?.revision).toBe('scrt-0.3.3-1.i386');
    });

    it('fails permanently when the signature was made with another key', async () => {
      const { generateKey } = await import('openpgp');
      const other = await generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ name: 'Someone Else', email: 'else@example.org' }],
        format: 'armored',
      });

      const error = await thrown(latest(base('scrt-yum'), 'scrt.i386', undefined, { GPG_KEY: other.publicKey }));
      const check = await plugin.checkRepositoryConnection({ REPO_URL: base('scrt-yum'), GPG_KEY: other.publicKey }, contextFor());

      expect(error).toMatchObject({
        kind: 'permanent',
        code: 'bad_signature',
        message: expect.stringContaining('repodata/repomd.xml does not verify against GPG_KEY'),
      });
      expect(check.ok).toBe(false);
    });
  });

  describe('moosync: zstd, three versions of one package', () => {
    const repository = (): Record<string, string> => ({ REPO_URL: base('moosync') });

    it('answers the highest version', async () => {
      const { revision } = await latest(base('moosync'), 'moosync');

      expect(revision?.revision).toBe('moosync-11.0.2-1.x86_64');
      expect(revision?.data?.['LOCATION']).toBe(`${base('moosync')}Moosync-11.0.2-1.x86_64.rpm`);
      expect(revision?.user).toBeUndefined();
    });

    it('finds 11.0.2 newer than 11.0.1, and nothing newer than 11.0.2', async () => {
      const older = await latest(base('moosync'), 'moosync-11.0.1');
      const newest = await latest(base('moosync'), 'moosync');

      const fromOlder = await plugin.latestRevisionSince(repository(), { PACKAGE_SPEC: 'moosync' }, stored(older.revision), contextFor());
      const fromNewest = await plugin.latestRevisionSince(repository(), { PACKAGE_SPEC: 'moosync' }, stored(newest.revision), contextFor());

      expect(older.revision?.revision).toBe('moosync-11.0.1-1.x86_64');
      expect(fromOlder.revision?.revision).toBe('moosync-11.0.2-1.x86_64');
      expect(fromNewest).toEqual({ revision: null });
    });

    it('fails permanently when GPG_KEY is set but there is no signature', async () => {
      const error = await thrown(latest(base('moosync'), 'moosync', undefined, { GPG_KEY: KEY }));

      expect(error).toMatchObject({
        kind: 'permanent',
        code: 'signature_missing',
        message: `GPG_KEY is set, but there is no signature at ${base('moosync')}repodata/repomd.xml.asc (404)`,
      });
    });
  });
});
