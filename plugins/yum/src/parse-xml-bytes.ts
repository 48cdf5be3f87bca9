/** Byte-level helpers for reading XML without decoding it: searches and checks on a `Buffer`. */

export const COMMENT_OPEN = Buffer.from('<!--');

/** XML white space. */
export const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** A tag name ends here: `<package` must not match `<packager`. */
export const isNameEnd = (c: number | undefined): boolean => isSpace(c) || c === 0x3e || c === 0x2f;

/**
 * Whether `data` holds `prefix` at `at`.
 *
 * @example
 * ```ts
 * startsWith(Buffer.from('<metadata>'), 0, Buffer.from('<meta')); // true
 * ```
 */
export function startsWith(data: Buffer, at: number, prefix: Buffer): boolean {
  return data.length - at >= prefix.length && data.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}

/**
 * Where the next start tag `open` (`<package`) is from `from`, or -1; longer names that begin
 * the same way (`<packager>`) do not count.
 *
 * @example
 * ```ts
 * nextStartTag(Buffer.from('<packager/><package>'), Buffer.from('<package'), 0); // 11
 * ```
 */
export function nextStartTag(data: Buffer, open: Buffer, from: number): number {
  for (let at = data.indexOf(open, from); at >= 0; at = data.indexOf(open, at + 1)) {
    if (isNameEnd(data[at + open.length])) return at;
  }
  return -1;
}

/**
 * The close tag `close` that ends the element starting at `start`, given where the next sibling
 * starts: only white space (or comments) may lie between. -1 when it is missing.
 *
 * @example
 * ```ts
 * closeTagBefore(Buffer.from('<a>x</a>\n<a>'), Buffer.from('</a>'), 0, 9); // 4
 * ```
 */
export function closeTagBefore(data: Buffer, close: Buffer, start: number, next: number): number {
  let end = next;
  while (end > start && isSpace(data[end - 1])) end -= 1;
  const direct = end - close.length;
  if (direct > start && startsWith(data, direct, close)) return direct;
  // Rare: comments between siblings.
  const last = data.subarray(0, next).lastIndexOf(close);
  return last > start && onlyComments(data, last + close.length, next) ? last : -1;
}

function onlyComments(data: Buffer, from: number, to: number): boolean {
  let at = from;
  for (;;) {
    while (at < to && isSpace(data[at])) at += 1;
    if (at >= to) return true;
    if (!startsWith(data, at, COMMENT_OPEN)) return false;
    const end = data.indexOf('-->', at + COMMENT_OPEN.length);
    if (end < 0 || end + 3 > to) return false;
    at = end + 3;
  }
}

/** The position after `terminator` from `at`, or -1 when it is not there (yet). */
export function endOf(data: Buffer, terminator: string, at: number): number {
  const end = data.indexOf(terminator, at);
  return end < 0 ? -1 : end + terminator.length;
}

/** The tag (or text) at `at`, quoted, for messages. */
export function quote(data: Buffer, at: number): string {
  const text = data.toString('utf8', at, Math.min(data.length, at + 40)).split(/[\s>]/)[0] ?? '';
  return `'${text}'`;
}
