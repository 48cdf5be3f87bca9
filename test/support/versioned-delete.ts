import type { ApiClient } from './api-client';

/**
 * Deletes a resource the three ways a client may: without If-Match, with a stale ETag, then with
 * its current one; answers each status, and the status of a GET afterwards.
 */
export async function deleteThreeWays(api: ApiClient, path: string, etag: string): Promise<{ missing: number; stale: number; current: number; after: number }> {
  const missing = await api.delete(path);
  const stale = await api.delete(path, { headers: { 'if-match': '"999"' } });
  const current = await api.delete(path, { headers: { 'if-match': etag } });
  const after = await api.get(path);
  return { missing: missing.status, stale: stale.status, current: current.status, after: after.status };
}
