import { compareMavenVersions, parseMavenVersion, type MavenVersion } from './version';

/** One interval of a range; a missing bound is unbounded on that side. */
export interface Restriction {
  lower: MavenVersion | null;
  lowerInclusive: boolean;
  upper: MavenVersion | null;
  upperInclusive: boolean;
}

/** A version range: a union of intervals, in increasing order and not overlapping. */
export interface VersionRange {
  text: string;
  restrictions: Restriction[];
}

/** Thrown for a range that Maven's syntax does not allow; the message says why. */
export class RangeSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RangeSyntaxError';
  }
}

function bound(text: string): MavenVersion | null {
  return text === '' ? null : parseMavenVersion(text);
}

function parseRestriction(spec: string): Restriction {
  const lowerInclusive = spec.startsWith('[');
  const upperInclusive = spec.endsWith(']');
  const inside = spec.slice(1, -1).trim();
  const comma = inside.indexOf(',');
  if (comma < 0) {
    if (!lowerInclusive || !upperInclusive || inside === '') throw new RangeSyntaxError(`'${spec}': a single version must be written in brackets, as [1.0]`);
    const exact = parseMavenVersion(inside);
    return { lower: exact, lowerInclusive, upper: exact, upperInclusive };
  }
  const lowerText = inside.slice(0, comma).trim();
  const upperText = inside.slice(comma + 1).trim();
  if (upperText.includes(',')) throw new RangeSyntaxError(`'${spec}' has more than two bounds`);
  const lower = bound(lowerText);
  const upper = bound(upperText);
  if (lower !== null && upper !== null) {
    const order = compareMavenVersions(lower, upper);
    if (order > 0 || (order === 0 && !(lowerInclusive && upperInclusive))) {
      throw new RangeSyntaxError(`'${spec}': the lower bound must be below the upper bound`);
    }
  }
  return { lower, lowerInclusive, upper, upperInclusive };
}

/** The restriction starts after the previous one ends. */
function follows(previous: Restriction, next: Restriction): boolean {
  if (previous.upper === null || next.lower === null) return false;
  const order = compareMavenVersions(next.lower, previous.upper);
  return order > 0 || (order === 0 && !(next.lowerInclusive && previous.upperInclusive));
}

/**
 * Reads Maven's range syntax: `[1.0]`, `(,1.0]`, `[1.2,1.3]`, `[1.0,2.0)`, `[1.5,)`, unions such as
 * `(,1.0],[1.2,)`. A bare version (`1.0`, Maven's soft requirement) means that version or later.
 * Throws {@link RangeSyntaxError} for anything else.
 *
 * @example
 * ```ts
 * containsVersion(parseVersionRange('[1.0,2.0)'), parseMavenVersion('2.0-rc1')); // true
 * ```
 */
export function parseVersionRange(text: string): VersionRange {
  const restrictions: Restriction[] = [];
  let rest = text.trim();
  while (rest.startsWith('[') || rest.startsWith('(')) {
    const close = rest.search(/[\])]/);
    if (close < 0) throw new RangeSyntaxError(`'${rest}' is not closed by ] or )`);
    const restriction = parseRestriction(rest.slice(0, close + 1));
    const previous = restrictions.at(-1);
    if (previous !== undefined && !follows(previous, restriction)) {
      throw new RangeSyntaxError(`'${text.trim()}': the ranges of a union must not overlap and must be in increasing order`);
    }
    restrictions.push(restriction);
    rest = rest.slice(close + 1).trim();
    if (rest.startsWith(',')) rest = rest.slice(1).trim();
  }
  if (rest === '') {
    if (restrictions.length === 0) throw new RangeSyntaxError('the range is empty');
    return { text: text.trim(), restrictions };
  }
  if (restrictions.length > 0 || /[[\](),\s]/.test(rest)) throw new RangeSyntaxError(`'${rest}' is neither a bracketed range nor a single version`);
  return { text: text.trim(), restrictions: [{ lower: parseMavenVersion(rest), lowerInclusive: true, upper: null, upperInclusive: false }] };
}

/**
 * GoCD's bounds as a range: from (inclusive) and to (exclusive), either optional.
 *
 * @example
 * ```ts
 * boundsRange('1.0', '2.0').restrictions.length; // 1
 * ```
 */
export function boundsRange(from: string | null, to: string | null): VersionRange {
  const restriction: Restriction = {
    lower: from === null ? null : parseMavenVersion(from),
    lowerInclusive: true,
    upper: to === null ? null : parseMavenVersion(to),
    upperInclusive: false,
  };
  return { text: `[${from ?? ''},${to ?? ''})`, restrictions: [restriction] };
}

function within(restriction: Restriction, version: MavenVersion): boolean {
  if (restriction.lower !== null) {
    const order = compareMavenVersions(version, restriction.lower);
    if (order < 0 || (order === 0 && !restriction.lowerInclusive)) return false;
  }
  if (restriction.upper !== null) {
    const order = compareMavenVersions(version, restriction.upper);
    if (order > 0 || (order === 0 && !restriction.upperInclusive)) return false;
  }
  return true;
}

/**
 * Whether a version lies in one of the range's intervals, by ComparableVersion order alone (as
 * in Maven, `[1.0,2.0)` contains `2.0-rc1` and `2.0-SNAPSHOT`: they sort below 2.0).
 *
 * @example
 * ```ts
 * containsVersion(parseVersionRange('(,1.0],[1.2,)'), parseMavenVersion('1.1')); // false
 * ```
 */
export function containsVersion(range: VersionRange, version: MavenVersion): boolean {
  return range.restrictions.some((restriction) => within(restriction, version));
}
