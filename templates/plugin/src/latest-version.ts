import type { PackageRevision, RevisionResult } from '@baton/plugin-api';
import type { IndexEntry, PackageEntries } from './parse-index';
import { compareVersions } from './version';

/** What to pick among a package's entries. */
export interface Selection {
  includePrereleases: boolean;
  /** Only entries newer than this version count; null for the latest of all. */
  newerThan: IndexEntry['parsed'] | null;
}

/** A file the index names relative to itself is found beside it; a bad one is left out. */
function locationOf(file: string | undefined, indexUrl: string): string | null {
  if (file === undefined) return null;
  try {
    return new URL(file, indexUrl).href;
  } catch {
    return null;
  }
}

function revisionOf(entry: IndexEntry, indexUrl: string): PackageRevision {
  const location = locationOf(entry.file, indexUrl);
  return { revision: entry.version, timestamp: entry.published, ...(location && { data: { LOCATION: location } }) };
}

/**
 * The latest entry that fits the selection, as a revision, with a warning when entries were skipped.
 *
 * @example
 * ```ts
 * latestVersion(found, 'https://downloads.example.org/index.json', { includePrereleases: false, newerThan: null }).revision?.revision; // '1.10.0'
 * ```
 */
export function latestVersion(found: PackageEntries, indexUrl: string, selection: Selection): RevisionResult {
  const candidates = found.entries.filter((entry) => selection.includePrereleases || entry.parsed.prerelease === null);
  const floor = selection.newerThan;
  const newer = floor === null ? candidates : candidates.filter((entry) => compareVersions(entry.parsed, floor) > 0);
  const latest = newer.reduce<IndexEntry | null>((best, entry) => (best === null || compareVersions(entry.parsed, best.parsed) > 0 ? entry : best), null);
  const warnings = found.skipped > 0 ? [`index entries skipped: ${found.skipped} (each needs a version such as 1.2.0 and a published date)`] : [];
  return { revision: latest && revisionOf(latest, indexUrl), ...(warnings.length > 0 && { warnings }) };
}
