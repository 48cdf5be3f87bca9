import { createHash } from 'node:crypto';
import type { KeyValueStore } from '@baton/plugin-api';
import type { Validators } from '@baton/plugin-kit';
import type { RepomdRecord } from './parse-repomd';
import type { SpecOutcome } from './spec-resolver';

/** repomd.xml as last read: how to ask for it conditionally and what it said about primary. */
export interface StoredRepomd {
  /** The configuration it was read (and verified) with: a new URL or key means reading it afresh. */
  identity: string;
  validators: Validators;
  revision: string;
  primary: RepomdRecord;
}

/** The outcome of every spec of the last parse of one primary file. */
export interface StoredOutcomes {
  identity: string;
  /** `<checksum type>:<hex>` of the primary file parsed. */
  primary: string;
  /** Specs in the order last asked for, most recent last. */
  specs: string[];
  outcomes: Record<string, SpecOutcome>;
}

const REPOMD_KEY = 'yum.repomd.v1';
/** v2: outcomes carry nearby names and caseless matches, and specs match as dnf's three steps. */
const OUTCOMES_KEY = 'yum.outcomes.v2';
const EARLIER_OUTCOMES_KEYS = ['yum.outcomes.v1'];
/** Store values may hold at most 8 MiB; stay below. */
const MAX_STORED_BYTES = 6 * 1024 * 1024;

/**
 * What a stored entry must have been read with: the base URL and the GPG key, hashed.
 *
 * @example
 * ```ts
 * storeIdentity('https://repo.example.org/el9/', undefined);
 * ```
 */
export function storeIdentity(baseUrl: string, gpgKey: string | undefined): string {
  return createHash('sha256')
    .update(`${baseUrl}\u0000${gpgKey?.trim() ?? ''}`)
    .digest('hex');
}

async function load<T extends { identity: string }>(store: KeyValueStore, key: string, identity: string): Promise<T | null> {
  const text = await store.get(key);
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as T;
    return typeof value === 'object' && value !== null && value.identity === identity ? value : null;
  } catch {
    return null;
  }
}

async function save(store: KeyValueStore, key: string, value: object): Promise<void> {
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) <= MAX_STORED_BYTES) await store.set(key, text);
  else await store.delete(key);
}

/** The stored repomd.xml state, when it was read with the same configuration. */
export function loadRepomd(store: KeyValueStore, identity: string): Promise<StoredRepomd | null> {
  return load<StoredRepomd>(store, REPOMD_KEY, identity);
}

export function saveRepomd(store: KeyValueStore, value: StoredRepomd): Promise<void> {
  return save(store, REPOMD_KEY, value);
}

/** The stored outcomes, when they were made with the same configuration. */
export function loadOutcomes(store: KeyValueStore, identity: string): Promise<StoredOutcomes | null> {
  return load<StoredOutcomes>(store, OUTCOMES_KEY, identity);
}

/** Saves the outcomes, and drops those kept under an earlier key, which no version reads any more. */
export async function saveOutcomes(store: KeyValueStore, value: StoredOutcomes): Promise<void> {
  await save(store, OUTCOMES_KEY, value);
  for (const key of EARLIER_OUTCOMES_KEYS) await store.delete(key);
}
