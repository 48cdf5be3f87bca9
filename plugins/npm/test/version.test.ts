import { packageQuery } from '../src/config';
import { parsePackument } from '../src/parse-packument';
import { chosenVersion, inRange, isNewer } from '../src/version';
import { daily, madeUpPackument, type MadeUpVersion } from './support/packuments';

describe("node-semver's pre-release rules", () => {
  it.each([
    ['1.2.3-beta', '^1.2.3', false, false],
    ['2.0.0-alpha', '^1.2.3', false, false],
    ['1.2.4', '^1.2.3', false, true],
    ['1.0.0-rc1', '*', false, false],
    ['1.0.0-rc1', '*', true, true],
    ['1.2.4-beta', '^1.2.4-alpha', false, true],
    ['1.2.5-beta', '^1.2.4-alpha', false, false],
    ['1.2.5-beta', '^1.2.4-alpha', true, true],
    ['1.2.3-alpha.7', '>1.2.3-alpha.3', false, true],
    ['3.4.5-alpha.9', '>1.2.3-alpha.3', false, false],
    ['3.4.5-alpha.9', '>1.2.3-alpha.3', true, true],
    ['1.5.0-rc.1', '>=1 <2', false, false],
    ['1.5.0-rc.1', '>=1 <2', true, true],
    ['2.0.0-rc.1', '>=1 <2', true, false],
    ['2.0.0-rc.1', '2.0.0-rc.1', false, true],
    ['1.2.3-beta', '1.2.3-alpha - 1.2.3', false, true],
    ['1.2.3-beta', '~1.2.3', false, false],
  ])('%s in %s (pre-releases included: %s): %s', (version, range, includePrerelease, expected) => {
    expect(inRange(version, range, includePrerelease)).toBe(expected);
  });

  it.each([
    ['1.10.0', '1.9.2', true],
    ['2.0.0', '2.0.0-rc.1', true],
    ['2.0.0-rc.2', '2.0.0-rc.10', false],
    ['1.0.0', '1.0.0', false],
    ['1.0.0', 'not-a-version', true],
  ])('%s is newer than %s: %s', (version, previous, expected) => {
    expect(isNewer(version, previous)).toBe(expected);
  });
});

const URL = 'http://127.0.0.1:1/npm/tool';

function packumentOf(versions: MadeUpVersion[], distTags: Record<string, string>) {
  return parsePackument(Buffer.from(JSON.stringify(madeUpPackument('tool', versions, distTags))), URL);
}

describe('the version a package question lands on', () => {
  const versions: MadeUpVersion[] = [
    ...daily('1.0.0', '1.1.0', '1.2.0', '2.0.0-rc.1', '1.3.0'),
    { version: '1.4.0', time: '2026-02-01T00:00:00Z', deprecated: 'broken, use 1.3.0' },
  ];
  const packument = packumentOf(versions, { latest: '1.4.0', next: '2.0.0-rc.1', stable: '1.2.0', old: '0.9.0', legacy: '1.0.0' });

  it.each([
    [{}, '1.3.0'],
    [{ INCLUDE_DEPRECATED: 'true' }, '1.4.0'],
    [{ INCLUDE_PRERELEASE: 'true' }, '2.0.0-rc.1'],
    [{ VERSION_RANGE: '>=2.0.0-rc.0' }, '2.0.0-rc.1'],
    [{ VERSION_RANGE: '~1.1' }, '1.1.0'],
    [{ VERSION_RANGE: '^3' }, null],
    [{ DIST_TAG: 'stable' }, '1.2.0'],
    [{ DIST_TAG: 'next', INCLUDE_PRERELEASE: 'true' }, '2.0.0-rc.1'],
    [{ DIST_TAG: 'latest', INCLUDE_DEPRECATED: 'true' }, '1.4.0'],
  ])('%j: %s', (pkg, expected) => {
    const choice = chosenVersion(packument, packageQuery({ PACKAGE_NAME: 'tool', ...pkg }));

    expect(choice.record?.version ?? null).toBe(expected);
    expect(choice.warnings).toEqual([]);
  });

  it.each([
    [['3.0.0', '1.0.0', '2.10.0', '2.9.0'], '*', '3.0.0'],
    [['1.2.0', '9.0.0', '1.10.0', '1.9.9'], '^1', '1.10.0'],
    [['2.0.0', '2.0.0-rc.1', '1.0.0'], '*', '2.0.0'],
    [['2.0.0-rc.1', '2.0.0-rc.2', '2.0.0-beta'], '>=2.0.0-alpha', '2.0.0-rc.2'],
    [['v1.5.0', '1.4.0'], '*', 'v1.5.0'],
  ])('the highest of %j in %s, in whatever order they are listed: %s', (listed, range, expected) => {
    const unordered = packumentOf(daily(...listed), {});

    expect(chosenVersion(unordered, packageQuery({ PACKAGE_NAME: 'tool', VERSION_RANGE: range })).record?.version).toBe(expected);
  });

  it('keeps the first listed of versions equal by semver (their build metadata aside)', () => {
    const builds = packumentOf(daily('1.0.0+b', '1.0.0+a', '0.9.0'), {});

    expect(chosenVersion(builds, packageQuery({ PACKAGE_NAME: 'tool' })).record?.version).toBe('1.0.0+b');
  });

  it('answers a question asked again of the same packument from the first answer, and another question afresh', () => {
    const query = packageQuery({ PACKAGE_NAME: 'tool', VERSION_RANGE: '~1.1' });
    const first = chosenVersion(packument, query);
    const other = chosenVersion(packument, packageQuery({ PACKAGE_NAME: 'tool', VERSION_RANGE: '~1.2' }));

    expect(chosenVersion(packument, { ...query })).toBe(first);
    expect(other.record?.version).toBe('1.2.0');
    expect(chosenVersion(packumentOf(daily('1.1.0', '1.1.7'), {}), query).record?.version).toBe('1.1.7');
  });

  it('is none when every version in range is deprecated, with a warning', () => {
    const choice = chosenVersion(packument, packageQuery({ PACKAGE_NAME: 'tool', VERSION_RANGE: '>=1.4' }));

    expect(choice.record).toBeNull();
    expect(choice.warnings).toEqual(['every version of tool in the range >=1.4 is deprecated (the highest: 1.4.0), and INCLUDE_DEPRECATED is false']);
  });

  it.each([
    [{ DIST_TAG: 'next' }, "dist-tag 'next' of tool points at 2.0.0-rc.1, a pre-release, and INCLUDE_PRERELEASE is false"],
    [{ DIST_TAG: 'legacy', VERSION_RANGE: '^1.1' }, "dist-tag 'legacy' of tool points at 1.0.0, outside the range ^1.1"],
    [{ DIST_TAG: 'latest' }, "dist-tag 'latest' of tool points at 1.4.0, which is deprecated, and INCLUDE_DEPRECATED is false"],
    [{ DIST_TAG: 'old' }, "dist-tag 'old' of tool points at 0.9.0, which the packument does not list as a version"],
    [{ DIST_TAG: 'beta' }, "tool has no dist-tag 'beta' (its tags: latest, legacy, next, old, stable)"],
  ])('%j: no version, and a warning that says why', (pkg, warning) => {
    const choice = chosenVersion(packument, packageQuery({ PACKAGE_NAME: 'tool', ...pkg }));

    expect(choice.record).toBeNull();
    expect(choice.warnings).toEqual([expect.stringContaining(warning)]);
  });
});
