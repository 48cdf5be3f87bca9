import type { PackageRevision } from '@baton/plugin-api';
import type { Packument, VersionRecord } from './parse-packument';
import { browsableUrl } from './project-url';

/**
 * `sha512:<hex>` of a Subresource Integrity value's sha512 hash, else `sha1:<shasum>`; null when
 * the packument gives neither.
 *
 * @example
 * ```ts
 * checksumOf({ version: '1.0.0', integrity: 'sha512-AAAA' }); // 'sha512:000000'
 * ```
 */
export function checksumOf(record: Pick<VersionRecord, 'integrity' | 'shasum'>): string | null {
  const sha512 = record.integrity
    ?.split(/\s+/)
    .find((entry) => entry.startsWith('sha512-'))
    ?.slice('sha512-'.length)
    .replace(/\?.*$/, '');
  if (sha512) return `sha512:${Buffer.from(sha512, 'base64').toString('hex')}`;
  if (record.shasum && /^[0-9a-f]{40}$/i.test(record.shasum)) return `sha1:${record.shasum.toLowerCase()}`;
  return null;
}

/** An http(s) URL without any user name or password in it (tarballs, homepages); null for anything else. */
function httpUrlOf(text: string | undefined): string | null {
  if (text === undefined) return null;
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return null;
  }
}

function validDate(text: string | undefined): Date | null {
  if (text === undefined) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The publish time; else the packument's modification time; else when Baton first read the packument. */
function timestampOf(record: VersionRecord, packument: Packument, firstRead: string): Date {
  return validDate(record.time) ?? validDate(packument.modified) ?? validDate(firstRead) ?? new Date(0);
}

function dataOf(record: VersionRecord, packument: Packument, includeDeprecated: boolean): Record<string, string> {
  const tags = Object.entries(packument.distTags)
    .filter(([, version]) => version === record.version)
    .map(([tag]) => tag)
    .sort();
  const location = httpUrlOf(record.tarball);
  const checksum = checksumOf(record);
  const data: Record<string, string> = { VERSION: record.version };
  if (location !== null) data['LOCATION'] = location;
  if (record.integrity) data['INTEGRITY'] = record.integrity;
  if (record.shasum) data['SHASUM'] = record.shasum;
  if (checksum !== null) data['CHECKSUM'] = checksum;
  if (tags.length > 0) data['DIST_TAGS'] = tags.join(',');
  if (includeDeprecated && record.deprecated !== undefined) data['DEPRECATED'] = record.deprecated;
  return data;
}

/**
 * The revision Baton records for one version: label the version, the publish time, the publisher,
 * the description, the project's page, and the tarball's facts as data.
 *
 * @example
 * ```ts
 * toRevision(record, packument, firstRead, false).data?.CHECKSUM; // 'sha512:…'
 * ```
 */
export function toRevision(record: VersionRecord, packument: Packument, firstRead: string, includeDeprecated: boolean): PackageRevision {
  const trackbackUrl = (record.repository && browsableUrl(record.repository)) || (record.homepage && httpUrlOf(record.homepage));
  return {
    revision: record.version,
    timestamp: timestampOf(record, packument, firstRead),
    ...(record.user && { user: record.user }),
    ...(record.description && { comment: record.description }),
    ...(trackbackUrl && { trackbackUrl }),
    data: dataOf(record, packument, includeDeprecated),
  };
}
