import { MalformedXmlError, parseSafeXml, xmlAll, xmlAttribute, xmlFirst, xmlText, type XmlNode } from '@baton/plugin-kit';
import { checksumAlgorithm } from './parse-package-record';

/** One `<data type="…">` record of repomd.xml. */
export interface RepomdRecord {
  type: string;
  href: string;
  /** The record's `xml:base`, when it has one. */
  xmlBase?: string;
  /** In Node's spelling (`sha` is `sha1`). */
  checksumType: string;
  checksum: string;
  /** Bytes of the file as stored, when declared. */
  size: number | null;
}

/** What repomd.xml says: its revision and its records, in document order. */
export interface Repomd {
  revision: string;
  records: RepomdRecord[];
}

/** repomd.xml is three levels deep and small; anything far deeper or larger is not repomd.xml. */
const LIMITS = { maxBytes: 4 * 1024 * 1024, maxDepth: 32 };

function readRecord(node: XmlNode): RepomdRecord | null {
  if (typeof node === 'string') return null;
  const type = xmlAttribute(node, 'type');
  const location = xmlFirst(node['location']);
  const href = xmlAttribute(location, 'href');
  if (!type || !href) return null;
  const checksum = xmlFirst(node['checksum']);
  const size = xmlText(xmlFirst(node['size']));
  const xmlBase = xmlAttribute(location, 'xml:base');
  return {
    type,
    href,
    ...(xmlBase !== undefined && { xmlBase }),
    checksumType: checksumAlgorithm(xmlAttribute(checksum, 'type') ?? ''),
    checksum: xmlText(checksum).toLowerCase(),
    size: /^\d+$/.test(size) ? Number(size) : null,
  };
}

/**
 * Reads repomd.xml. A document with a `<!DOCTYPE` is refused before any parsing, and one that is
 * not well-formed XML throws {@link MalformedXmlError}. Records without a type or a location
 * are left out.
 *
 * @example
 * ```ts
 * const repomd = parseRepomd(bytes);
 * const primary = repomd.records.find((r) => r.type === 'primary');
 * ```
 */
export function parseRepomd(bytes: Uint8Array): Repomd {
  const root = xmlFirst(parseSafeXml(bytes, LIMITS)['repomd']);
  if (root === undefined) throw new MalformedXmlError('the root element is not <repomd>');
  if (typeof root === 'string') return { revision: '', records: [] };
  const records = xmlAll(root['data'])
    .map(readRecord)
    .filter((record): record is RepomdRecord => record !== null);
  return { revision: xmlText(xmlFirst(root['revision'])), records };
}
