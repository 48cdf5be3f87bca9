const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const isSpace = (byte: number): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
const isDelimiter = (byte: number): boolean => byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY || isSpace(byte);

/**
 * A JSON document's bytes, walked without parsing what is not asked for: the members of an
 * object are found by their byte ranges, and only the values a caller wants are parsed (by
 * `JSON.parse`, in full). A value passed over is checked as far as finding its end needs: its
 * strings closed and its brackets matched. A large document is then read without holding its
 * text and its whole parsed tree at once, and faster than parsing all of it.
 *
 * @example
 * ```ts
 * const json = new JsonBytes(Buffer.from('{"name":"left-pad","readme":"…"}'));
 * json.members(json.start(), (key, start, end) => key === 'name' && json.parse(start, end)); // 'left-pad'
 * ```
 */
export class JsonBytes {
  constructor(private readonly bytes: Buffer) {}

  /** The byte at `at`, or -1 past the end. */
  byteAt(at: number): number {
    return at < this.bytes.length ? this.bytes[at] : -1;
  }

  /** Where the document's value begins (after any whitespace). */
  start(): number {
    return this.skipSpace(0);
  }

  /** Fails unless only whitespace follows `at`. */
  expectEnd(at: number): void {
    const end = this.skipSpace(at);
    if (end < this.bytes.length) throw this.unexpected(end);
  }

  /** The value in `start`..`end`, parsed by `JSON.parse` (a string without escapes taken as it is). */
  parse(start: number, end: number): unknown {
    if (this.bytes[start] === QUOTE && this.plainString(start, end)) return this.bytes.toString('utf8', start + 1, end - 1);
    try {
      return JSON.parse(this.bytes.toString('utf8', start, end));
    } catch (error) {
      throw new SyntaxError(`${(error as Error).message} (in the value at byte ${start})`);
    }
  }

  /**
   * Visits each member of the object at `at` with its key and its value's byte range, and answers
   * where the object ends.
   */
  members(at: number, visit: (key: string, start: number, end: number) => void): number {
    if (this.byteAt(at) !== OPEN_OBJECT) throw this.unexpected(at);
    let i = this.skipSpace(at + 1);
    if (this.byteAt(i) === CLOSE_OBJECT) return i + 1;
    for (;;) {
      if (this.byteAt(i) !== QUOTE) throw this.unexpected(i);
      const keyEnd = this.stringEnd(i);
      const key = this.keyText(i, keyEnd);
      i = this.skipSpace(keyEnd);
      if (this.byteAt(i) !== COLON) throw this.unexpected(i);
      const start = this.skipSpace(i + 1);
      const end = this.valueEnd(start);
      visit(key, start, end);
      i = this.skipSpace(end);
      const next = this.byteAt(i);
      if (next === CLOSE_OBJECT) return i + 1;
      if (next !== COMMA) throw this.unexpected(i);
      i = this.skipSpace(i + 1);
    }
  }

  /** Where the value at `at` ends: a string's closing quote, a bracket's match, a scalar's last byte, plus one. */
  valueEnd(at: number): number {
    const first = this.byteAt(at);
    if (first === QUOTE) return this.stringEnd(at);
    if (first === OPEN_OBJECT || first === OPEN_ARRAY) return this.containerEnd(at);
    let i = at;
    while (i < this.bytes.length && !isDelimiter(this.bytes[i])) i += 1;
    if (i === at) throw this.unexpected(at);
    return i;
  }

  private containerEnd(at: number): number {
    const bytes = this.bytes;
    const closers: number[] = [];
    for (let i = at; i < bytes.length;) {
      const byte = bytes[i];
      if (byte === QUOTE) {
        i = this.stringEnd(i);
        continue;
      }
      if (byte === OPEN_OBJECT) closers.push(CLOSE_OBJECT);
      else if (byte === OPEN_ARRAY) closers.push(CLOSE_ARRAY);
      else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        if (closers.pop() !== byte) throw this.unexpected(i);
        if (closers.length === 0) return i + 1;
      }
      i += 1;
    }
    throw this.unexpected(bytes.length);
  }

  /** After the closing quote of the string whose opening quote is at `at`. */
  private stringEnd(at: number): number {
    let quote = at;
    for (;;) {
      quote = this.bytes.indexOf(QUOTE, quote + 1);
      if (quote === -1) throw this.unexpected(this.bytes.length);
      let backslashes = 0;
      while (this.bytes[quote - 1 - backslashes] === BACKSLASH) backslashes += 1;
      if (backslashes % 2 === 0) return quote + 1;
    }
  }

  private keyText(start: number, end: number): string {
    return this.plainString(start, end) ? this.bytes.toString('utf8', start + 1, end - 1) : (this.parse(start, end) as string);
  }

  /** Whether the string in `start`..`end` has neither escapes nor control characters, and so is its bytes. */
  private plainString(start: number, end: number): boolean {
    for (let i = start + 1; i < end - 1; i += 1) if (this.bytes[i] === BACKSLASH || this.bytes[i] < 0x20) return false;
    return true;
  }

  private skipSpace(at: number): number {
    let i = at;
    while (i < this.bytes.length && isSpace(this.bytes[i])) i += 1;
    return i;
  }

  private unexpected(at: number): SyntaxError {
    if (at >= this.bytes.length) return new SyntaxError('Unexpected end of JSON input');
    return new SyntaxError(`Unexpected character '${String.fromCharCode(this.bytes[at])}' at byte ${at}`);
  }
}
