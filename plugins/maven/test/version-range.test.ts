import { boundsRange, containsVersion, parseVersionRange, RangeSyntaxError } from '../src/version-range';
import { parseMavenVersion } from '../src/version';

const contains = (range: string, version: string): boolean => containsVersion(parseVersionRange(range), parseMavenVersion(version));

describe('Maven version ranges', () => {
  it.each([
    ['[1.0]', '1.0', true],
    ['[1.0]', '1.0.0', true],
    ['[1.0]', '1.0.1', false],
    ['(,1.0]', '0.9', true],
    ['(,1.0]', '1.0', true],
    ['(,1.0]', '1.0.1', false],
    ['(,1.0)', '1.0', false],
    ['[1.2,1.3]', '1.2', true],
    ['[1.2,1.3]', '1.3', true],
    ['[1.2,1.3]', '1.3.1', false],
    ['[1.2,1.3]', '1.1', false],
    ['(1.2,1.3]', '1.2', false],
    ['[1.0,2.0)', '1.0', true],
    ['[1.0,2.0)', '1.9.9', true],
    ['[1.0,2.0)', '2.0', false],
    ['[1.0,2.0)', '2.0-rc1', true],
    ['[1.0,2.0)', '2.0-SNAPSHOT', true],
    ['[1.0,2.0)', '1.0-rc1', false],
    ['[1.5,)', '1.5', true],
    ['[1.5,)', '99', true],
    ['[1.5,)', '1.4', false],
    ['(,1.0],[1.2,)', '1.0', true],
    ['(,1.0],[1.2,)', '1.1', false],
    ['(,1.0],[1.2,)', '1.2', true],
    ['(,1.0],[1.2,)', '3.0', true],
    ['(,1.1),(1.1,)', '1.1', false],
    ['(,1.1),(1.1,)', '1.0', true],
    ['(,1.1),(1.1,)', '1.1.1', true],
    [' [ 1.0 , 2.0 ) ', '1.5', true],
    ['1.0', '1.0', true],
    ['1.0', '3.0', true],
    ['1.0', '0.9', false],
  ])('%s contains %s: %s', (range, version, expected) => {
    expect(contains(range, version)).toBe(expected);
  });

  it.each([
    ['', /empty/],
    ['[1.0', /not closed/],
    ['(1.0)', /single version must be written in brackets/],
    ['[2.0,1.0]', /lower bound must be below the upper bound/],
    ['[1.0,1.0)', /lower bound must be below the upper bound/],
    ['[1.0,2.0,3.0]', /more than two bounds/],
    ['[1.0,2.0],[1.5,)', /must not overlap/],
    ['[1.2,),(,1.0]', /must not overlap/],
    ['[1.0,2.0] 3.0', /neither a bracketed range nor a single version/],
    ['1.0 2.0', /neither a bracketed range nor a single version/],
  ])('%j is refused: %s', (range, message) => {
    expect(() => parseVersionRange(range)).toThrow(RangeSyntaxError);
    expect(() => parseVersionRange(range)).toThrow(message);
  });
});

describe("GoCD's from / to bounds", () => {
  it.each([
    ['1.0', '2.0', '1.0', true],
    ['1.0', '2.0', '1.9', true],
    ['1.0', '2.0', '2.0', false],
    ['1.0', '2.0', '2.0-rc1', true],
    ['1.0', '2.0', '0.9', false],
    ['1.0', null, '7.0', true],
    [null, '2.0', '0.1', true],
    [null, '2.0', '2.0.1', false],
  ])('from %s to %s contains %s: %s', (from, to, version, expected) => {
    expect(containsVersion(boundsRange(from, to), parseMavenVersion(version))).toBe(expected);
  });
});
