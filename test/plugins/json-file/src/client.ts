import { PermanentError, type Configuration, type KeyValueStore, type PluginContext } from '@baton/plugin-api';
import { credentials } from './config';

/** The last document read, kept in the repository's store so an unchanged one is not downloaded again. */
interface CachedDocument {
  url: string;
  etag: string;
  body: string;
}

export const CACHE_KEY = 'document';

/** Bodies larger than this are not cached: the store takes at most 8 MiB per value. */
const MAX_CACHED_CHARS = 4 * 1024 * 1024;

/** Reads the package list, conditionally when an ETag from an earlier read is known. */
export async function fetchDocument(repository: Configuration, ctx: PluginContext): Promise<string> {
  const url = repository['URL'];
  const cached = await readCache(ctx.store, url);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (cached) headers['if-none-match'] = cached.etag;
  const response = await ctx.http.get({ url, headers, auth: credentials(repository) });
  if (response.status === 304 && cached) {
    response.discard();
    ctx.log.debug('package list unchanged', { url });
    return cached.body;
  }
  if (response.status !== 200) {
    response.discard();
    throw statusError(url, response.status);
  }
  const body = await response.text();
  await writeCache(ctx.store, url, response.headers['etag'], body);
  return body;
}

function statusError(url: string, status: number): PermanentError {
  if (status === 404) return new PermanentError('not_found', `there is no package list at ${url} (404 Not Found)`);
  if (status === 401 || status === 403) return new PermanentError('access_denied', `${url} refused access (${status}); check USERNAME and PASSWORD`);
  return new PermanentError(`http_${status}`, `${url} answered ${status} instead of the package list`);
}

async function readCache(store: KeyValueStore, url: string): Promise<CachedDocument | null> {
  const text = await store.get(CACHE_KEY);
  if (text === null) return null;
  try {
    const cached = JSON.parse(text) as CachedDocument;
    return cached.url === url && typeof cached.etag === 'string' && typeof cached.body === 'string' ? cached : null;
  } catch {
    return null;
  }
}

async function writeCache(store: KeyValueStore, url: string, etag: string | undefined, body: string): Promise<void> {
  if (etag && body.length <= MAX_CACHED_CHARS) await store.set(CACHE_KEY, JSON.stringify({ url, etag, body }));
  else await store.delete(CACHE_KEY);
}
