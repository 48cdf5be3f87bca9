import { rpmvercmp } from './version';

/** What a spec is compared with: one package's name, epoch, version, release and arch. */
export interface Nevra {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
}

/** One way of reading a spec: a form dnf knows, in dnf's order, or the whole spec as one glob. */
export type SpecForm = 'nevra' | 'na' | 'name' | 'nevr' | 'nev' | 'glob';

/** A field pattern: `*` any run of characters, `?` one character, everything else literal. */
export interface Glob {
  text: string;
  test(value: string): boolean;
}

/** A reading of a spec into fields, each a glob (a version or release without glob characters compares as rpm does). */
export interface FieldReading {
  form: Exclude<SpecForm, 'glob'>;
  /** Names compared without regard to case: the last step, taken only when no other matches. */
  caseless: boolean;
  name: Glob;
  epoch?: Glob;
  version?: Glob;
  release?: Glob;
  arch?: Glob;
}

/** The whole spec as one glob against `name-version-release.arch` and its other spellings. */
export interface GlobReading {
  form: 'glob';
  caseless: boolean;
  whole: Glob;
  /** The spec's text before its first glob character, in lower case: every match starts with it. */
  lead: string;
}

export type SpecReading = FieldReading | GlobReading;

/** A parsed package spec: its readings in the order they are tried, the first that matches deciding. */
export interface PackageSpec {
  text: string;
  readings: SpecReading[];
}

const GLOB_CHARACTER = /[*?]/;

/**
 * Compiles a glob; an exact string compares without a regular expression. A caseless glob
 * ignores the case of letters.
 *
 * @example
 * ```ts
 * compileGlob('scrt*').test('scrt-agent'); // true
 * compileGlob('Foo-Libs', true).test('foo-libs'); // true
 * ```
 */
export function compileGlob(text: string, caseless = false): Glob {
  if (!GLOB_CHARACTER.test(text)) {
    const lower = text.toLowerCase();
    return { text, test: caseless ? (value) => value.toLowerCase() === lower : (value) => value === text };
  }
  const source = text
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const pattern = new RegExp(`^${source}$`, caseless ? 'si' : 's');
  return { text, test: (value) => pattern.test(value) };
}

/**
 * A version or release pattern: a glob when it holds glob characters, else equality by rpm's
 * comparison, so that `1.10` matches `1.010` as in dnf.
 *
 * @example
 * ```ts
 * compileEvrField('1.10').test('1.010'); // true
 * ```
 */
export function compileEvrField(text: string): Glob {
  if (GLOB_CHARACTER.test(text)) return compileGlob(text);
  return { text, test: (value) => rpmvercmp(value, text) === 0 };
}

/** An epoch pattern: digits compare as numbers (`01` is `1`), globs as text. */
function compileEpoch(text: string): Glob {
  if (GLOB_CHARACTER.test(text)) return compileGlob(text);
  const value = text.replace(/^0+(?=\d)/, '');
  return { text, test: (epoch) => epoch.replace(/^0+(?=\d)/, '') === value };
}

interface Fields {
  name: string;
  epoch?: string;
  version?: string;
  release?: string;
  arch?: string;
}

/** `name-[epoch:]version-release`: release after the last dash, version before it (neither may hold a dash). */
function splitNevr(text: string): Fields | null {
  const last = text.lastIndexOf('-');
  const previous = last > 0 ? text.lastIndexOf('-', last - 1) : -1;
  if (previous <= 0) return null;
  const ev = splitEpoch(text.slice(previous + 1, last));
  if (ev === null) return null;
  return { name: text.slice(0, previous), ...ev, release: text.slice(last + 1) };
}

function splitNev(text: string): Fields | null {
  const last = text.lastIndexOf('-');
  if (last <= 0) return null;
  const ev = splitEpoch(text.slice(last + 1));
  return ev === null ? null : { name: text.slice(0, last), ...ev };
}

function splitArch(text: string): { rest: string; arch: string } | null {
  const dot = text.lastIndexOf('.');
  return dot > 0 ? { rest: text.slice(0, dot), arch: text.slice(dot + 1) } : null;
}

