/** What a spec is compared with: one package's name, epoch, version, release and arch. */
export interface Nevra {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
}

/** One way of reading a spec, in the order dnf tries them. */
export type SpecForm = 'nevra' | 'na' | 'name' | 'nevr' | 'nev';

/** A field pattern: `*` any run of characters, `?` one character, everything else literal. */
export interface Glob {
  text: string;
  test(value: string): boolean;
}

/** One reading of a spec: the fields it fixes, each a glob. */
export interface SpecReading {
  form: SpecForm;
  name: Glob;
  epoch?: Glob;
  version?: Glob;
  release?: Glob;
  arch?: Glob;
}

/** A parsed package spec: its readings in dnf's order (NEVRA, NA, NAME, NEVR, NEV). */
export interface PackageSpec {
  text: string;
  readings: SpecReading[];
}

/**
 * Compiles a glob; an exact string compares without a regular expression.
 *
 * @example
 * ```ts
 * compileGlob('scrt*').test('scrt-agent'); // true
 * ```
 */
export function compileGlob(text: string): Glob {
  if (!/[*?]/.test(text)) return { text, test: (value) => value === text };
  const source = text
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const pattern = new RegExp(`^${source}$`, 's');
  return { text, test: (value) => pattern.test(value) };
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

function readingsOf(text: string, prefixEpoch: string | undefined): [SpecForm, Fields | null][] {
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

/**
 * Reads a package spec in every form repoquery accepts: name, name.arch, name-version,
 * name-version-release, name-version-release.arch, name-epoch:version-release.arch and
 * epoch:name-version-release.arch, with `*` and `?` in any field.
 *
 * @example
 * ```ts
 * parsePackageSpec('scrt-0.3.3-1.x86_64').readings.map((r) => r.form); // ['nevra', 'na', 'name', 'nevr', 'nev']
 * ```
 */
export function parsePackageSpec(text: string): PackageSpec {
  const prefix = /^([0-9*?]+):(.*)$/.exec(text);
  const readings: SpecReading[] = [];
  const candidates = prefix ? readingsOf(prefix[2], prefix[1]) : readingsOf(text, undefined);
  for (const [form, fields] of candidates) {
    if (!usable(fields)) continue;
    readings.push({
      form,
      name: compileGlob(fields.name),
      ...(fields.epoch !== undefined && { epoch: compileGlob(fields.epoch) }),
      ...(fields.version !== undefined && { version: compileGlob(fields.version) }),
      ...(fields.release !== undefined && { release: compileGlob(fields.release) }),
      ...(fields.arch !== undefined && { arch: compileGlob(fields.arch) }),
    });
  }
  return { text, readings };
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
  return (
    reading.name.test(pkg.name) &&
    (reading.arch === undefined || reading.arch.test(pkg.arch)) &&
    (reading.version === undefined || reading.version.test(pkg.version)) &&
    (reading.release === undefined || reading.release.test(pkg.release)) &&
    (reading.epoch === undefined || reading.epoch.test(pkg.epoch || '0'))
  );
}

/**
 * A test of package names that answers true for every name some reading of some spec could
 * match, so that a scan of primary keeps only those packages.
 *
 * @example
 * ```ts
 * const wanted = nameFilter([parsePackageSpec('scrt.x86_64')]);
 * wanted('scrt'); // true
 * ```
 */
export function nameFilter(specs: readonly PackageSpec[]): (name: string) => boolean {
  const exact = new Set<string>();
  const globs: Glob[] = [];
  for (const reading of specs.flatMap((spec) => spec.readings)) {
    if (/[*?]/.test(reading.name.text)) globs.push(reading.name);
    else exact.add(reading.name.text);
  }
  return (name) => exact.has(name) || globs.some((glob) => glob.test(name));
}
