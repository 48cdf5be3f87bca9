import type { HttpResponse } from '../context';
import { PermanentError } from '../errors';

/** Where a response's bytes come from: a fetch body or a file, opened only when read; leaving the iteration early stops it. */
export interface BodySource {
  chunks(): AsyncIterable<Uint8Array>;
  cancel(): void;
}

/**
 * An {@link HttpResponse} whose body may be read once, in one of the four ways, within a byte cap,
 * as the host's client allows. Reading it twice is a plugin bug and throws a `TypeError`.
 *
 * @example
 * ```ts
 * const response = new TestHttpResponse(200, {}, 'https://repo.example.org/list.json', source, 1024);
 * const list = await response.json();
 * ```
 */
export class TestHttpResponse implements HttpResponse {
  private consumed = false;

  constructor(
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
    readonly url: string,
    private readonly source: BodySource,
    private readonly maxBytes: number,
  ) {}

  body(): AsyncIterable<Uint8Array> {
    this.claim();
    return this.capped();
  }

  async buffer(): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    for await (const chunk of this.body()) parts.push(chunk);
    return Buffer.concat(parts);
  }

  async text(): Promise<string> {
    return (await this.buffer()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  discard(): void {
    if (this.consumed) return;
    this.consumed = true;
    this.source.cancel();
  }

  private claim(): void {
    if (this.consumed) throw new TypeError(`the body of ${this.url} was already read or discarded; read it once`);
    this.consumed = true;
  }

  private async *capped(): AsyncIterable<Uint8Array> {
    let total = 0;
    for await (const chunk of this.source.chunks()) {
      total += chunk.byteLength;
      // Throwing ends the loop, which makes the source stop its download.
      if (total > this.maxBytes) throw new PermanentError('too_large', `${this.url}: body is larger than ${this.maxBytes} bytes`);
      yield chunk;
    }
  }
}