/** `epoch:version` or `version`; an epoch is digits (or a glob). */
function splitEpoch(text: string): { epoch?: string; version: string } | null {
  const colon = text.indexOf(':');
  if (colon < 0) return { version: text };
  const epoch = text.slice(0, colon);
  return /^[0-9*?]+$/.test(epoch) ? { epoch, version: text.slice(colon + 1) } : null;
}

function readingsOf(text: string, prefixEpoch: string | undefined): [FieldReading['form'], Fields | null][] {
  const arch = splitArch(text);
  const nevra = arch ? splitNevr(arch.rest) : null;
  const withEpoch = (fields: Fields | null): Fields | null => {
    if (fields === null || prefixEpoch === undefined) return fields;
    return fields.epoch === undefined ? { ...fields, epoch: prefixEpoch } : null;
  };
  const nameOnly = prefixEpoch === undefined;
  return [
    ['nevra', withEpoch(nevra && arch ? { ...nevra, arch: arch.arch } : null)],
    ['na', nameOnly && arch ? { name: arch.rest, arch: arch.arch } : null],
    ['name', nameOnly ? { name: text } : null],
    ['nevr', withEpoch(splitNevr(text))],
    ['nev', withEpoch(splitNev(text))],
  ];
}

/** A reading is possible when every field it fixes is non-empty and the name holds no colon. */
function usable(fields: Fields | null): fields is Fields {
  if (fields === null || fields.name.includes(':')) return false;
  return Object.values(fields).every((value) => value !== '');
}

function compileFields(form: FieldReading['form'], fields: Fields, caseless: boolean): FieldReading {
  return {
    form,
    caseless,
    name: compileGlob(fields.name, caseless),
    ...(fields.epoch !== undefined && { epoch: compileEpoch(fields.epoch) }),
    ...(fields.version !== undefined && { version: compileEvrField(fields.version) }),
    ...(fields.release !== undefined && { release: compileEvrField(fields.release) }),
    ...(fields.arch !== undefined && { arch: compileGlob(fields.arch) }),
  };
}

/**
 * A spec's text before its first glob character, in lower case: what every match begins with.
 *
 * @example
 * ```ts
 * literalLead('Foo-1.*'); // 'foo-1.'
 * ```
 */
export function literalLead(text: string): string {
  const firstGlob = text.search(GLOB_CHARACTER);
  return (firstGlob < 0 ? text : text.slice(0, firstGlob)).toLowerCase();
}

function globReading(text: string, caseless: boolean): GlobReading {
  return { form: 'glob', caseless, whole: compileGlob(text, caseless), lead: literalLead(text) };
}

/**
 * Reads a package spec the ways dnf does, in three steps of which the first that matches
 * anything decides:
 * 1. the forms name-version-release.arch (with `epoch:` before the name or the version),
 *    name.arch, name, name-version-release and name-version, in that order;
 * 2. the whole spec as one glob against `name-version-release.arch`,
 *    `name-epoch:version-release.arch`, `name-version-release` and `name-epoch:version-release`;
 * 3. both again with names compared without regard to case.
 * `*` and `?` may stand in any field.
 *
 * @example
 * ```ts
 * parsePackageSpec('scrt-0.3.3-1.x86_64').readings.map((r) => r.form);
 * // ['nevra', 'na', 'name', 'nevr', 'nev', 'glob', 'nevra', 'na', 'name', 'nevr', 'nev', 'glob']
 * ```
 */
export function parsePackageSpec(text: string): PackageSpec {
  const prefix = /^([0-9*?]+):(.*)$/.exec(text);
  const candidates = prefix ? readingsOf(prefix[2], prefix[1]) : readingsOf(text, undefined);
  const usableForms = candidates.filter((candidate): candidate is [FieldReading['form'], Fields] => usable(candidate[1]));
  const step = (caseless: boolean): SpecReading[] => [
    ...usableForms.map(([form, fields]) => compileFields(form, fields, caseless)),
    globReading(text, caseless),
  ];
  return { text, readings: [...step(false), ...step(true)] };
}

