import type { PluginContext } from '@baton/plugin-api';
import { takeBytes, fetchPackument, packumentUrl, type PackumentAnswer } from './client';
import { MAX_PACKUMENT_MB } from './config';
import { parsePackument, type Packument } from './parse-packument';
import { loadHeader, loadPackument, savePackument, type PackumentHeader } from './packument-store';
import type { RegistryAccess } from './registry-access';

/**
 * A package's packument as far as Baton keeps it, or `missing` when the registry has no such
 * package. `saved` settles when a newly read packument is in the store: an answer made from the
 * read awaits it before it is given, so that the store's write runs on the host while the answer
 * is worked out.
 */
export type PackumentRead =
  { status: 'missing'; url: string } | { status: 'found'; url: string; packument: Packument; firstRead: string; saved: Promise<void> };

const nothingToSave = Promise.resolve();

/** `saved`, its failure left to whoever awaits it (an answer fails with it), not reported as unhandled meanwhile. */
function pending(saved: Promise<void>): Promise<void> {
  saved.catch(() => undefined);
  return saved;
}

type Context = Pick<PluginContext, 'http' | 'store' | 'settings'>;

function limitOf(ctx: Pick<PluginContext, 'settings'>): number {
  const value = ctx.settings[MAX_PACKUMENT_MB];
  return typeof value === 'number' && value > 0 ? value : 200;
}

async function fromBody(
  name: string,
  answer: Extract<PackumentAnswer, { status: 'fetched' }>,
  header: PackumentHeader | null,
  ctx: Context,
): Promise<PackumentRead> {
  const { url, body, validators } = answer;
  if (header !== null && body.sha256 !== null && header.bodyHash === body.sha256) {
    const kept = await loadPackument(ctx.store, name, header);
    if (kept !== null) return { status: 'found', url, packument: kept, firstRead: header.firstRead, saved: nothingToSave };
  }
  const packument = parsePackument(takeBytes(body), url);
  const firstRead = header?.firstRead ?? new Date().toISOString();
  const saved = pending(savePackument(ctx.store, name, { url, validators, bodyHash: body.sha256 ?? '', firstRead }, packument));
  return { status: 'found', url, packument, firstRead, saved };
}

/**
 * Reads a package's packument through the repository's store: conditionally when the registry
 * gave validators last time (a 304 costs no download and no parse), and, when it gave none,
 * parsed only when the body's hash differs from the last one.
 *
 * @example
 * ```ts
 * const read = await readPackument(access, 'left-pad', ctx);
 * if (read.status === 'found') read.packument.versions.length;
 * ```
 */
export async function readPackument(access: RegistryAccess, name: string, ctx: Context): Promise<PackumentRead> {
  const url = packumentUrl(access.registry, name);
  const header = await loadHeader(ctx.store, name, url);
  const known = header !== null && Object.keys(header.validators).length > 0 ? header.validators : null;
  const answer = await fetchPackument(access, name, known, ctx, limitOf(ctx), header !== null && header.bodyHash !== '');
  if (answer.status === 'missing') return answer;
  if (answer.status === 'fetched') return fromBody(name, answer, header, ctx);
  const kept = header === null ? null : await loadPackument(ctx.store, name, header);
  if (header !== null && kept !== null) return { status: 'found', url, packument: kept, firstRead: header.firstRead, saved: nothingToSave };
  // Unchanged, but the kept copy is gone: ask once more, unconditionally.
  const again = await fetchPackument(access, name, null, ctx, limitOf(ctx));
  if (again.status === 'fetched') return fromBody(name, again, header, ctx);
  if (again.status === 'missing') return again;
  throw new TypeError('a 304 answer to a request that was not conditional');
}
