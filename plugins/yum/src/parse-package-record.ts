import { findElement, type FoundElement } from './parse-xml-text';
import type { Nevra } from './spec';

/** The fields of one `<package>` entry of primary.xml that revisions are made of. */
export interface PackageRecord extends Nevra {
  /** The checksum algorithm as Node names it (`sha` is written `sha1`). */
  checksumType: string;
  checksum: string;
  summary: string;
  packager: string;
  url: string;
  /** Seconds since the epoch; 0 when not given. */
  buildTime: number;
  fileTime: number;
  /** The rpm file's size in bytes; 0 when not given. */
  size: number;
  /** Absolute URL of the rpm, without credentials. */
  location: string;
  sourceRpm: string;
}

/**
 * The checksum type of rpm-md in Node's spelling: `sha` means sha1.
 *
 * @example
 * ```ts
 * checksumAlgorithm('SHA'); // 'sha1'
 * ```
 */
export function checksumAlgorithm(type: string): string {
  const lower = type.trim().toLowerCase();
  return lower === 'sha' ? 'sha1' : lower;
}

/**
 * Resolves an href against the repository's base URL and an optional `xml:base`, and drops
 * any user name or password, so that the result may be shown and handed to jobs.
 *
 * @example
 * ```ts
 * resolveHref('main/scrt.rpm', undefined, 'https://repo.example.org/el9/'); // 'https://repo.example.org/el9/main/scrt.rpm'
 * ```
 */
export function resolveHref(href: string, xmlBase: string | undefined, baseUrl: string): string | null {
  try {
    const base = xmlBase ? new URL(xmlBase.endsWith('/') ? xmlBase : `${xmlBase}/`, baseUrl) : new URL(baseUrl);
    const url = new URL(href, base);
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return null;
  }
}

const count = (value: string | undefined): number => (value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : 0);
const textOf = (element: FoundElement | null): string => element?.text.trim() ?? '';

/**
 * Reads one `<package>` entry (its XML text); answers the record, or why the entry cannot be
 * used. Elements are looked up by name, so their order does not matter.
 *
 * @example
 * ```ts
 * const record = readPackageRecord(entryXml, 'https://repo.example.org/el9/');
 * if (typeof record !== 'string') console.log(record.name, record.location);
 * ```
 */
export function readPackageRecord(xml: string, baseUrl: string): PackageRecord | string {
  const name = textOf(findElement(xml, 'name'));
  const arch = textOf(findElement(xml, 'arch'));
  const version = findElement(xml, 'version')?.attributes ?? {};
  const location = findElement(xml, 'location')?.attributes ?? {};
  if (name === '' || arch === '') return 'no name or no arch';
  if (!version['ver']) return 'no version';
  if (!location['href']) return 'no location';
  const resolved = resolveHref(location['href'], location['xml:base'], baseUrl);
  if (resolved === null) return `its location '${location['href']}' is not a valid URL`;
  const checksum = findElement(xml, 'checksum');
  const time = findElement(xml, 'time')?.attributes ?? {};
  return {
    name,
    arch,
    epoch: version['epoch']?.trim() || '0',
    version: version['ver'],
    release: version['rel'] ?? '',
    checksumType: checksumAlgorithm(checksum?.attributes['type'] ?? ''),
    checksum: textOf(checksum).toLowerCase(),
    summary: textOf(findElement(xml, 'summary')),
    packager: textOf(findElement(xml, 'packager')),
    url: textOf(findElement(xml, 'url')),
    buildTime: count(time['build']),
    fileTime: count(time['file']),
    size: count(findElement(xml, 'size')?.attributes['package']),
    location: resolved,
    sourceRpm: textOf(findElement(xml, 'rpm:sourcerpm')),
  };
}
