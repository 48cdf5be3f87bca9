import { PermanentError, PluginError, TransientError, parseRetryAfter, type HttpResponse } from '@baton/plugin-api';

/** How to word a failed request: what was asked for, and what to check when access is refused. */
export interface FailureWording {
  /** What the request was for, for messages: `repository metadata (repodata/repomd.xml)`. */
  what: string;
  /** Said when the server refuses access (401, 403). Default `check USERNAME and PASSWORD`. */
  accessHint?: string;
}

/** Statuses that say "not now" rather than "never": a later try may succeed. */
const TRANSIENT_STATUSES = new Set([408, 425, 429]);

/** Error codes of Node's sockets, DNS and fetch (undici) that mean the network failed, not the request. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * The error for a response that is not the one wanted: 404 and refused access are permanent
 * (asking again will not help), 408, 425, 429 and 5xx transient with the server's `Retry-After`,
 * any other status permanent. The host's client already throws for 429 and 5xx; a plugin that
 * reads through another client gets the same answer here.
 *
 * @example
 * ```ts
 * const response = await ctx.http.get({ url });
 * if (response.status !== 200) {
 *   response.discard();
 *   throw statusFailure(url, response, { what: 'the package index' });
 * }
 * ```
 */
export function statusFailure(url: string, response: Pick<HttpResponse, 'status' | 'headers'>, wording: FailureWording): PluginError {
  const { status } = response;
  if (status === 404) return new PermanentError('not_found', `${wording.what} not found at ${url} (404)`);
  if (status === 401 || status === 403) {
    return new PermanentError('access_denied', `${url} refused access (${status}); ${wording.accessHint ?? 'check USERNAME and PASSWORD'}`);
  }
  const message = `${url} answered ${status} instead of ${wording.what}`;
  if (TRANSIENT_STATUSES.has(status) || (status >= 500 && status <= 599)) {
    return new TransientError(`http_${status}`, message, { retryAfterSeconds: parseRetryAfter(response.headers['retry-after']) });
  }
  return new PermanentError(`http_${status}`, message);
}

/**
 * A failure thrown while talking to a server, as the host should see it: a plugin's own errors
 * pass through, a network failure (reset, refused, timed out, name not found) becomes a
 * `TransientError`, and anything else is returned unchanged, to be reported as the bug it is.
 *
 * @example
 * ```ts
 * try {
 *   return await fetch(url, { signal: ctx.signal });
 * } catch (error) {
 *   throw networkFailure(url, error);
 * }
 * ```
 */
export function networkFailure(url: string, error: unknown): unknown {
  if (error instanceof PluginError) return error;
  const cause = networkCause(error);
  if (cause === null) return error;
  return new TransientError('network', `${url} could not be reached: ${cause}`);
}

/** The network reason in an error or its cause (fetch wraps it as `TypeError: fetch failed`), or null. */
function networkCause(error: unknown): string | null {
  // Read by shape, not instanceof: errors from another realm (a vm context, a worker) are not this realm's Error.
  let current = error as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 4; depth += 1) {
    const { code, name, message } = current;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return `${code}: ${String(message)}`;
    if (name === 'TimeoutError' || name === 'AbortError') return `${name}: ${String(message)}`;
    current = current.cause as typeof current;
  }
  return null;
}
