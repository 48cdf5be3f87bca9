import path from 'node:path';
import { readFileSync } from 'node:fs';
import { latestVersion } from '../src/latest-version';
import { packageEntries, parseIndex } from '../src/parse-index';
import { compareVersions, parseVersion } from '../src/version';

const INDEX_URL = 'https://downloads.example.org/pads/index.json';
const index = parseIndex(readFileSync(path.join(__dirname, 'fixtures', 'index.json')));

describe('version order', () => {
  it.each([
    ['1.10.0', '1.9.2'],
    ['1.0.1', '1.0'],
    ['2.0.0', '2.0.0-rc.1'],
    ['2.0.0-rc.2', '2.0.0-rc.1'],
  ])('%s comes after %s', (later, earlier) => {
    expect(compareVersions(parseVersion(later)!, parseVersion(earlier)!)).toBeGreaterThan(0);
    expect(compareVersions(parseVersion(earlier)!, parseVersion(later)!)).toBeLessThan(0);
  });

  it.each(['', 'v1.0', '1..2', 'not a version'])('%j is not a version', (text) => {
    expect(parseVersion(text)).toBeNull();
  });
});

describe('the latest version of a package in the index', () => {
  const leftPad = packageEntries(index, 'left-pad')!;

  it.each([
    [false, '1.10.0'],
    [true, '2.0.0-rc.1'],
  ])('with pre-releases included: %s, is %s', (includePrereleases, expected) => {
    const { revision } = latestVersion(leftPad, INDEX_URL, { includePrereleases, newerThan: null });

    expect(revision?.revision).toBe(expected);
  });

  it('locates its file beside the index, and dates it when it was published', () => {
    const { revision } = latestVersion(leftPad, INDEX_URL, { includePrereleases: false, newerThan: null });

    expect(revision?.data).toEqual({ LOCATION: 'https://downloads.example.org/pads/files/left-pad-1.10.0.tgz' });
    expect(revision?.timestamp.toISOString()).toBe('2024-03-02T12:30:00.000Z');
  });

  it('is nothing when no version is newer than the one given', () => {
    const { revision } = latestVersion(leftPad, INDEX_URL, { includePrereleases: false, newerThan: parseVersion('1.10.0') });

    expect(revision).toBeNull();
  });

  it('skips an odd entry with a warning, keeping the others', () => {
    const { revision, warnings } = latestVersion(packageEntries(index, 'right-pad')!, INDEX_URL, { includePrereleases: false, newerThan: null });

    expect(revision?.revision).toBe('0.3.0');
    expect(warnings).toEqual([expect.stringContaining('index entries skipped: 1')]);
  });

  it('is unknown for a name the index does not list', () => {
    expect(packageEntries(index, 'no-such-package')).toBeNull();
  });
});
