const NUMBER = 0;
const QUALIFIER = 1;
const LIST = 2;

/**
 * One item of a parsed version, as Maven's ComparableVersion builds them: a number, a qualifier,
 * or a nested list (what each `-` and each digit/letter transition starts). One shape for all
 * three keeps the comparisons of a large sort fast.
 */
interface Item {
  kind: typeof NUMBER | typeof QUALIFIER | typeof LIST;
  /** A number's digits without leading zeros (any size compares exactly); a qualifier's rank. */
  key: string;
  /** A list's items; empty for the others. */
  items: Item[];
}

/** Known qualifiers in their order; `''` is a release. Any other qualifier sorts after these, lexically. */
const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
/** `a1`, `b2`, `m3`: one letter directly followed by a digit. */
const LETTER_ALIASES: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone' };
/** Ranks of alpha, beta, milestone and rc. */
const PRERELEASE_RANKS = new Set(['0', '1', '2', '3']);
const RELEASE_RANK = String(QUALIFIERS.indexOf(''));
const NONE: Item[] = [];
const DOT = 46;
const DASH = 45;

const ZERO = 48;
const NINE = 57;
const isDigitCode = (c: number): boolean => c >= ZERO && c <= NINE;

function numberItem(text: string, start: number, end: number): Item {
  let first = start;
  while (first < end && text.charCodeAt(first) === 48) first += 1;
  return { kind: NUMBER, key: text.slice(first, end), items: NONE };
}

/** A qualifier's sort key: its index among the known ones, or after all of them, by its text. */
function rank(qualifier: string): string {
  const index = QUALIFIERS.indexOf(qualifier);
  return index === -1 ? `${QUALIFIERS.length}-${qualifier}` : String(index);
}

function qualifierItem(text: string, followedByDigit: boolean): Item {
  const spelled = followedByDigit && text.length === 1 ? (LETTER_ALIASES[text] ?? text) : text;
  return { kind: QUALIFIER, key: rank(ALIASES[spelled] ?? spelled), items: NONE };
}

function isNull(item: Item): boolean {
  if (item.kind === NUMBER) return item.key === '';
  if (item.kind === QUALIFIER) return item.key === RELEASE_RANK;
  return item.items.length === 0;
}

/** Drops trailing null items (0, '', empty lists), stepping over non-null lists as Maven does. */
function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i -= 1) {
    const item = list[i];
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== LIST) break;
  }
}

/** Splits the text into Maven's nested items: `.` separates, `-` and digit/letter transitions nest. */
function parseItems(text: string): Item[] {
  const version = text.toLowerCase();
  const lists: Item[][] = [[]];
  let list = lists[0];
  let digit = false;
  let start = 0;
  for (let i = 0; i <= version.length; i += 1) {
    const c = i < version.length ? version.charCodeAt(i) : DOT;
    const separator = c === DOT || c === DASH;
    const transition = !separator && isDigitCode(c) !== digit && i > start;
    if (separator && i === start && i === version.length) break;
    if (separator || transition) {
      if (separator && i === start) list.push({ kind: NUMBER, key: '', items: NONE });
      else list.push(digit ? numberItem(version, start, i) : qualifierItem(version.slice(start, i), transition));
      start = separator ? i + 1 : i;
      if (c === DASH || transition) {
        const inner: Item[] = [];
        list.push({ kind: LIST, key: '', items: inner });
        lists.push(inner);
        list = inner;
      }
    }
    if (!separator) digit = isDigitCode(c);
  }
  for (let i = lists.length - 1; i >= 0; i -= 1) normalize(lists[i]);
  return lists[0];
}

/** Leading numbers read ahead of the full parse: `1.22.3-rc1` has 1, 22 and 3. */
const MAX_LEADS = 3;
/** Longer numbers are left to the full parse, so that a lead is always an exact small integer. */
const MAX_LEAD_DIGITS = 9;

