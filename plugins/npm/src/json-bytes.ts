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
 * strings closed and its brackets balanced. A large document is then read without holding its
 * text and its whole parsed tree at once, and faster than parsing all of it.
 *
 * @example
 * ```ts
 * const json = new JsonBytes(Buffer.from('{"name":"left-pad","readme":"…"}'));
 * json.members(json.start(), (key, start, end) => key === 'name' && json.parse(start, end)); // 'left-pad'
 * ```
 */
export class JsonBytes {
  /**
   * The bytes as Latin-1 text, one character a byte, searched for closing quotes: a string's own
   * search is faster than a buffer's. Text handed out is decoded from the bytes as UTF-8.
   */
  private readonly searched: string;

  constructor(private readonly bytes: Buffer) {
    this.searched = bytes.toString('latin1');
  }

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
   * Visits each member of the object at `at` with its key's and its value's byte ranges (the key's
   * text is made only when asked for, by `key` or `keyIn`), and answers where the object ends.
   */
  members(at: number, visit: (keyStart: number, keyEnd: number, start: number, end: number) => void): number {
    const bytes = this.bytes;
    if (bytes[at] !== OPEN_OBJECT) throw this.unexpected(at);
    let i = this.skipSpace(at + 1);
    if (bytes[i] === CLOSE_OBJECT) return i + 1;
    for (;;) {
      if (bytes[i] !== QUOTE) throw this.unexpected(i);
      const keyStart = i;
      const keyEnd = this.stringEnd(i);
      i = this.skipSpace(keyEnd);
      if (bytes[i] !== COLON) throw this.unexpected(i);
      const start = this.skipSpace(i + 1);
      const end = this.valueEnd(start);
      visit(keyStart, keyEnd, start, end);
      i = this.skipSpace(end);
      if (bytes[i] === CLOSE_OBJECT) return i + 1;
      if (bytes[i] !== COMMA) throw this.unexpected(i);
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

  // One loop, strings skipped by a native search for their closing quote: this runs over nearly
  // every byte of a packument, in a worker whose code is not yet optimised on its first read. The
  // open brackets are kept, so that each closing one must match the last one opened.
  private containerEnd(at: number): number {
    const bytes = this.bytes;
    const open: number[] = [];
    for (let i = at; i < bytes.length; i += 1) {
      const byte = bytes[i];
      if (byte === QUOTE) i = this.stringEnd(i) - 1;
      else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) open.push(byte);
      else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        if (open.pop() !== (byte === CLOSE_OBJECT ? OPEN_OBJECT : OPEN_ARRAY)) throw this.unexpected(i);
        if (open.length === 0) return i + 1;
      }
    }
    throw this.unexpected(bytes.length);
  }

  /** After the closing quote of the string whose opening quote is at `at`. */
  private stringEnd(at: number): number {
    const bytes = this.bytes;
    let quote = at;
    for (;;) {
      quote = this.searched.indexOf('"', quote + 1);
      if (quote === -1) throw this.unexpected(bytes.length);
      let before = quote - 1;
      while (bytes[before] === BACKSLASH) before -= 1;
      if ((quote - before) % 2 === 1) return quote + 1;
    }
  }

  /** The text of the key in `start`..`end`. */
  key(start: number, end: number): string {
    return this.parse(start, end) as string;
  }

  /** Which of `names` the key in `start`..`end` is, if any: compared byte for byte, so that no text is made for the others. */
  keyIn<Name extends string>(start: number, end: number, names: readonly Name[]): Name | undefined {
    const length = end - start - 2;
    for (const name of names) if (name.length === length && this.holds(start + 1, name)) return name;
    return this.plainString(start, end) ? undefined : names.find((name) => name === this.key(start, end));
  }

  /** Whether the bytes from `at` are the ASCII `text`. */
  private holds(at: number, text: string): boolean {
    for (let i = 0; i < text.length; i += 1) if (this.bytes[at + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  /** Whether the string in `start`..`end` has neither escapes nor control characters, and so is its bytes. */
  private plainString(start: number, end: number): boolean {
    for (let i = start + 1; i < end - 1; i += 1) if (this.bytes[i] === BACKSLASH || this.bytes[i] < 0x20) return false;
    return true;
  }

  private skipSpace(at: number): number {
    if (this.bytes[at] > 0x20) return at;
    let i = at;
    while (i < this.bytes.length && isSpace(this.bytes[i])) i += 1;
    return i;
  }

  private unexpected(at: number): SyntaxError {
    if (at >= this.bytes.length) return new SyntaxError('Unexpected end of JSON input');
    return new SyntaxError(`Unexpected character '${String.fromCharCode(this.bytes[at])}' at byte ${at}`);
  }
}
