import type { HttpClient, HttpRequest, PluginContext } from '@baton/plugin-api';
import { statusFailure, type FailureWording } from './http-failures';

/**
 * What a server offered to make the next request for the same URL conditional.
 *
 * @example
 * ```ts
 * const known: Validators = { etag: '"5f1a"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' };
 * ```
 */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

/**
 * The answer of a conditional GET: unchanged (304) since the validators given, or the body with
 * the validators to send next time.
 *
 * @example
 * ```ts
 * const answer: ConditionalAnswer = { status: 'unchanged', url: 'https://registry.example.org/index.json' };
 * ```
 */
export type ConditionalAnswer = { status: 'unchanged'; url: string } | { status: 'fetched'; url: string; bytes: Buffer; validators: Validators };

/**
 * GETs a URL, conditionally (`If-None-Match`, `If-Modified-Since`) when validators of an earlier
 * answer are known. Any status but 200 (and 304 to a conditional request) throws the error of
 * {@link statusFailure}.
 *
 * @example
 * ```ts
 * const answer = await conditionalGet(ctx.http, { url, maxBytes: 4 << 20 }, stored?.validators ?? null, { what: 'the index' });
 * if (answer.status === 'unchanged') return stored.parsed;
 * ```
 */
export async function conditionalGet(http: HttpClient, request: HttpRequest, known: Validators | null, wording: FailureWording): Promise<ConditionalAnswer> {
  const headers: Record<string, string> = { ...request.headers };
  if (known?.etag) headers['if-none-match'] = known.etag;
  if (known?.lastModified) headers['if-modified-since'] = known.lastModified;
  const response = await http.get({ ...request, headers });
  if (response.status === 304 && known !== null) {
    response.discard();
    return { status: 'unchanged', url: request.url };
  }
  if (response.status !== 200) {
    response.discard();
    throw statusFailure(request.url, response, wording);
  }
  const bytes = await response.buffer();
  const validators: Validators = {};
  if (response.headers['etag']) validators.etag = response.headers['etag'];
  if (response.headers['last-modified']) validators.lastModified = response.headers['last-modified'];
  return { status: 'fetched', url: request.url, bytes, validators };
}

/**
 * A body as {@link cachedGet} answers it: the bytes, and whether they are the stored ones
 * because the server said they have not changed.
 *
 * @example
 * ```ts
 * const { bytes, unchanged } = await cachedGet(ctx, 'index', { url }, { what: 'the index' });
 * ```
 */
export interface CachedBody {
  bytes: Buffer;
  unchanged: boolean;
}

interface StoredBody {
  url: string;
  validators: Validators;
  body: string;
}

/** Store values hold at most 8 MiB; a body kept as base64 grows by a third, so keep below. */
const MAX_STORED_CHARS = 6 * 1024 * 1024;

/**
 * GETs a URL through {@link conditionalGet}, keeping the validators and the body in `ctx.store`
 * under `key`: when the server answers 304, the stored body is returned again. A body too large
 * for the store is not kept (the next request is then unconditional).
 *
 * @example
 * ```ts
 * const { bytes } = await cachedGet(ctx, 'packages-index', { url: new URL('index.json', base).href }, { what: 'the package index' });
 * const index = JSON.parse(bytes.toString('utf8'));
 * ```
 */
export async function cachedGet(ctx: Pick<PluginContext, 'http' | 'store'>, key: string, request: HttpRequest, wording: FailureWording): Promise<CachedBody> {
  const stored = await loadBody(ctx.store, key, request.url);
  const answer = await conditionalGet(ctx.http, request, stored?.validators ?? null, wording);
  if (answer.status === 'unchanged' && stored !== null) return { bytes: Buffer.from(stored.body, 'base64'), unchanged: true };
  if (answer.status === 'unchanged') throw new TypeError('a 304 answer to a request that was not conditional');
  const body = answer.bytes.toString('base64');
  const keep = Object.keys(answer.validators).length > 0 && body.length <= MAX_STORED_CHARS;
  if (keep) await ctx.store.set(key, JSON.stringify({ url: request.url, validators: answer.validators, body } satisfies StoredBody));
  else if (stored !== null) await ctx.store.delete(key);
  return { bytes: answer.bytes, unchanged: false };
}

async function loadBody(store: PluginContext['store'], key: string, url: string): Promise<StoredBody | null> {
  const text = await store.get(key);
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<StoredBody> | null;
    // Kept for another URL (the configuration changed): not a body to reuse.
    if (value?.url !== url || typeof value.body !== 'string' || typeof value.validators !== 'object') return null;
    return value as StoredBody;
  } catch {
    return null;
  }
}
