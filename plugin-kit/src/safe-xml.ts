import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MalformedXmlError, decodeXmlText } from './xml-text';

/**
 * An element as {@link parseSafeXml} returns it: text, or an object of child elements by name,
 * attributes as `@name` and text as `#text`, all still undecoded (see {@link xmlText}).
 *
 * @example
 * ```ts
 * const node: XmlNode = { '@type': 'primary', location: { '@href': 'repodata/primary.xml.gz' } };
 * ```
 */
export type XmlNode = string | { [key: string]: XmlNode | XmlNode[] | undefined };

/**
 * Caps on a document read by {@link parseSafeXml}.
 *
 * @example
 * ```ts
 * const limits: SafeXmlLimits = { maxBytes: 4 * 1024 * 1024, maxDepth: 32 };
 * ```
 */
export interface SafeXmlLimits {
  /** Largest document accepted, in bytes. */
  maxBytes: number;
  /** Deepest nesting of elements accepted. */
  maxDepth: number;
}

const parsers = new Map<number, XMLParser>();

// Entities stay as written (never expanded by the parser) and are decoded afterwards, strictly.
function parserFor(maxDepth: number): XMLParser {
  let parser = parsers.get(maxDepth);
  if (parser === undefined) {
    parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      processEntities: false,
      htmlEntities: false,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      maxNestedTags: maxDepth,
    });
    parsers.set(maxDepth, parser);
  }
  return parser;
}

/**
 * Reads a small XML document (an index, a manifest) safely: a document over `maxBytes` or with a
 * `<!DOCTYPE` is refused before any parsing, so no entity is ever expanded and no DTD read; one
 * that is not well-formed, or nests deeper than `maxDepth`, throws {@link MalformedXmlError}.
 *
 * @example
 * ```ts
 * const root = xmlFirst(parseSafeXml(bytes, { maxBytes: 4 << 20, maxDepth: 32 })['repomd']);
 * const revision = xmlText(xmlFirst(typeof root === 'object' ? root['revision'] : undefined));
 * ```
 */
export function parseSafeXml(bytes: Uint8Array, limits: SafeXmlLimits): Record<string, XmlNode | XmlNode[]> {
  if (bytes.byteLength > limits.maxBytes) throw new MalformedXmlError(`it is larger than ${limits.maxBytes} bytes`);
  const xml = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  if (/<!DOCTYPE/i.test(xml)) throw new MalformedXmlError('it has a <!DOCTYPE>, which is refused (no DTD is ever read)');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new MalformedXmlError(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  try {
    return parserFor(limits.maxDepth).parse(xml) as Record<string, XmlNode | XmlNode[]>;
  } catch (error) {
    // The parser's own refusals (nesting beyond the cap, and whatever else the validator let through) are about the document.
    throw new MalformedXmlError(`it cannot be read: ${(error as Error).message}`);
  }
}

/**
 * The first of one or more elements of the same name.
 *
 * @example
 * ```ts
 * xmlFirst([{ '@type': 'primary' }, { '@type': 'other' }]); // { '@type': 'primary' }
 * ```
 */
export function xmlFirst(value: XmlNode | XmlNode[] | undefined): XmlNode | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Every element of one name, as a list (empty when there is none).
 *
 * @example
 * ```ts
 * xmlAll({ '@type': 'primary' }).length; // 1
 * ```
 */
export function xmlAll(value: XmlNode | XmlNode[] | undefined): XmlNode[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * An element's text, entities decoded strictly, trimmed; `''` when it has none.
 *
 * @example
 * ```ts
 * xmlText({ '#text': 'a &amp; b', '@lang': 'en' }); // 'a & b'
 * ```
 */
export function xmlText(node: XmlNode | undefined): string {
  if (node === undefined) return '';
  const raw = typeof node === 'string' ? node : xmlFirst(node['#text']);
  return typeof raw === 'string' ? decodeXmlText(raw).trim() : '';
}

/**
 * An element's attribute, entities decoded strictly; undefined when it has none.
 *
 * @example
 * ```ts
 * xmlAttribute({ '@href': 'a&amp;b.xml' }, 'href'); // 'a&b.xml'
 * ```
 */
export function xmlAttribute(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const raw = xmlFirst(node[`@${name}`]);
  return typeof raw === 'string' ? decodeXmlText(raw) : undefined;
}
