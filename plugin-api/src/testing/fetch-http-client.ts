import type { HttpClient, HttpRequest, HttpResponse } from '../context';
import { PermanentError, TransientError } from '../errors';
import { fileUrlResponse } from './file-url-response';
import { TestHttpResponse, type BodySource } from './http-response';
import { parseRetryAfter } from '../retry-after';

/** The kit's cap on a body when the request gives none: generous, but not unbounded. */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'baton-plugin-conformance-kit';

/**
 * An {@link HttpClient} on Node's global `fetch`, behaving as the host's client is documented to:
 * lower-case headers, decoded bodies within a byte cap, at most 10 redirects, network failures,
 * timeouts, 429 and 5xx thrown as `TransientError` (with `Retry-After`), oversized bodies and
 * redirect loops as `PermanentError`. `file:` URLs are read from disk. `HEAD` answers have an
 * empty body.
 *
 * @example
 * ```ts
 * const http = new FetchHttpClient(AbortSignal.timeout(5000));
 * const response = await http.get({ url: 'https://repo.example.org/list.json' });
 * ```
 */
export class FetchHttpClient implements HttpClient {
  constructor(
    private readonly signal: AbortSignal,
    private readonly maxBytes: number = DEFAULT_MAX_BYTES,
  ) {}

  async get(request: HttpRequest): Promise<HttpResponse> {
    const url = parseUrl(request.url);
    const cap = Math.min(request.maxBytes ?? Number.POSITIVE_INFINITY, this.maxBytes);
    const head = request.method === 'HEAD';
    if (url.protocol === 'file:') return fileUrlResponse(url, cap, this.signal, head);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new PermanentError('unsupported_url', `${url.protocol} URLs are not supported: use http, https or file`);
    }
    const { response, finalUrl } = await this.follow(url, request);
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel().catch(() => undefined);
      const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
      throw new TransientError(`http_${response.status}`, `${finalUrl.href} answered ${response.status}`, { retryAfterSeconds });
    }
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    // A HEAD answer's Content-Length is the size of a body that was not sent.
    if (length > cap && !head) {
      await response.body?.cancel().catch(() => undefined);
      throw new PermanentError('too_large', `${finalUrl.href}: ${length} bytes is more than ${cap}`);
    }
    const headers = Object.fromEntries(response.headers.entries());
    return new TestHttpResponse(response.status, headers, finalUrl.href, this.source(response, finalUrl), cap);
  }

  /** Follows redirects itself, so that a loop is a permanent failure and credentials never leave the first origin. */
  private async follow(start: URL, request: HttpRequest): Promise<{ response: Response; finalUrl: URL }> {
    let url = start;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      const response = await this.fetchOnce(url, request.method ?? 'GET', requestHeaders(request, url.origin === start.origin));
      const location = response.headers.get('location');
      if (!REDIRECT_STATUSES.has(response.status) || location === null) return { response, finalUrl: url };
      await response.body?.cancel().catch(() => undefined);
      url = new URL(location, url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new PermanentError('bad_redirect', `${start.href} redirects to a ${url.protocol} URL`);
      }
    }
    throw new PermanentError('too_many_redirects', `${start.href}: more than ${MAX_REDIRECTS} redirects`);
  }

  private async fetchOnce(url: URL, method: string, headers: Record<string, string>): Promise<Response> {
    try {
      return await fetch(url, { method, headers, redirect: 'manual', signal: this.signal });
    } catch (error) {
      throw this.networkFailure(url, error);
    }
  }

  private source(response: Response, url: URL): BodySource {
    const stream = response.body;
    const failure = (error: unknown): Error => this.networkFailure(url, error);
    return {
      async *chunks() {
        if (stream === null) return;
        const reader = stream.getReader();
        let done = false;
        try {
          for (let part = await reader.read(); !part.done; part = await reader.read()) yield part.value;
          done = true;
        } catch (error) {
          throw failure(error);
        } finally {
          if (!done) await reader.cancel().catch(() => undefined);
          reader.releaseLock();
        }
      },
      cancel() {
        stream?.cancel().catch(() => undefined);
      },
    };
  }

  private networkFailure(url: URL, error: unknown): Error {
    if (this.signal.aborted) return new TransientError('timeout', `${url.href}: stopped at the call's timeout`);
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
    const reason = [cause?.code, cause?.message, (error as Error | null)?.message].find((text) => typeof text === 'string') ?? String(error);
    return new TransientError('network', `${url.href}: ${reason}`);
  }
}

function parseUrl(value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new PermanentError('bad_url', `'${value}' is not an absolute URL`);
  }
}

function requestHeaders(request: HttpRequest, sameOrigin: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...request.headers };
  if (request.auth && sameOrigin) {
    const token = Buffer.from(`${request.auth.username}:${request.auth.password}`).toString('base64');
    headers['authorization'] = `Basic ${token}`;
  }
  return headers;
}