/**
 * Whether the spec can be read in one of dnf's forms (step 1); a spec that cannot is refused
 * when a package is configured.
 *
 * @example
 * ```ts
 * hasFieldReading(parsePackageSpec('1:scrt')); // false
 * ```
 */
export function hasFieldReading(spec: PackageSpec): boolean {
  return spec.readings.some((reading) => reading.form !== 'glob');
}

/** The spellings of a package that a whole-spec glob is compared with. */
function spellings(pkg: Nevra): string[] {
  const release = pkg.release ? `-${pkg.release}` : '';
  const plain = `${pkg.name}-${pkg.version}${release}`;
  const withEpoch = `${pkg.name}-${pkg.epoch || '0'}:${pkg.version}${release}`;
  return [`${plain}.${pkg.arch}`, `${withEpoch}.${pkg.arch}`, plain, withEpoch];
}

/**
 * Whether a package fits one reading of a spec; a reading without an epoch takes any epoch.
 *
 * @example
 * ```ts
 * const [nevra] = parsePackageSpec('scrt-0.3.3-1.x86_64').readings;
 * readingMatches(nevra, { name: 'scrt', epoch: '0', version: '0.3.3', release: '1', arch: 'x86_64' }); // true
 * ```
 */
export function readingMatches(reading: SpecReading, pkg: Nevra): boolean {
  if (reading.form === 'glob') return spellings(pkg).some((spelling) => reading.whole.test(spelling));
  return (
    reading.name.test(pkg.name) &&
    (reading.arch === undefined || reading.arch.test(pkg.arch)) &&
    (reading.version === undefined || reading.version.test(pkg.version)) &&
    (reading.release === undefined || reading.release.test(pkg.release)) &&
    (reading.epoch === undefined || reading.epoch.test(pkg.epoch || '0'))
  );
}

/**
 * Whether a reading could match some package of this name: the test that decides which
 * entries of primary are read in full. A whole-spec glob can match only names whose
 * `name-` agrees with the spec's text before its first glob character.
 *
 * @example
 * ```ts
 * const glob = parsePackageSpec('arc-*.i686').readings.find((r) => r.form === 'glob');
 * readingMayMatchName(glob, 'arc'); // true
 * ```
 */
export function readingMayMatchName(reading: SpecReading, name: string): boolean {
  return reading.form === 'glob' ? leadAllows(reading, `${name.toLowerCase()}-`) : reading.name.test(name);
}

/** Whether a whole-spec glob's leading text agrees with `head`, a lower-case name and a dash. */
function leadAllows(reading: GlobReading, head: string): boolean {
  // Without glob characters the spec is one spelling, which starts with the name and a dash.
  if (reading.lead.length === reading.whole.text.length) return reading.lead.startsWith(head);
  return reading.lead.startsWith(head) || head.startsWith(reading.lead);
}

/**
 * A test of package names that answers true for every name some reading of some spec could
 * match, so that a scan of primary keeps only those packages. Caseless readings make it
 * compare lower-cased names; whole-spec globs add the names their leading text allows.
 *
 * @example
 * ```ts
 * const wanted = nameFilter([parsePackageSpec('scrt.x86_64')]);
 * wanted('scrt'); // true
 * wanted('SCRT'); // true
 * ```
 */
export function nameFilter(specs: readonly PackageSpec[]): (name: string) => boolean {
  const exact = new Set<string>();
  const globs: Glob[] = [];
  const wholeGlobs: GlobReading[] = [];
  for (const reading of specs.flatMap((spec) => spec.readings)) {
    // A caseless reading matches all its case-sensitive twin does, and more.
    if (!reading.caseless) continue;
    if (reading.form === 'glob') wholeGlobs.push(reading);
    else if (GLOB_CHARACTER.test(reading.name.text)) globs.push(reading.name);
    else exact.add(reading.name.text.toLowerCase());
  }
  return (name) => {
    const lower = name.toLowerCase();
    if (exact.has(lower) || globs.some((glob) => glob.test(name))) return true;
    const head = `${lower}-`;
    return wholeGlobs.some((reading) => leadAllows(reading, head));
  };
}
