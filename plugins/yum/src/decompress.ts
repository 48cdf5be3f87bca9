import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { PermanentError } from '@baton/plugin-api';

/** The compressions primary.xml is published with, told apart by their first bytes. */
export type Compression = 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'plain';

const MAGIC: readonly [Compression, number[]][] = [
  ['gzip', [0x1f, 0x8b]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['bzip2', [0x42, 0x5a, 0x68]],
];
const HEAD_BYTES = 6;
const OUTPUT_CHUNK = 128 * 1024;

/**
 * The compression of a file from its first bytes; `plain` when it looks like XML, null otherwise.
 *
 * @example
 * ```ts
 * detectCompression(Uint8Array.of(0x1f, 0x8b, 8, 0)); // 'gzip'
 * ```
 */
export function detectCompression(head: Uint8Array): Compression | null {
  for (const [compression, magic] of MAGIC) {
    if (magic.every((byte, i) => head[i] === byte)) return compression;
  }
  const text = Buffer.from(head)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  return text.startsWith('<') ? 'plain' : null;
}

/** What {@link decompress} needs: the file's name for messages and the cap on its decompressed size. */
export interface DecompressOptions {
  file: string;
  maxBytes: number;
  /** The setting that raises the cap, named in the message when it is exceeded. */
  setting: string;
}

/** A source that remembers how it failed, so a codec's error is not mistaken for a download's. */
class TrackedSource implements AsyncIterable<Uint8Array> {
  failure: Error | undefined = undefined;

  constructor(
    private readonly head: Uint8Array[],
    private readonly rest: AsyncIterator<Uint8Array>,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    yield* this.head;
    try {
      for (let step = await this.rest.next(); !step.done; step = await this.rest.next()) yield step.value;
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      await this.rest.return?.();
    }
  }
}

async function readHead(iterator: AsyncIterator<Uint8Array>): Promise<Uint8Array[]> {
  const head: Uint8Array[] = [];
  let length = 0;
  while (length < HEAD_BYTES) {
    const step = await iterator.next();
    if (step.done) break;
    head.push(step.value);
    length += step.value.byteLength;
  }
  return head;
}

/**
 * Decompresses a stream by its magic bytes (gzip, xz, zstd, bzip2, or plain XML), chunk by chunk,
 * and stops with a `PermanentError` as soon as the output passes `maxBytes` or the data proves
 * corrupt or truncated. Errors of the source itself pass through unchanged.
 *
 * @example
 * ```ts
 * for await (const xml of decompress(response.body(), { file: 'primary.xml.zst', maxBytes: 1 << 30, setting: 'MAX' })) scanner.push(xml);
 * ```
 */
export async function* decompress(source: AsyncIterable<Uint8Array>, options: DecompressOptions): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  const head = await readHead(iterator);
  const compression = detectCompression(Buffer.concat(head).subarray(0, HEAD_BYTES));
  if (compression === null) {
    await iterator.return?.();
    throw new PermanentError('unknown_compression', `${options.file} is neither gzip, xz, zstd, bzip2 nor plain XML`);
  }
  const tracked = new TrackedSource(head, iterator);
  let total = 0;
  try {
    for await (const chunk of codec(compression)(tracked, options)) {
      total += chunk.byteLength;
      if (total > options.maxBytes) throw tooLarge(options);
      yield chunk;
    }
  } catch (error) {
    if (tracked.failure !== undefined) throw tracked.failure;
    if (error instanceof PermanentError) throw error;
    throw new PermanentError('corrupt_metadata', `${options.file}: corrupt or truncated ${compression} data (${describe(error)})`);
  }
}

function tooLarge(options: DecompressOptions): PermanentError {
  return new PermanentError(
    'metadata_too_large',
    `${options.file} is larger than ${options.maxBytes} bytes once decompressed; raise ${options.setting} to read it`,
  );
}

type Codec = (source: AsyncIterable<Uint8Array>, options: DecompressOptions) => AsyncIterable<Uint8Array>;

function codec(compression: Compression): Codec {
  switch (compression) {
    case 'gzip':
      return gunzip;
    case 'xz':
      return unxz;
    case 'zstd':
      return unzstd;
    case 'bzip2':
      return bunzip2;
    case 'plain':
      return (source) => source;
  }
}

function gunzip(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  // pipeline destroys both streams when either fails or the reader stops early.
  return pipeline(Readable.from(source, { objectMode: false }), createGunzip({ chunkSize: OUTPUT_CHUNK }), () => undefined);
}

async function* unzstd(source: AsyncIterable<Uint8Array>, options: DecompressOptions): AsyncGenerator<Uint8Array> {
  const { Decompress } = interop(await import('fzstd'));
  const output: Uint8Array[] = [];
  let produced = 0;
  // One push may expand a lot: the cap is checked as blocks come out, not only per push.
  const decoder = new Decompress((chunk) => {
    produced += chunk.byteLength;
    if (produced > options.maxBytes) throw tooLarge(options);
    output.push(chunk);
  });
  for await (const chunk of source) {
    decoder.push(chunk);
    yield* output.splice(0);
  }
  decoder.push(new Uint8Array(0), true);
  yield* output.splice(0);
}

async function* unxz(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const { XzReadableStream } = interop(await import('xz-decompress'));
  const input = source[Symbol.asyncIterator]();
  const compressed = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const step = await input.next();
      if (step.done) controller.close();
      else controller.enqueue(step.value);
    },
    async cancel() {
      await input.return?.();
    },
  });
  const reader = new XzReadableStream(compressed).getReader();
  let finished = false;
  try {
    for (let step = await reader.read(); !step.done; step = await reader.read()) yield step.value;
    finished = true;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}

/**
 * A CommonJS package loaded with import() shows its exports as named ones only when Node can
 * detect them; otherwise they are on the default export.
 */
function interop<T extends object>(loaded: T): T {
  const fallback = (loaded as { default?: unknown }).default;
  return typeof fallback === 'object' && fallback !== null ? { ...(fallback as T), ...loaded } : loaded;
}

async function* bunzip2(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const { default: unbzip2 } = await import('unbzip2-stream');
  const stream = unbzip2();
  const output: Buffer[] = [];
  // Set by the error event: a holder, since the compiler does not see callbacks assign a local.
  const failed: { error?: Error } = {};
  // The decoder works synchronously inside write() and end() and reports through events.
  stream.on('data', (chunk: Buffer) => output.push(chunk));
  stream.on('error', (error: Error) => {
    failed.error ??= error;
  });
  for await (const chunk of source) {
    stream.write(Buffer.from(chunk));
    if (failed.error !== undefined) throw failed.error;
    yield* output.splice(0);
  }
  stream.end();
  if (failed.error !== undefined) throw failed.error;
  yield* output.splice(0);
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}
