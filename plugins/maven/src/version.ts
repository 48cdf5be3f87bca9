/**
 * One item of a parsed version, as Maven's ComparableVersion builds them: a number (kept as its
 * digits, so any size compares exactly), a qualifier (aliases already applied), or a nested list
 * (what each `-` and each digit/letter transition starts).
 */
type Item = { kind: 'number'; digits: string } | { kind: 'qualifier'; value: string } | { kind: 'list'; items: Item[] };

/** A version parsed once for ordering; `text` is the version as the repository wrote it. */
export interface MavenVersion {
  text: string;
  items: Item[];
}

/** Known qualifiers in their order; `''` is a release. Any other qualifier sorts after these, lexically. */
const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
/** `a1`, `b2`, `m3`: one letter directly followed by a digit. */
const LETTER_ALIASES: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone' };
const PRERELEASES = new Set(['alpha', 'beta', 'milestone', 'rc']);
const RELEASE_RANK = QUALIFIERS.indexOf('');

const isDigit = (c: string): boolean => c >= '0' && c <= '9';

function numberItem(digits: string): Item {
  return { kind: 'number', digits: digits.replace(/^0+/, '') };
}

function qualifierItem(text: string, followedByDigit: boolean): Item {
  const spelled = followedByDigit && text.length === 1 ? (LETTER_ALIASES[text] ?? text) : text;
  return { kind: 'qualifier', value: ALIASES[spelled] ?? spelled };
}

function isNull(item: Item): boolean {
  if (item.kind === 'number') return item.digits === '';
  if (item.kind === 'qualifier') return item.value === '';
  return item.items.length === 0;
}

/** Drops trailing null items (0, '', empty lists), stepping over non-null lists as Maven does. */
function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i -= 1) {
    const item = list[i];
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

/** Splits the text into Maven's nested items: `.` separates, `-` and digit/letter transitions nest. */
function parseItems(text: string): Item[] {
  const version = text.toLowerCase();
  const root: Item[] = [];
  const lists: Item[][] = [root];
  let list = root;
  let digit = false;
  let start = 0;
  const token = (end: number): Item => (digit ? numberItem(version.slice(start, end)) : qualifierItem(version.slice(start, end), false));
  const nest = (): void => {
    const inner: Item[] = [];
    list.push({ kind: 'list', items: inner });
    lists.push(inner);
    list = inner;
  };
  for (let i = 0; i < version.length; i += 1) {
    const c = version[i];
    if (c === '.' || c === '-') {
      list.push(i === start ? numberItem('0') : token(i));
      start = i + 1;
      if (c === '-') nest();
    } else if (isDigit(c) !== digit && i > start) {
      list.push(digit ? numberItem(version.slice(start, i)) : qualifierItem(version.slice(start, i), true));
      start = i;
      nest();
      digit = isDigit(c);
    } else {
      digit = isDigit(c);
    }
  }
  if (version.length > start) list.push(token(version.length));
  for (let i = lists.length - 1; i >= 0; i -= 1) normalize(lists[i]);
  return root;
}

/**
 * Reads a version as Maven's ComparableVersion does; any text is a version.
 *
 * @example
 * ```ts
 * compareMavenVersions(parseMavenVersion('1.0-rc1'), parseMavenVersion('1.0')); // -1
 * ```
 */
export function parseMavenVersion(text: string): MavenVersion {
  return { text, items: parseItems(text) };
}

function rank(qualifier: string): string {
  const index = QUALIFIERS.indexOf(qualifier);
  return index === -1 ? `${QUALIFIERS.length}-${qualifier}` : String(index);
}

function sign(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function compareDigits(a: string, b: string): number {
  return a.length !== b.length ? (a.length < b.length ? -1 : 1) : sign(a, b);
}

/** Compares an item with another, or with the padding of a shorter list (null). */
function compareItem(a: Item, b: Item | null): number {
  if (a.kind === 'number') {
    if (b === null) return a.digits === '' ? 0 : 1;
    return b.kind === 'number' ? compareDigits(a.digits, b.digits) : 1;
  }
  if (a.kind === 'qualifier') {
    if (b === null) return sign(rank(a.value), String(RELEASE_RANK));
    return b.kind === 'qualifier' ? sign(rank(a.value), rank(b.value)) : -1;
  }
  if (b === null) return a.items.length === 0 ? 0 : compareItem(a.items[0], null);
  if (b.kind === 'number') return -1;
  if (b.kind === 'qualifier') return 1;
  return compareLists(a.items, b.items);
}

function compareLists(a: Item[], b: Item[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const left = a[i];
    const right = b[i];
    const result = left === undefined ? -compareItem(right, null) : compareItem(left, right ?? null);
    if (result !== 0) return result;
  }
  return 0;
}

/**
 * Orders two versions by Maven's ComparableVersion rules: -1, 0 or 1.
 *
 * @example
 * ```ts
 * compareMavenVersions(parseMavenVersion('1.0-SNAPSHOT'), parseMavenVersion('1.0')); // -1
 * compareMavenVersions(parseMavenVersion('1.0.0'), parseMavenVersion('1-0')); // 0
 * ```
 */
export function compareMavenVersions(a: MavenVersion, b: MavenVersion): number {
  return compareLists(a.items, b.items);
}

/**
 * Orders two versions given as text (each parsed for this one comparison).
 *
 * @example
 * ```ts
 * compareVersionTexts('1.10', '1.9'); // 1
 * ```
 */
export function compareVersionTexts(a: string, b: string): number {
  return compareMavenVersions(parseMavenVersion(a), parseMavenVersion(b));
}

function hasQualifier(items: Item[], wanted: (value: string) => boolean): boolean {
  return items.some((item) => (item.kind === 'qualifier' && wanted(item.value)) || (item.kind === 'list' && hasQualifier(item.items, wanted)));
}

/**
 * Whether a version is a pre-release: an alpha, beta, milestone or release candidate (in any of
 * Maven's spellings: `1.0-alpha-1`, `1.0a1`, `2.0-M3`, `2.0-CR2`, `2.0-rc1`).
 *
 * @example
 * ```ts
 * isPrerelease(parseMavenVersion('2.0-M3')); // true
 * isPrerelease(parseMavenVersion('2.0-SNAPSHOT')); // false
 * ```
 */
export function isPrerelease(version: MavenVersion): boolean {
  return hasQualifier(version.items, (value) => PRERELEASES.has(value));
}

/**
 * Whether a version names a snapshot (`1.0-SNAPSHOT`), whose builds carry timestamps.
 *
 * @example
 * ```ts
 * isSnapshot('1.0-SNAPSHOT'); // true
 * ```
 */
export function isSnapshot(version: string): boolean {
  return /-snapshot$/i.test(version);
}
