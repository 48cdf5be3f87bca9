import { PermanentError } from '@baton/plugin-api';
import { parseVersion, type ParsedVersion } from './version';

/** One version of a package as the index lists it. */
export interface IndexEntry {
  version: string;
  parsed: ParsedVersion;
  published: Date;
  /** Where the artifact is, relative to the index or absolute; absent when the index says nothing. */
  file?: string;
}

/** A package's usable entries, and how many odd ones were skipped. */
export interface PackageEntries {
  entries: IndexEntry[];
  skipped: number;
}

function entryOf(value: unknown): IndexEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const { version, published, file } = value as Record<string, unknown>;
  if (typeof version !== 'string' || typeof published !== 'string') return null;
  const parsed = parseVersion(version);
  const date = new Date(published);
  if (parsed === null || Number.isNaN(date.getTime())) return null;
  return { version, parsed, published: date, ...(typeof file === 'string' && file !== '' && { file }) };
}

/** An index: each package's name and what the index lists for it, not yet read. */
export type VersionIndex = Record<string, unknown>;

/**
 * Reads the bytes of an index, `{ "packages": { name: [entries] } }`. A document that is not
 * such an index fails permanently.
 *
 * @example
 * ```ts
 * Object.keys(parseIndex(Buffer.from('{"packages":{"left-pad":[]}}'))); // ['left-pad']
 * ```
 */
export function parseIndex(bytes: Buffer): VersionIndex {
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new PermanentError('bad_index', `the index is not JSON: ${(error as Error).message}`);
  }
  const packages = (document as { packages?: unknown } | null)?.packages;
  if (typeof packages !== 'object' || packages === null || Array.isArray(packages)) {
    throw new PermanentError('bad_index', 'the index has no "packages" object');
  }
  return packages as VersionIndex;
}

/**
 * One package's versions; null when the index does not list the name. An odd entry is skipped
 * and counted, so that one bad line does not hide every other version.
 *
 * @example
 * ```ts
 * const found = packageEntries({ 'left-pad': [{ version: '1.0.0', published: '2024-01-10T09:00:00Z' }, { version: '?' }] }, 'left-pad');
 * found?.skipped; // 1
 * ```
 */
export function packageEntries(index: VersionIndex, name: string): PackageEntries | null {
  if (!Object.hasOwn(index, name)) return null;
  const listed = index[name];
  const values = Array.isArray(listed) ? (listed as unknown[]) : [];
  const entries = values.map(entryOf).filter((entry) => entry !== null);
  return { entries, skipped: values.length - entries.length };
}
