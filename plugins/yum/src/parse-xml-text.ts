import { MalformedXmlError, decodeXmlText } from '@baton/plugin-kit';

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * The attributes of a start tag's inside (the text between the name and `>`), decoded.
 *
 * @example
 * ```ts
 * parseAttributes(' epoch="0" ver="1.0" rel=\'1\''); // { epoch: '0', ver: '1.0', rel: '1' }
 * ```
 */
export function parseAttributes(inside: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of inside.matchAll(ATTRIBUTE)) {
    attributes[match[1]] = decodeXmlText(match[2] ?? match[3] ?? '');
  }
  return attributes;
}

/** One element found in a fragment: its decoded attributes and text (empty for `<x/>`). */
export interface FoundElement {
  attributes: Record<string, string>;
  text: string;
}

const NAME_END = new Set([' ', '\t', '\r', '\n', '/', '>']);

function decodeContent(raw: string, tag: string): string {
  if (raw.includes('<')) return decodeMixed(raw, tag);
  return decodeXmlText(raw);
}

/** Text with CDATA sections (and nothing else inside the element). */
function decodeMixed(raw: string, tag: string): string {
  let out = '';
  let at = 0;
  while (at < raw.length) {
    const open = raw.indexOf('<![CDATA[', at);
    if (open < 0) return out + decodeXmlText(raw.slice(at));
    if (raw.slice(at, open).includes('<')) throw new MalformedXmlError(`unexpected markup inside <${tag}>`);
    const close = raw.indexOf(']]>', open);
    if (close < 0) throw new MalformedXmlError(`an unclosed CDATA section inside <${tag}>`);
    out += decodeXmlText(raw.slice(at, open)) + raw.slice(open + 9, close);
    at = close + 3;
  }
  return out;
}

/**
 * The first element named `tag` in an XML fragment, or null; its text is decoded. Meant for
 * leaf elements (no child elements), which is what rpm-md's package fields are.
 *
 * @example
 * ```ts
 * findElement('<name>scrt</name><arch>x86_64</arch>', 'arch'); // { attributes: {}, text: 'x86_64' }
 * ```
 */
export function findElement(fragment: string, tag: string, from = 0): FoundElement | null {
  const open = `<${tag}`;
  for (let at = fragment.indexOf(open, from); at >= 0; at = fragment.indexOf(open, at + 1)) {
    const after = fragment[at + open.length];
    if (after === undefined || !NAME_END.has(after)) continue;
    const tagEnd = fragment.indexOf('>', at);
    if (tagEnd < 0) throw new MalformedXmlError(`an unclosed <${tag}> tag`);
    const selfClosing = fragment[tagEnd - 1] === '/';
    const inside = fragment.slice(at + open.length, selfClosing ? tagEnd - 1 : tagEnd);
    const attributes = parseAttributes(inside);
    if (selfClosing) return { attributes, text: '' };
    const close = fragment.indexOf(`</${tag}>`, tagEnd);
    if (close < 0) throw new MalformedXmlError(`<${tag}> is not closed`);
    return { attributes, text: decodeContent(fragment.slice(tagEnd + 1, close), tag) };
  }
  return null;
}
