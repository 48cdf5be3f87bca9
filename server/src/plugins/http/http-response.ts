import type { Readable, Transform } from 'node:stream';
import { PermanentError, type HttpResponse } from '@baton/plugin-api';
import { bodyTooLarge, decodersFor, readBody, type BodyLimits } from './body-stream';

/** A response as a transport produced it: headers read, body not yet. */
export interface RawResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Without credentials, so that it may be printed. */
  url: string;
  body: Readable;
  /** The answer to a HEAD: its length and encoding headers describe a body that was not sent. */
  bodiless?: boolean;
}

// Statuses that never carry a body, even when a server still names a Content-Encoding.
const BODILESS = new Set([204, 304]);

/**
 * The plugin's view of `raw`: the Content-Length is checked against the cap at once, the body is
 * decoded and capped while it is read, and the call's signal aborting destroys it.
 */
export function createHttpResponse(raw: RawResponse, limits: BodyLimits, signal: AbortSignal): HttpResponse {
  const { url } = raw;
  // Nothing to read: a HEAD answer, a status that never has a body, or a body of no bytes.
  const empty = raw.bodiless === true || BODILESS.has(raw.status) || raw.headers['content-length'] === '0';
  let decoders: (() => Transform)[];
  try {
    if (raw.bodiless !== true) checkDeclaredLength(raw.headers['content-length'], limits.maxBytes, url);
    decoders = empty ? [] : decodersFor(raw.headers['content-encoding'], url);
  } catch (error) {
    raw.body.destroy();
    throw error;
  }
  let taken = false;
  releaseOnAbort(raw.body, signal, () => taken);
  const body = (): AsyncIterable<Uint8Array> => {
    if (taken) throw new Error(`the body of ${url} was already read or discarded`);
    taken = true;
    return readBody(raw.body, decoders, limits, url, signal);
  };
  const buffer = async (): Promise<Buffer> => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body()) chunks.push(chunk);
    return Buffer.concat(chunks);
  };
  return {
    status: raw.status,
    headers: decoders.length > 0 ? withoutEncoding(raw.headers) : raw.headers,
    url,
    body,
    buffer,
    text: async () => (await buffer()).toString('utf8'),
    json: async () => parseJson((await buffer()).toString('utf8'), url),
    discard: () => {
      taken = true;
      releaseBody(raw.body, empty);
    },
  };
}

/**
 * Gives up a body nobody will read. One that holds nothing more to receive — `empty` (a 304, a
 * HEAD answer, a Content-Length of 0) or already complete — is drained, which hands its keep-alive
 * connection back to the pool for the next request; destroying it would close the connection, and
 * every poll answered 304 would pay for a new one. A body still arriving is destroyed: reading the
 * rest of a download nobody wants costs more than a new connection.
 */
export function releaseBody(body: Readable, empty = false): void {
  if (empty || (body as Readable & { complete?: boolean }).complete === true) body.resume();
  else body.destroy();
}

// Frees the connection of a body nobody has taken yet; once taken, reading handles the abort.
function releaseOnAbort(body: Readable, signal: AbortSignal, taken: () => boolean): void {
  const release = () => {
    if (!taken()) body.destroy();
  };
  signal.addEventListener('abort', release, { once: true });
  body.once('close', () => signal.removeEventListener('abort', release));
}

function checkDeclaredLength(contentLength: string | undefined, limit: number, url: string): void {
  if (contentLength === undefined || !/^\d+$/.test(contentLength)) return;
  if (Number(contentLength) > limit) throw bodyTooLarge(url, limit, `its Content-Length of ${contentLength} bytes`);
}

// Once decoded, the encoding and the encoded length no longer describe the body the plugin reads.
function withoutEncoding(headers: Record<string, string>): Record<string, string> {
  const { 'content-encoding': _encoding, 'content-length': _length, ...rest } = headers;
  return rest;
}

function parseJson(text: string, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PermanentError('invalid_json', `${url}: the body is not valid JSON (${(error as Error).message})`);
  }
}
