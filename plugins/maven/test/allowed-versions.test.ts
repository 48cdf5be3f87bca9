import { allowedVersions } from '../src/artifact-choice';
import { selectionOf } from '../src/config';
import { compareVersionTexts } from '../src/version';

/** Versions in a scrambled deploy order: releases, pre-releases, snapshots, qualifiers, numbers of every width. */
function scrambled(count: number): string[] {
  const versions: string[] = [];
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647);
  for (let i = 0; i < count; i += 1) {
    const base = `${next() % 12}.${next() % 30}.${next() % 5}`;
    const suffix = ['', '', '', '-rc1', '-alpha-2', '-SNAPSHOT', '.Final', '-sp1', '-M3'][next() % 9];
    versions.push(`${base}${suffix}`);
  }
  return versions;
}

describe('allowedVersions', () => {
  const cases: [Record<string, string>, string][] = [
    [{}, 'releases and pre-releases'],
    [{ INCLUDE_PRERELEASES: 'false' }, 'releases only'],
    [{ INCLUDE_SNAPSHOTS: 'true', VERSION_RANGE: '[2.0,9.0)' }, 'snapshots too, in a range'],
  ];

  it.each(cases)('answers every allowed version, highest first, as a full sort would (%j: %s)', (extra) => {
    const versions = scrambled(2_000);
    const selection = selectionOf({ GROUP_ID: 'org.example', ARTIFACT_ID: 'tool', ...extra });

    const ordered = [...allowedVersions({ versions, lastUpdated: null }, selection)];

    expect(ordered.length).toBeGreaterThan(100);
    for (let i = 1; i < ordered.length; i += 1) expect(compareVersionTexts(ordered[i - 1], ordered[i])).toBeGreaterThanOrEqual(0);
    const everyAllowed = versions.filter((version) => ordered.includes(version));
    expect([...ordered].sort()).toEqual([...everyAllowed].sort());
  });

  // The highest comes from one pass over the list, the rest from a heap of what remains: the
  // highest at the start, in the middle, at the end, alone, and among pre-releases and a snapshot.
  it.each([
    [
      ['3.0', '1.0', '2.0'],
      ['3.0', '2.0', '1.0'],
    ],
    [
      ['1.0', '3.0', '2.0'],
      ['3.0', '2.0', '1.0'],
    ],
    [
      ['1.0', '2.0', '3.0'],
      ['3.0', '2.0', '1.0'],
    ],
    [['1.0'], ['1.0']],
    [
      ['2.0-rc1', '2.0', '2.0-SNAPSHOT', '1.10', '1.9'],
      ['2.0', '2.0-rc1', '1.10', '1.9'],
    ],
  ])('answers %j as %j', (versions, expected) => {
    const ordered = [...allowedVersions({ versions, lastUpdated: null }, selectionOf({ GROUP_ID: 'g', ARTIFACT_ID: 'a' }))];

    expect(ordered).toEqual(expected);
  });

  it('answers nothing for no versions', () => {
    const ordered = [...allowedVersions({ versions: [], lastUpdated: null }, selectionOf({ GROUP_ID: 'g', ARTIFACT_ID: 'a' }))];

    expect(ordered).toEqual([]);
  });
});
