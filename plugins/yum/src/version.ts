/** An rpm version triple; a missing epoch is 0, a missing release sorts before any release. */
export interface Evr {
  epoch?: string;
  version: string;
  release?: string;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const TILDE = 126;
const CARET = 94;

/** Index of the next character that is a letter, a digit, `~` or `^`; everything else separates. */
function skipSeparators(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (isDigit(c) || isAlpha(c) || c === TILDE || c === CARET) return i;
    i += 1;
  }
  return i;
}

function segmentEnd(s: string, i: number, numeric: boolean): number {
  const test = numeric ? isDigit : isAlpha;
  while (i < s.length && test(s.charCodeAt(i))) i += 1;
  return i;
}

function compareNumeric(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** `~` and `^` before ordinary segments: a decided sign, or null to carry on with the next segment. */
function compareMarks(a: string, i: number, b: string, j: number): number | 'both' | null {
  const ca = a.charCodeAt(i);
  const cb = b.charCodeAt(j);
  if (ca === TILDE || cb === TILDE) {
    if (ca === TILDE && cb === TILDE) return 'both';
    return ca === TILDE ? -1 : 1;
  }
  if (ca === CARET || cb === CARET) {
    if (ca === CARET && cb === CARET) return 'both';
    if (i >= a.length) return -1;
    if (j >= b.length) return 1;
    return ca === CARET ? -1 : 1;
  }
  return null;
}

/**
 * rpm's version comparison (rpmvercmp): -1, 0 or 1. Alternating digit and letter segments,
 * other characters as separators, `~` sorting before everything and `^` after the end only.
 *
 * @example
 * ```ts
 * rpmvercmp('1.0~rc1', '1.0'); // -1
 * rpmvercmp('1.0^git1', '1.0'); // 1
 * ```
 */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (;;) {
    i = skipSeparators(a, i);
    j = skipSeparators(b, j);
    const marks = compareMarks(a, i, b, j);
    if (marks === 'both') {
      i += 1;
      j += 1;
      continue;
    }
    if (marks !== null) return marks;
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a.charCodeAt(i));
    const endA = segmentEnd(a, i, numeric);
    const endB = segmentEnd(b, j, numeric);
    // b's segment is of the other kind: the numeric side is newer.
    if (endB === j) return numeric ? 1 : -1;
    const sa = a.slice(i, endA);
    const sb = b.slice(j, endB);
    const order = numeric ? compareNumeric(sa, sb) : sa === sb ? 0 : sa < sb ? -1 : 1;
    if (order !== 0) return order;
    i = endA;
    j = endB;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/**
 * Orders two packages' epoch, version and release as rpm and dnf do.
 *
 * @example
 * ```ts
 * compareEvr({ epoch: '1', version: '1.0' }, { version: '2.0' }); // 1
 * compareEvr({ version: '1.0', release: '1' }, { version: '1.0' }); // 1
 * ```
 */
export function compareEvr(a: Evr, b: Evr): number {
  const epoch = compareNumeric(a.epoch || '0', b.epoch || '0');
  if (epoch !== 0) return epoch;
  const version = rpmvercmp(a.version, b.version);
  if (version !== 0) return version;
  const ra = a.release ?? '';
  const rb = b.release ?? '';
  if (ra === '' || rb === '') return ra === rb ? 0 : ra === '' ? -1 : 1;
  return rpmvercmp(ra, rb);
}
