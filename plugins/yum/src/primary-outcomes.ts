import { PermanentError, type Configuration, type PluginContext } from '@baton/plugin-api';
import { MalformedXmlError, decompress } from '@baton/plugin-kit';
import { openPrimary, type PrimaryDownload } from './client';
import { MAX_ENTRY_BYTES, MAX_ENTRY_VARIABLE, MAX_METADATA_BYTES, MAX_METADATA_VARIABLE } from './config';
import { loadOutcomes, saveOutcomes, storeIdentity } from './metadata-store';
import { EntryTooLargeError, PrimaryScanner } from './parse-primary';
import { readRepomd, type RepomdState } from './repository-metadata';
import { NearbyNames } from './nearby-names';
import { nameFilter, parsePackageSpec } from './spec';
import { SpecResolver, type SpecOutcome } from './spec-resolver';

/** Specs remembered per repository, so that one parse answers every package polled together. */
const MAX_REMEMBERED_SPECS = 500;

/** The answer for a set of specs: each spec's outcome in the repository's current primary. */
export interface SpecOutcomes {
  outcomes: Map<string, SpecOutcome>;
  /** Where LOCATIONs point, for messages. */
  baseUrl: string;
}

function remembered(asked: readonly string[], earlier: readonly string[]): string[] {
  const specs = [...earlier.filter((spec) => !asked.includes(spec)), ...asked];
  return specs.slice(-Math.max(MAX_REMEMBERED_SPECS, asked.length));
}

/** Failures that a damaged download would also cause. */
const LOOKS_DAMAGED = new Set(['corrupt_metadata', 'unknown_compression']);

async function scanFailure(error: unknown, download: PrimaryDownload): Promise<unknown> {
  if (error instanceof EntryTooLargeError) {
    return new PermanentError('entry_too_large', `${download.file}: ${error.message} once decompressed; raise ${MAX_ENTRY_VARIABLE} to read it`);
  }
  const malformed = error instanceof MalformedXmlError;
  if (!malformed && !(error instanceof PermanentError && LOOKS_DAMAGED.has(error.code))) return error;
  // Say "checksum mismatch" rather than "corrupt data" when the bytes are not the ones published.
  const damaged = await download.checksumFailure();
  if (damaged !== null) return damaged;
  return malformed ? new PermanentError('malformed_metadata', `${download.file}: ${error.message}`) : error;
}

/**
 * Downloads and scans primary once for all `specs`; memory stays flat whatever its size. Every
 * name passes by the nearby-names watch, so that a spec matching nothing is answered with the
 * closest names.
 */
async function scanPrimary(repomd: RepomdState, specs: readonly string[], ctx: PluginContext): Promise<Map<string, SpecOutcome>> {
  const maxBytes = Number(ctx.settings[MAX_METADATA_BYTES]);
  const parsed = specs.map(parsePackageSpec);
  const resolvers = parsed.map((spec) => new SpecResolver(spec));
  const nearby = new NearbyNames(parsed);
  const scanner = new PrimaryScanner({
    baseUrl: repomd.access.baseUrl,
    onName: (name) => nearby.see(name),
    wanted: nameFilter(parsed),
    onPackage: (pkg) => resolvers.forEach((resolver) => resolver.offer(pkg)),
    onSkipped: (name, reason) => resolvers.forEach((resolver) => resolver.offerSkipped(name, reason)),
    maxEntryBytes: Number(ctx.settings[MAX_ENTRY_BYTES]),
  });
  const download = await openPrimary(repomd.access, repomd.primary, ctx, maxBytes);
  try {
    for await (const xml of decompress(download, { file: download.file, maxBytes, setting: MAX_METADATA_VARIABLE })) {
      ctx.signal.throwIfAborted();
      scanner.push(xml);
    }
    const summary = scanner.finish();
    if (summary.declared !== null && summary.declared !== summary.packages) {
      ctx.log.warn('primary declares another number of packages than it holds', { file: download.file, declared: summary.declared, found: summary.packages });
    }
  } catch (error) {
    throw await scanFailure(error, download);
  } finally {
    scanner.release();
    await download.close();
  }
  return new Map(resolvers.map((resolver) => [resolver.spec.text, resolver.outcome(nearby.of(resolver.spec.text))]));
}

/**
 * The outcome of each spec in the repository's current primary, with one request when nothing
 * changed: repomd.xml is asked for conditionally, and outcomes stored for the same primary
 * checksum are reused when they cover every spec asked.
 *
 * @example
 * ```ts
 * const { outcomes } = await specOutcomes(repository, ['scrt.x86_64', 'moosync'], ctx);
 * outcomes.get('scrt.x86_64')?.kind; // 'found'
 * ```
 */
export async function specOutcomes(repository: Configuration, specs: readonly string[], ctx: PluginContext): Promise<SpecOutcomes> {
  const repomd = await readRepomd(repository, ctx);
  const baseUrl = repomd.access.baseUrl;
  const identity = storeIdentity(baseUrl, undefined);
  const primary = `${repomd.primary.checksumType}:${repomd.primary.checksum}`;
  const stored = await loadOutcomes(ctx.store, identity);
  const reusable = stored !== null && stored.primary === primary && specs.every((spec) => Object.hasOwn(stored.outcomes, spec));
  if (reusable) {
    ctx.log.debug('primary unchanged: answering from the stored outcomes', { primary, unchanged: repomd.unchanged });
    return { outcomes: new Map(specs.map((spec) => [spec, stored.outcomes[spec]])), baseUrl };
  }
  const wanted = remembered(specs, stored?.specs ?? []);
  const outcomes = await scanPrimary(repomd, wanted, ctx);
  await saveOutcomes(ctx.store, { identity, primary, specs: wanted, outcomes: Object.fromEntries(outcomes) });
  return { outcomes, baseUrl };
}
