import { compareMavenVersions, compareMavenVersionsFully, parseMavenVersion } from '../src/version';

/** A seeded generator (Park–Miller), so that every run compares the same versions. */
function generator(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state * 48271) % 2147483647;
    return state % below;
  };
}

// Pieces that meet the shortcut's edges: zeros that normalizing drops, leading zeros, numbers too
// long for it, empty parts, qualifiers of every rank and case, and letters right after digits.
const NUMBERS = ['0', '00', '1', '2', '007', '10', '9', '999999999', '1000000000', '12345678901234567890'];
const QUALIFIERS = ['', 'a', 'b', 'm', 'alpha', 'Beta', 'milestone', 'rc', 'CR', 'SNAPSHOT', 'ga', 'Final', 'release', 'sp', 'x', 'xyz'];
const SEPARATORS = ['.', '.', '.', '-', ''];

/** A random version: usually plain numbers first (what the shortcut reads), then anything. */
function randomVersion(next: (below: number) => number): string {
  let text = '';
  const leading = next(5);
  for (let i = 0; i < leading; i += 1) text += `${i > 0 ? '.' : ''}${NUMBERS[next(NUMBERS.length)]}`;
  const rest = next(4);
  for (let i = 0; i < rest; i += 1) {
    text += SEPARATORS[next(SEPARATORS.length)];
    text += next(2) === 0 ? NUMBERS[next(NUMBERS.length)] : QUALIFIERS[next(QUALIFIERS.length)];
  }
  return text;
}

const sign = (value: number): number => (value > 0 ? 1 : value < 0 ? -1 : 0);

describe('the leading-numbers shortcut of the version order', () => {
  it('orders 500 random versions, every pair both ways, as the full comparison does', () => {
    const next = generator(20261204);
    const versions = Array.from({ length: 500 }, () => randomVersion(next));
    const parsed = versions.map(parseMavenVersion);
    const mismatches: string[] = [];

    for (const a of parsed) {
      for (const b of parsed) {
        const quick = compareMavenVersions(a, b);
        const full = compareMavenVersionsFully(a, b);
        if (sign(quick) !== sign(full)) mismatches.push(`${a.text} vs ${b.text}: ${quick}, fully ${full}`);
      }
    }

    expect(new Set(versions).size).toBeGreaterThan(400);
    expect(mismatches).toEqual([]);
  });

  // Pairs whose leading numbers decide, next to ones where normalizing drops a leading 0.
  const TRICKY = [
    '0',
    '',
    '0-1',
    '0.ga',
    '0-rc',
    '0.0.1',
    '1',
    '1.0-rc',
    '1.0.0',
    '1.0-1',
    '1.0.1',
    '1-1',
    '1.0.0-x',
    '1..2',
    '1.',
    '1.2a',
    '1.2-a',
    '007.1',
    '7.01',
    '1.1234567890',
    '1.1234567891',
    '-1',
    '.5',
  ];

  it.each(TRICKY.flatMap((a) => TRICKY.map((b): [string, string] => [a, b])))('%s vs %s as fully compared', (a, b) => {
    const quick = compareMavenVersions(parseMavenVersion(a), parseMavenVersion(b));

    expect(quick).toBe(compareMavenVersionsFully(parseMavenVersion(a), parseMavenVersion(b)));
  });

  it.each([
    ['1.22.3-rc1', 3, [1, 22, 3]],
    ['007.1', 2, [7, 1]],
    ['1.2.3.4', 3, [1, 2, 3]],
    ['1..2', 1, [1]],
    ['1.', 1, [1]],
    ['1a.2', 1, [1]],
    ['2-1.5', 1, [2]],
    ['1.1234567890', 1, [1]],
    ['abc', 0, []],
    ['', 0, []],
    ['.5', 0, []],
  ])('%s starts with %i plain numbers, read without parsing the rest', (text, count, numbers) => {
    const version = parseMavenVersion(text);

    expect(version.leads).toBe(count);
    expect([version.lead0, version.lead1, version.lead2].slice(0, count)).toEqual(numbers);
  });
});
