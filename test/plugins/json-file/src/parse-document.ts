import { PermanentError } from '@baton/plugin-api';

/** One version of a package as the document lists it. */
export interface ListedVersion {
  version: string;
  published: Date;
  sha256?: string;
  url?: string;
  comment?: string;
}

/** A package's usable versions, oldest first, and how many entries were unusable. */
export interface ListedPackage {
  versions: ListedVersion[];
  skipped: number;
}

const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const SHA_256 = /^[0-9a-f]{64}$/i;

/**
 * Parses the package list. The document as a whole must have the right shape; a single odd
 * entry is skipped (and counted) rather than failing every package.
 */
export function parseDocument(text: string, url: string): Map<string, ListedPackage> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new PermanentError('unparsable_document', `${url} is not valid JSON: ${(error as Error).message}`);
  }
  const packages = isObject(document) ? document['packages'] : undefined;
  if (!isObject(packages)) throw new PermanentError('unparsable_document', `${url} has no "packages" object`);
  const list = new Map<string, ListedPackage>();
  for (const [name, entries] of Object.entries(packages)) {
    list.set(name, parseEntries(entries));
  }
  return list;
}

function parseEntries(entries: unknown): ListedPackage {
  if (!Array.isArray(entries)) return { versions: [], skipped: 1 };
  const versions = entries.map(parseEntry).filter((entry): entry is ListedVersion => entry !== null);
  return { versions, skipped: entries.length - versions.length };
}

function parseEntry(entry: unknown): ListedVersion | null {
  if (!isObject(entry)) return null;
  const { version, published, sha256, url, comment } = entry;
  if (typeof version !== 'string' || version.trim() === '') return null;
  if (typeof published !== 'string' || !RFC_3339.test(published) || Number.isNaN(Date.parse(published))) return null;
  return {
    version,
    published: new Date(published),
    sha256: typeof sha256 === 'string' && SHA_256.test(sha256) ? sha256.toLowerCase() : undefined,
    url: typeof url === 'string' && url !== '' ? url : undefined,
    comment: typeof comment === 'string' ? comment : undefined,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
