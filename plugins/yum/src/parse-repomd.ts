import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { checksumAlgorithm } from './parse-package-record';
import { MalformedXmlError, decodeXmlText } from './parse-xml-text';

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

type XmlNode = string | { [key: string]: XmlNode | XmlNode[] | undefined };

/** repomd.xml is three levels deep; anything far deeper is not repomd.xml. */
const MAX_DEPTH = 32;

// Entities stay as written (never expanded by the parser) and are decoded afterwards, strictly.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  maxNestedTags: MAX_DEPTH,
});

/**
 * The parser's own refusals (nesting beyond its limit, and whatever else it finds in a document
 * the validator let through) are about the document, not about this plugin.
 */
function parseDocument(xml: string): Record<string, XmlNode | XmlNode[]> {
  try {
    return parser.parse(xml) as Record<string, XmlNode | XmlNode[]>;
  } catch (error) {
    throw new MalformedXmlError(`it cannot be read as repomd.xml: ${(error as Error).message}`);
  }
}

function first(value: XmlNode | XmlNode[] | undefined): XmlNode | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function all(value: XmlNode | XmlNode[] | undefined): XmlNode[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function text(node: XmlNode | undefined): string {
  if (node === undefined) return '';
  const raw = typeof node === 'string' ? node : first(node['#text']);
  return typeof raw === 'string' ? decodeXmlText(raw).trim() : '';
}

function attribute(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const raw = first(node[`@${name}`]);
  return typeof raw === 'string' ? decodeXmlText(raw) : undefined;
}

function readRecord(node: XmlNode): RepomdRecord | null {
  if (typeof node === 'string') return null;
  const type = attribute(node, 'type');
  const location = first(node['location']);
  const href = attribute(location, 'href');
  if (!type || !href) return null;
  const checksum = first(node['checksum']);
  const size = text(first(node['size']));
  const xmlBase = attribute(location, 'xml:base');
  return {
    type,
    href,
    ...(xmlBase !== undefined && { xmlBase }),
    checksumType: checksumAlgorithm(attribute(checksum, 'type') ?? ''),
    checksum: text(checksum).toLowerCase(),
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
  const xml = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  if (/<!DOCTYPE/i.test(xml)) throw new MalformedXmlError('it has a <!DOCTYPE>, which is refused (no DTD is ever read)');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new MalformedXmlError(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const root = first(parseDocument(xml)['repomd']);
  if (root === undefined) throw new MalformedXmlError('the root element is not <repomd>');
  if (typeof root === 'string') return { revision: '', records: [] };
  const records = all(root['data'])
    .map(readRecord)
    .filter((record): record is RepomdRecord => record !== null);
  return { revision: text(first(root['revision'])), records };
}
