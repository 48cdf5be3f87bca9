import { type Readable, Transform, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { PermanentError, PluginError } from '@baton/plugin-api';
import { abortedError, isDecoderError, timeoutError, transportFailure } from './http-failures';

/** The limits that apply while a body is read. */
export interface BodyLimits {
  /** Downloaded (still encoded) bytes. */
  maxBytes: number;
  /** Bytes after Content-Encoding is decoded. */
  maxDecompressedBytes: number;
  /** Longest wait for the next chunk. */
  idleTimeoutMs: number;
}

const DECODERS = new Map<string, () => Transform>([
  ['gzip', () => zlib.createGunzip()],
  ['x-gzip', () => zlib.createGunzip()],
  ['deflate', () => zlib.createInflate()],
  ['br', () => zlib.createBrotliDecompress()],
]);

/** The decoders a `Content-Encoding` header calls for, in the order they apply. */
export function decodersFor(contentEncoding: string | undefined, url: string): (() => Transform)[] {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  return codings.reverse().map((coding) => {
    const decoder = DECODERS.get(coding);
    if (decoder === undefined) {
      throw new PermanentError('bad_content_encoding', `${url}: unsupported Content-Encoding '${coding}'`);
    }
    return decoder;
  });
}

/** A byte-counting pass-through that fails with `exceeded()` once more than `limit` bytes went by. */
export function byteLimit(limit: number, exceeded: () => PluginError): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit) {
        done(exceeded());
        return;
      }
      done(null, chunk);
    },
  });
}

/** The error for a body over the download cap, naming the URL and the limit. */
export function bodyTooLarge(url: string, limit: number, what = 'the body'): PermanentError {
  return new PermanentError('body_too_large', `${url}: ${what} is larger than the limit of ${limit} bytes`);
}

/**
 * Reads `raw` through the byte caps and the decoders, waiting at most the idle timeout for each
 * chunk; the call's signal aborting ends it. The stages are piped at once, so that every error,
 * even one before the first read, has somewhere to go.
 */
export function readBody(raw: Readable, decoders: (() => Transform)[], limits: BodyLimits, url: string, signal: AbortSignal): AsyncIterable<Uint8Array> {
  const output = decodedStream(raw, decoders, limits, url);
  const onAbort = () => output.destroy(abortedError(url));
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  output.once('close', () => signal.removeEventListener('abort', onAbort));
  return withIdleTimeout(output, limits.idleTimeoutMs, url);
}

// Only time spent waiting for data counts, so a slow consumer never times out the server.
async function* withIdleTimeout(output: Readable, idleTimeoutMs: number, url: string): AsyncGenerator<Uint8Array> {
  const chunks = output[Symbol.asyncIterator]();
  try {
    for (;;) {
      const timer = setTimeout(() => output.destroy(timeoutError(url, 'data', idleTimeoutMs)), idleTimeoutMs);
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        throw bodyFailure(error, url);
      } finally {
        clearTimeout(timer);
      }
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    if (!output.readableEnded) output.destroy();
  }
}

function decodedStream(raw: Readable, decoders: (() => Transform)[], limits: BodyLimits, url: string): Readable {
  const rawLimit = byteLimit(limits.maxBytes, () => bodyTooLarge(url, limits.maxBytes));
  const stages: Readable[] = [raw, rawLimit, ...decoders.map((create) => create())];
  if (decoders.length > 0) {
    const limit = limits.maxDecompressedBytes;
    const decompressedTooLarge = () => new PermanentError('decompressed_too_large', `${url}: the decoded body is larger than the limit of ${limit} bytes`);
    stages.push(byteLimit(limit, decompressedTooLarge));
  }
  // Errors surface through the last stage; pipeline destroys every stage on the first one.
  pipeline(stages, () => undefined);
  return stages[stages.length - 1];
}

function bodyFailure(error: unknown, url: string): unknown {
  if (error instanceof PluginError) return error;
  if (isDecoderError(error)) {
    return new PermanentError('bad_content_encoding', `${url}: the body does not decode as its Content-Encoding says`);
  }
  return transportFailure(error, url);
}
