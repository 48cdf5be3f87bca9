/**
 * Thrown for XML that is not well-formed, or that is refused (a DOCTYPE, too large, too deep);
 * the caller names the file, usually in a `PermanentError`.
 *
 * @example
 * ```ts
 * throw new MalformedXmlError('the root element is not <repomd>');
 * ```
 */
export class MalformedXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedXmlError';
  }
}

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9._-]*);/g;

function decodeReference(body: string): string {
  if (body.startsWith('#')) {
    const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    const valid = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff));
    if (!valid) throw new MalformedXmlError(`invalid character reference &${body};`);
    return String.fromCodePoint(code);
  }
  const named = NAMED[body];
  // No DTD is ever read, so only XML's five predefined entities exist.
  if (named === undefined) throw new MalformedXmlError(`unknown entity &${body};`);
  return named;
}

/**
 * Decodes XML's predefined entities and numeric character references in text or an attribute
 * value; anything else after `&` is malformed.
 *
 * @example
 * ```ts
 * decodeXmlText('A &lt;b&gt; &#233;'); // 'A <b> é'
 * ```
 */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  if (text.replace(REFERENCE, '').includes('&')) throw new MalformedXmlError(`a bare '&' in '${text.slice(0, 80)}'`);
  return text.replace(REFERENCE, (_match, body: string) => decodeReference(body));
}
