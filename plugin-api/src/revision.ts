import { KEY_PATTERN } from './configuration';

/**
 * One version of a package, as a plugin reports it.
 *
 * @example
 * ```ts
 * const revision: PackageRevision = {
 *   revision: 'scrt-0.3.3-1.x86_64',
 *   timestamp: new Date('2022-05-01T10:00:00Z'),
 *   user: 'Packager <packager@example.org>',
 *   comment: 'Secure remote terminal',
 *   trackbackUrl: 'https://example.org/scrt',
 *   data: { LOCATION: 'https://repo.example.org/el9/scrt-0.3.3-1.x86_64.rpm', CHECKSUM: 'sha256:ab12…' },
 * };
 * ```
 */
export interface PackageRevision {
  /** The label: unique within the package (`scrt-0.3.3-1.x86_64`, `1.4.2`). */
  revision: string;
  /** When the version was built or published. */
  timestamp: Date;
  /** Who built or published it, when known. */
  user?: string;
  /** A one-line description, when known. */
  comment?: string;
  /** A URL with more about this version. */
  trackbackUrl?: string;
  /**
   * Flat string map; keys match `[A-Z][A-Z0-9_]*`. `LOCATION` is the artifact's URL (never with
   * credentials) and `CHECKSUM` is `<algorithm>:<hex>` wherever the plugin knows them.
   */
  data?: Readonly<Record<string, string>>;
}

/**
 * What a revision question answers: the revision, or `null` for "no matching package yet" (or,
 * for a "since" question, "nothing newer"), plus warnings the host records on the package.
 *
 * @example
 * ```ts
 * const nothingNew: RevisionResult = { revision: null };
 * const republished: RevisionResult = { revision: null, warnings: ['scrt-0.3.3-1.x86_64 was republished with different content'] };
 * ```
 */
export interface RevisionResult {
  revision: PackageRevision | null;
  warnings?: string[];
}

/**
 * Problems with a revision's shape, empty when it is well-formed. The host refuses revisions
 * with problems; the conformance kit reports them. Sizes are `fitRevision`'s concern.
 *
 * @example
 * ```ts
 * revisionProblems({ revision: '1.0.0', timestamp: new Date(), data: { location: 'x' } });
 * // ["data key 'location' must match [A-Z][A-Z0-9_]*"]
 * ```
 */
export function revisionProblems(revision: unknown): string[] {
  if (typeof revision !== 'object' || revision === null) return ['a revision must be an object'];
  const r = revision as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof r['revision'] !== 'string' || r['revision'].trim() === '') problems.push('revision must be a non-empty string');
  if (!isValidDate(r['timestamp'])) problems.push('timestamp must be a valid Date');
  for (const field of ['user', 'comment', 'trackbackUrl']) {
    if (r[field] !== undefined && r[field] !== null && typeof r[field] !== 'string') problems.push(`${field} must be a string`);
  }
  const data = r['data'];
  if (data === undefined || data === null) return problems;
  if (typeof data !== 'object' || Array.isArray(data)) return [...problems, 'data must be a flat map of strings'];
  for (const [key, value] of Object.entries(data)) {
    if (!KEY_PATTERN.test(key)) problems.push(`data key '${key}' must match [A-Z][A-Z0-9_]*`);
    if (typeof value !== 'string') problems.push(`data value of '${key}' must be a string`);
  }
  return problems;
}

/** Realm-independent: a Date made in another context (a worker, a test sandbox) fails `instanceof`. */
function isValidDate(value: unknown): boolean {
  return Object.prototype.toString.call(value) === '[object Date]' && !Number.isNaN(Date.prototype.getTime.call(value));
}
