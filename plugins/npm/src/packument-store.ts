import { createHash } from 'node:crypto';
import type { KeyValueStore } from '@baton/plugin-api';
import type { Validators } from '@baton/plugin-kit';
import type { Packument } from './parse-packument';

/** A packument as last read: how to ask for it again, and what was kept of it. */
export interface StoredPackument {
  /** The URL it was read from: another registry means reading afresh. */
  url: string;
  validators: Validators;
  /** sha256 of the body, to skip parsing an unchanged body from a registry that offers no validators. */
  bodyHash: string;
  /** When it was first read, ISO text: the time of a version the packument dates nowhere. */
  firstRead: string;
  packument: Packument;
}

/** Store values hold at most 8 MiB; stay below. */
const MAX_STORED_BYTES = 6 * 1024 * 1024;

/** Names may be 214 characters and store keys only 200: key by a hash of the name. */
const keyOf = (name: string): string => `npm.packument.v1.${createHash('sha256').update(name).digest('hex')}`;

/**
 * The stored packument of a package name, when it was read from the same URL.
 *
 * @example
 * ```ts
 * const stored = await loadPackument(ctx.store, 'left-pad', 'https://registry.example.org/npm/left-pad');
 * ```
 */
export async function loadPackument(store: KeyValueStore, name: string, url: string): Promise<StoredPackument | null> {
  const text = await store.get(keyOf(name));
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as StoredPackument | null;
    return value?.url === url && typeof value.packument === 'object' ? value : null;
  } catch {
    return null;
  }
}

/**
 * Keeps what was read of a packument; one too large for the store is dropped instead (the next
 * request is then unconditional and parsed again).
 *
 * @example
 * ```ts
 * await savePackument(ctx.store, 'left-pad', stored);
 * ```
 */
export async function savePackument(store: KeyValueStore, name: string, value: StoredPackument): Promise<void> {
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) <= MAX_STORED_BYTES) await store.set(keyOf(name), text);
  else await store.delete(keyOf(name));
}

/**
 * The sha256 of a body, hex.
 *
 * @example
 * ```ts
 * bodyHash(Buffer.from('{}')); // '44136fa3…'
 * ```
 */
export function bodyHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