/**
 * A version read for ordering; `text` is the version as the repository wrote it.
 *
 * Its first plain numbers (`lead0` … `lead2`, `leads` of them) are read at once; the full items
 * only when a comparison needs them. Most comparisons of a large list are decided by those
 * numbers, so most versions are never parsed in full: in a fresh process, where the parser runs
 * before it is compiled and its objects keep the young generation busy, that is most of the
 * first ordering's cost.
 */
export interface MavenVersion {
  readonly text: string;
  readonly leads: number;
  readonly lead0: number;
  readonly lead1: number;
  readonly lead2: number;
  /** Maven's nested items, once a comparison has needed them. */
  parsed: Item[] | null;
}

function itemsOf(version: MavenVersion): Item[] {
  return (version.parsed ??= parseItems(version.text));
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
  // Plain numbers separated by single dots, from the start up to anything else: before the first
  // `-` or letter, they are the first items of Maven's top-level list, in order. One object
  // literal at the end, and no calls inside the loop: this runs for every listed version.
  let leads = 0;
  let lead0 = -1;
  let lead1 = -1;
  let lead2 = -1;
  let value = 0;
  let start = 0;
  const length = text.length;
  for (let i = 0; i <= length; i += 1) {
    const c = i < length ? text.charCodeAt(i) : DOT;
    if (c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO);
      continue;
    }
    if (i === start || i - start > MAX_LEAD_DIGITS) break;
    if (leads === 0) lead0 = value;
    else if (leads === 1) lead1 = value;
    else lead2 = value;
    leads += 1;
    if (c !== DOT || leads === MAX_LEADS) break;
    value = 0;
    start = i + 1;
  }
  return { text, leads, lead0, lead1, lead2, parsed: null };
}

function sign(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Compares an item with another, or with the padding of a shorter list (null). */
function compareItem(a: Item, b: Item | null): number {
  if (a.kind === NUMBER) {
    if (b === null) return a.key === '' ? 0 : 1;
    if (b.kind !== NUMBER) return 1;
    return a.key.length !== b.key.length ? (a.key.length < b.key.length ? -1 : 1) : sign(a.key, b.key);
  }
  if (a.kind === QUALIFIER) {
    if (b === null) return sign(a.key, RELEASE_RANK);
    return b.kind === QUALIFIER ? sign(a.key, b.key) : -1;
  }
  if (b === null) return a.items.length === 0 ? 0 : compareItem(a.items[0], null);
  if (b.kind === LIST) return compareLists(a.items, b.items);
  return b.kind === NUMBER ? -1 : 1;
}

function compareLists(a: Item[], b: Item[]): number {
  const length = a.length > b.length ? a.length : b.length;
  for (let i = 0; i < length; i += 1) {
    const result = i < a.length ? compareItem(a[i], i < b.length ? b[i] : null) : -compareItem(b[i], null);
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
  // Where both versions start with plain numbers, the first pair that differs decides as the full
  // comparison would: the smaller one is a number, or a 0 that normalizing dropped, leaving only
  // lists (below any number) or nothing (below the other's remaining non-zero number) there.
  const leads = a.leads < b.leads ? a.leads : b.leads;
  if (leads > 0 && a.lead0 !== b.lead0) return a.lead0 < b.lead0 ? -1 : 1;
  if (leads > 1 && a.lead1 !== b.lead1) return a.lead1 < b.lead1 ? -1 : 1;
  if (leads > 2 && a.lead2 !== b.lead2) return a.lead2 < b.lead2 ? -1 : 1;
  return compareLists(itemsOf(a), itemsOf(b));
}

/**
 * The same order by the full items alone, without reading the leading numbers first: the
 * reference the shortcut of {@link compareMavenVersions} is tested against.
 */
export function compareMavenVersionsFully(a: MavenVersion, b: MavenVersion): number {
  return compareLists(itemsOf(a), itemsOf(b));
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

function hasPrerelease(items: Item[]): boolean {
  return items.some((item) => (item.kind === QUALIFIER && PRERELEASE_RANKS.has(item.key)) || (item.kind === LIST && hasPrerelease(item.items)));
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
  return hasPrerelease(itemsOf(version));
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
