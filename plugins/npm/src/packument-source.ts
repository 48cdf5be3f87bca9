import type { PluginContext } from '@baton/plugin-api';
import { fetchPackument, packumentUrl } from './client';
import { MAX_PACKUMENT_MB } from './config';
import { parsePackument, type Packument } from './parse-packument';
import { bodyHash, loadPackument, savePackument, type StoredPackument } from './packument-store';
import type { RegistryAccess } from './registry-access';

/** A package's packument as far as Baton keeps it, or `missing` when the registry has no such package. */
export type PackumentRead = { status: 'missing'; url: string } | { status: 'found'; url: string; packument: Packument; firstRead: string };

function limitOf(ctx: Pick<PluginContext, 'settings'>): number {
  const value = ctx.settings[MAX_PACKUMENT_MB];
  return typeof value === 'number' && value > 0 ? value : 200;
}

function found(url: string, stored: StoredPackument): PackumentRead {
  return { status: 'found', url, packument: stored.packument, firstRead: stored.firstRead };
}

/**
 * Reads a package's packument through the repository's store: conditionally when the registry
 * gave validators last time (a 304 costs no parse), and, when it gave none, parsed only when the
 * body's hash differs from the last one.
 *
 * @example
 * ```ts
 * const read = await readPackument(access, 'left-pad', ctx);
 * if (read.status === 'found') read.packument.versions.length;
 * ```
 */
export async function readPackument(access: RegistryAccess, name: string, ctx: Pick<PluginContext, 'http' | 'store' | 'settings'>): Promise<PackumentRead> {
  const url = packumentUrl(access.registry, name);
  const stored = await loadPackument(ctx.store, name, url);
  const known = stored !== null && Object.keys(stored.validators).length > 0 ? stored.validators : null;
  const answer = await fetchPackument(access, name, known, ctx, limitOf(ctx));
  if (answer.status === 'missing') return answer;
  if (answer.status === 'unchanged' && stored !== null) return found(url, stored);
  if (answer.status === 'unchanged') throw new TypeError('a 304 answer to a request that was not conditional');
  const hash = Object.keys(answer.validators).length > 0 ? '' : bodyHash(answer.bytes);
  const same = stored !== null && hash !== '' && stored.bodyHash === hash;
  const next: StoredPackument = {
    url,
    validators: answer.validators,
    bodyHash: hash,
    firstRead: stored?.firstRead ?? new Date().toISOString(),
    packument: same ? stored.packument : parsePackument(answer.bytes, url),
  };
  if (!same) await savePackument(ctx.store, name, next);
  return found(url, next);
}
