import type { Packument, VersionRecord } from '../src/parse-packument';
import { checksumOf, toRevision } from '../src/package-revision';
import { browsableUrl } from '../src/project-url';

describe('a repository URL made browsable', () => {
  it.each([
    ['git+https://github.com/npm/node-semver.git', 'https://github.com/npm/node-semver'],
    ['git://github.com/TooTallNate/once.git', 'https://github.com/TooTallNate/once'],
    ['git@github.com:azer/left-pad.git', 'https://github.com/azer/left-pad'],
    ['git+ssh://git@gitlab.com/group/tool.git', 'https://gitlab.com/group/tool'],
    ['http://github.com/mikeal/request.git', 'http://github.com/mikeal/request'],
    ['https://git.example.org/team/tool', 'https://git.example.org/team/tool'],
    ['github:user/repo', 'https://github.com/user/repo'],
    ['gitlab:group/tool', 'https://gitlab.com/group/tool'],
    ['bitbucket:team/tool', 'https://bitbucket.org/team/tool'],
    ['user/repo', 'https://github.com/user/repo'],
    ['git+https://ci:s3cret@git.example.org/team/tool.git', 'https://git.example.org/team/tool'],
  ])('%s is %s', (url, expected) => {
    expect(browsableUrl(url)).toBe(expected);
  });

  it.each(['not a url', 'file:///srv/tool'])('%s is nothing browsable', (url) => {
    expect(browsableUrl(url)).toBeNull();
  });
});

describe('the checksum of a tarball', () => {
  const sha512 = 'a'.repeat(128);
  const integrity = `sha512-${Buffer.from(sha512, 'hex').toString('base64')}`;

  it.each([
    [{ integrity, shasum: 'b'.repeat(40) }, `sha512:${sha512}`],
    [{ integrity: `sha1-${Buffer.from('c'.repeat(40), 'hex').toString('base64')} ${integrity}` }, `sha512:${sha512}`],
    [{ shasum: 'D'.repeat(40) }, `sha1:${'d'.repeat(40)}`],
    [{ integrity: 'sha1-abc' }, null],
    [{}, null],
  ])('%j: %s', (record, expected) => {
    expect(checksumOf(record)).toBe(expected);
  });
});

describe('a version as a revision', () => {
  const packument: Packument = { name: 'tool', distTags: { latest: '1.0.0', stable: '1.0.0', next: '2.0.0-rc.1' }, versions: [], skipped: [] };
  const record: VersionRecord = {
    version: '1.0.0',
    time: '2026-01-02T03:04:05.678901+00:00',
    tarball: 'https://ci:s3cret@registry.example.org/npm/tool/-/tool-1.0.0.tgz',
    deprecated: 'use 2.x',
    homepage: 'https://tool.example.org/',
  };

  it('locates the tarball without credentials, lists its tags, and links the homepage when there is no repository', () => {
    const revision = toRevision(record, packument, '2026-05-01T00:00:00Z', false);

    expect(revision.data).toEqual({ VERSION: '1.0.0', LOCATION: 'https://registry.example.org/npm/tool/-/tool-1.0.0.tgz', DIST_TAGS: 'latest,stable' });
    expect(revision.timestamp.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(revision.trackbackUrl).toBe('https://tool.example.org/');
  });

  it('carries the deprecation message only when deprecated versions are included', () => {
    expect(toRevision(record, packument, '2026-05-01T00:00:00Z', true).data?.['DEPRECATED']).toBe('use 2.x');
  });
});
