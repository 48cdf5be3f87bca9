import { compareMavenVersions, isPrerelease, isSnapshot, parseMavenVersion } from '../src/version';

const compare = (a: string, b: string): number => compareMavenVersions(parseMavenVersion(a), parseMavenVersion(b));

// Maven's own ComparableVersion test vectors, as FORMATS.md §2 lists them.
const INCREASING = [
  '1-alpha2snapshot',
  '1-alpha2',
  '1-alpha-123',
  '1-beta-2',
  '1-beta123',
  '1-m2',
  '1-m11',
  '1-rc',
  '1-cr2',
  '1-rc123',
  '1-SNAPSHOT',
  '1',
  '1-sp',
  '1-sp2',
  '1-sp123',
  '1-abc',
  '1-def',
  '1-pom-1',
  '1-1-snapshot',
  '1-1',
  '1-2',
  '1-123',
];

const EQUAL = [
  ['1', '1.0', '1.0.0', '1-0', '1.0-0'],
  ['1a', '1-a', '1.0-a'],
  ['1x', '1-x', '1.0.0-x'],
  ['1cr', '1rc'],
  ['1a1', '1-alpha-1'],
  ['1b2', '1-beta-2'],
  ['1m3', '1-milestone-3', '1MILESTONE3'],
  ['1X', '1x'],
];

const PAIRS = [
  ['1.0-alpha-1', '1.0'],
  ['1.0-SNAPSHOT', '1.0'],
  ['1.0', '1.0-1'],
  ['1.0.0', '1.0-1'],
  ['2.0-1', '2.0.1'],
  ['2.0.1', '2.0.1-xyz'],
  ['2.0.1-xyz', '2.0.1-123'],
  ['1.0-alpha-1-SNAPSHOT', '1.0-alpha-1'],
  ['0.2', '1.0.7'],
];

const everyPair = (list: string[]): [string, string][] => list.flatMap((a, i) => list.slice(i + 1).map((b): [string, string] => [a, b]));

describe("Maven's ComparableVersion order", () => {
  it.each(everyPair(INCREASING))('%s < %s (the qualifier sequence, every pair)', (lower, higher) => {
    expect(compare(lower, higher)).toBe(-1);
    expect(compare(higher, lower)).toBe(1);
  });

  it.each(EQUAL.flatMap((group) => everyPair(group)))('%s = %s', (a, b) => {
    expect(compare(a, b)).toBe(0);
    expect(compare(b, a)).toBe(0);
  });

  it.each(['1ga', '1release', '1final', '1GA', '1FINAL'])('%s sorts as 1, though it is another string', (version) => {
    expect(compare(version, '1')).toBe(0);
    expect(compare('1', version)).toBe(0);
  });

  it.each(PAIRS)('%s < %s', (lower, higher) => {
    expect(compare(lower, higher)).toBe(-1);
    expect(compare(higher, lower)).toBe(1);
  });

  it.each([
    ['1.10', '1.9'],
    ['1.0.10', '1.0.9'],
    ['12345678901234567890123', '12345678901234567890122'],
    ['1.007', '1.6'],
    ['3.1', '3.1-SNAPSHOT'],
    ['2.0', '2.0-rc1'],
  ])('%s > %s (numbers compare as numbers, of any size)', (higher, lower) => {
    expect(compare(higher, lower)).toBe(1);
  });

  it('sorts a list in deploy order into version order', () => {
    const deployed = ['1.5', '1.6', '1.7', '1.8', '1.9', '2.0-SNAPSHOT', '3.0', '3.1', '1.10', '3.1-SNAPSHOT'];

    const sorted = deployed
      .map(parseMavenVersion)
      .sort(compareMavenVersions)
      .map((v) => v.text);

    expect(sorted).toEqual(['1.5', '1.6', '1.7', '1.8', '1.9', '1.10', '2.0-SNAPSHOT', '3.0', '3.1-SNAPSHOT', '3.1']);
  });
});

describe('kinds of versions', () => {
  it.each([
    ['1.0-alpha-1', true],
    ['1.0a1', true],
    ['2.0-beta', true],
    ['2.0-M3', true],
    ['2.0-milestone-3', true],
    ['2.0-rc1', true],
    ['2.0-CR2', true],
    ['2.0', false],
    ['2.0-SNAPSHOT', false],
    ['2.0-sp1', false],
    ['2.0-m', false],
    ['2.0.Final', false],
    ['2.0-20210822.092232-1', false],
  ])('%s is a pre-release: %s', (version, expected) => {
    expect(isPrerelease(parseMavenVersion(version))).toBe(expected);
  });

  it.each([
    ['1.0-SNAPSHOT', true],
    ['1.0-snapshot', true],
    ['1.0', false],
    ['1.0-SNAPSHOT-1', false],
  ])('%s is a snapshot: %s', (version, expected) => {
    expect(isSnapshot(version)).toBe(expected);
  });
});
