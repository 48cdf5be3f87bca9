/**
 * A body's bytes gathered as they stream in. When the response announced its length, they are
 * copied into one buffer of that length as each chunk arrives, so that a large packument is held
 * once (not as its chunks and then again as the chunks joined), and each chunk is let go at once;
 * otherwise, or when more bytes come than announced, the chunks are kept and joined at the end.
 *
 * @example
 * ```ts
 * const gathered = new BodyBuffer(Number(response.headers['content-length']));
 * for await (const chunk of response.body()) gathered.add(chunk);
 * const bytes = gathered.take();
 * ```
 */
export class BodyBuffer {
  private whole: Buffer | null;
  private chunks: Uint8Array[] = [];
  private filled = 0;

  /** `announced`: the length the response announced, when it did (NaN or a negative number otherwise). */
  constructor(announced: number) {
    this.whole = Number.isSafeInteger(announced) && announced > 0 ? Buffer.allocUnsafe(announced) : null;
  }

  add(chunk: Uint8Array): void {
    if (this.whole !== null && this.filled + chunk.length <= this.whole.length) {
      this.whole.set(chunk, this.filled);
      this.filled += chunk.length;
      return;
    }
    this.chunks.push(chunk);
  }

  /** The bytes, in one buffer; the gatherer holds none of them afterwards. */
  take(): Buffer {
    const whole = this.whole === null ? Buffer.alloc(0) : this.whole.subarray(0, this.filled);
    const chunks = this.chunks;
    this.whole = null;
    this.chunks = [];
    this.filled = 0;
    return chunks.length === 0 ? whole : Buffer.concat([whole, ...chunks]);
  }
}
