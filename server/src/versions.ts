import { StaleVersion, VersionRequired } from './domain-errors';

/** The ETag of a resource: its configuration version, never its poll state. */
export function etagOf(configVersion: number): string {
  return `"${configVersion}"`;
}

/**
 * Compares `If-Match` with the current version: missing → 428 (`VersionRequired`), stale → 412.
 * `*` matches any version. The comparison is strong, as RFC 9110 asks: a weak tag never matches.
 */
export function checkVersion(current: number, ifMatch: string | undefined): void {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw new VersionRequired('a change or delete needs an If-Match header with the ETag from the last GET');
  }
  const tags = ifMatch.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.includes(etagOf(current))) return;
  throw new StaleVersion(`the resource has changed since you read it (now at ${etagOf(current)}): GET it again and re-apply your change`);
}
