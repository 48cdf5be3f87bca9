import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { addAbortSignal, type Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { HttpResponse } from '../context';
import { PermanentError, TransientError } from '../errors';
import { TestHttpResponse, type BodySource } from './http-response';

/** Errors that mean "there is nothing at this path", answered like HTTP would: 404. */
const NOT_FOUND = new Set(['ENOENT', 'ENOTDIR']);
const FORBIDDEN = new Set(['EACCES', 'EPERM']);
const NOTHING: BodySource = { async *chunks() {}, cancel() {} };

/**
 * Answers a `file:` URL from disk the way an HTTP server would answer its path: 200 with the
 * file, 404 when there is no file, 403 when it may not be read; with `head`, the same headers and
 * no body.
 *
 * @example
 * ```ts
 * const response = await fileUrlResponse(new URL('file:///srv/repo/list.json'), 1024 * 1024, signal);
 * ```
 */
export async function fileUrlResponse(url: URL, maxBytes: number, signal: AbortSignal, head = false): Promise<HttpResponse> {
  const path = fileURLToPath(url);
  const info = await stat(path).catch((error: unknown) => errorCode(error));
  if (typeof info === 'string') {
    if (NOT_FOUND.has(info)) return emptyResponse(404, url);
    if (FORBIDDEN.has(info)) return emptyResponse(403, url);
    throw new TransientError('file_read', `${url.href}: ${info}`);
  }
  if (info.isDirectory()) return emptyResponse(404, url);
  const headers = { 'content-length': String(info.size), 'last-modified': info.mtime.toUTCString() };
  if (head) return new TestHttpResponse(200, headers, url.href, NOTHING, 0);
  if (info.size > maxBytes) throw new PermanentError('too_large', `${url.href}: ${info.size} bytes is more than ${maxBytes}`);
  return new TestHttpResponse(200, headers, url.href, fileSource(path, url, signal), maxBytes);
}

function fileSource(path: string, url: URL, signal: AbortSignal): BodySource {
  let stream: Readable | null = null;
  return {
    async *chunks() {
      stream = addAbortSignal(signal, createReadStream(path));
      try {
        for await (const chunk of stream) yield chunk as Buffer;
      } catch (error) {
        if (signal.aborted) throw new TransientError('timeout', `${url.href}: reading stopped at the call's timeout`);
        throw new TransientError('file_read', `${url.href}: ${errorCode(error)}`);
      }
    },
    cancel() {
      stream?.destroy();
    },
  };
}

function emptyResponse(status: number, url: URL): HttpResponse {
  return new TestHttpResponse(status, { 'content-length': '0' }, url.href, NOTHING, 0);
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}
