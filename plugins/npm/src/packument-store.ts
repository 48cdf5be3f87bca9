import { createHash, randomUUID } from 'node:crypto';
import type { KeyValueStore } from '@baton/plugin-api';
import type { Validators } from '@baton/plugin-kit';
import type { Packument } from './parse-packument';
import { storedVersions, versionRecords, type StoredVersion } from './stored-versions';

/** How a packument was last read: small, read on every poll. */
export interface PackumentHeader {
  /** The URL it was read from: another registry means reading afresh. */
  url: string;
  validators: Validators;
  /** sha256 of the body when the registry sent no validators, to skip parsing an unchanged body; else ''. */
  bodyHash: string;
  /** When it was first read, ISO text: the time of a version the packument dates nowhere. */
  firstRead: string;
  /** Names this reading: the kept packument and the worker's copy of it carry the same stamp. */
  stamp: string;
}

/** Store values hold at most 8 MiB; stay below. */
const MAX_STORED_BYTES = 6 * 1024 * 1024;

/** Names may be 214 characters and store keys only 200: key by a hash of the name. */
const hashOf = (name: string): string => createHash('sha256').update(name).digest('hex');
const headerKey = (name: string): string => `npm.packument.v3.${hashOf(name)}`;
const versionsKey = (name: string): string => `npm.versions.v3.${hashOf(name)}`;

/** A kept packument as stored: its versions in the compact form of `storedVersions`. */
interface StoredPackument extends Omit<Packument, 'versions'> {
  versions: StoredVersion[];
}

/**
 * The worker's own copies of recently read packuments, by stamp: an unchanged packument (a 304)
 * is then answered without reading and parsing its kept copy from the store. The store stays the
 * record; this only saves reading it.
 */
class RecentPackuments {
  private readonly entries = new Map<string, Packument>();
  private versions = 0;

  constructor(private readonly maxVersions: number) {}

  get(stamp: string): Packument | undefined {
    const found = this.entries.get(stamp);
    if (found === undefined) return undefined;
    this.entries.delete(stamp);
    this.entries.set(stamp, found);
    return found;
  }

  set(stamp: string, packument: Packument): void {
    this.entries.set(stamp, packument);
    this.versions += packument.versions.length;
    for (const [oldest, value] of this.entries) {
      if (this.versions <= this.maxVersions || oldest === stamp) break;
      this.entries.delete(oldest);
      this.versions -= value.versions.length;
    }
  }
}

/** About 100 MB of kept versions at most, whatever the number of packages a worker serves. */
const recent = new RecentPackuments(250_000);

function parsed<T>(text: string | null, check: (value: T) => boolean): T | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as T | null;
    return value !== null && typeof value === 'object' && check(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * The header of a package name's kept packument, when it was read from the same URL.
 *
 * @example
 * ```ts
 * const header = await loadHeader(ctx.store, 'left-pad', 'https://registry.example.org/npm/left-pad');
 * ```
 */
export async function loadHeader(store: KeyValueStore, name: string, url: string): Promise<PackumentHeader | null> {
  return parsed<PackumentHeader>(await store.get(headerKey(name)), (value) => value.url === url && typeof value.stamp === 'string');
}

/**
 * The kept packument a header names: the worker's copy, else the store's; null when neither has it.
 *
 * @example
 * ```ts
 * const packument = await loadPackument(ctx.store, 'left-pad', header);
 * ```
 */
export async function loadPackument(store: KeyValueStore, name: string, header: PackumentHeader): Promise<Packument | null> {
  const copy = recent.get(header.stamp);
  if (copy !== undefined) return copy;
  const kept = parsed<{ stamp: string; packument: StoredPackument }>(
    await store.get(versionsKey(name)),
    (value) => value.stamp === header.stamp && typeof value.packument === 'object' && value.packument !== null,
  );
  const versions = kept === null ? null : versionRecords(kept.packument.versions);
  if (kept === null || versions === null) return null;
  const packument: Packument = { ...kept.packument, versions };
  recent.set(header.stamp, packument);
  return packument;
}

/**
 * Keeps a newly read packument under a new stamp; one too large for the store is dropped instead
 * (the next request is then unconditional and parsed again).
 *
 * @example
 * ```ts
 * await savePackument(ctx.store, 'left-pad', { url, validators, bodyHash: '', firstRead }, packument);
 * ```
 */
export async function savePackument(store: KeyValueStore, name: string, header: Omit<PackumentHeader, 'stamp'>, packument: Packument): Promise<void> {
  const stamp = randomUUID();
  const versions = JSON.stringify({ stamp, packument: { ...packument, versions: storedVersions(packument.versions) } satisfies StoredPackument });
  if (Buffer.byteLength(versions) > MAX_STORED_BYTES) {
    await store.delete(headerKey(name));
    return;
  }
  recent.set(stamp, packument);
  await store.set(versionsKey(name), versions);
  await store.set(headerKey(name), JSON.stringify({ ...header, stamp } satisfies PackumentHeader));
}

/**
 * Keeps new validators for an unchanged packument, under the same stamp.
 *
 * @example
 * ```ts
 * await saveHeader(ctx.store, 'left-pad', { ...header, validators });
 * ```
 */
export async function saveHeader(store: KeyValueStore, name: string, header: PackumentHeader): Promise<void> {
  await store.set(headerKey(name), JSON.stringify(header));
}
