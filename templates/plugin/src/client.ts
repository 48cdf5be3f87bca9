import type { PluginContext } from '@baton/plugin-api';
import { cachedGet } from '@baton/plugin-kit';
import { parseIndex, type VersionIndex } from './parse-index';

/** An index larger than this is refused (the HTTP client stops reading and fails permanently). */
const MAX_INDEX_BYTES = 16 * 1024 * 1024;

/**
 * GETs and reads the index. The request is conditional (ETag, Last-Modified): a server that
 * answers 304 costs no download, the body kept in `ctx.store` is read again. HTTP failures come
 * out as the kit maps them: 404 and 401/403 permanent, 429 and 5xx transient.
 *
 * @example
 * ```ts
 * const index = await fetchIndex('https://downloads.example.org/index.json', ctx);
 * ```
 */
export async function fetchIndex(url: string, ctx: Pick<PluginContext, 'http' | 'store'>): Promise<VersionIndex> {
  const { bytes } = await cachedGet(ctx, 'index', { url, maxBytes: MAX_INDEX_BYTES }, { what: 'the version index' });
  return parseIndex(bytes);
}
