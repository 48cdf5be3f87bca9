import { createHash } from 'node:crypto';
import type { KeyValueStore } from '@baton/plugin-api';
import type { Validators } from '@baton/plugin-kit';

/** What was chosen for one selection of an artifact, kept while the metadata stays the same. */
export interface StoredAnswer {
  choice: StoredChoice | null;
  warnings: string[];
  /** The revision built from the choice (POM and sidecars read), once it was reported. */
  revision?: StoredRevision;
}

/** A version chosen, with where its files are; dates as ISO strings. */
export interface StoredChoice {
  /** As the metadata lists it: `1.0` or `1.0-SNAPSHOT`. */
  version: string;
  /** The revision label: the version, or the timestamped build of a snapshot. */
  label: string;
  artifactUrl: string;
  pomUrl: string;
  timestamp: string | null;
  /** For a snapshot: the content hash of the snapshot metadata it was resolved from. */
  snapshotHash?: string;
}

/** A PackageRevision as JSON. */
export interface StoredRevision {
  revision: string;
  timestamp: string;
  user?: string;
  comment?: string;
  trackbackUrl?: string;
  data: Record<string, string>;
}

/** A metadata file as last read: how to ask for it again, its content hash, and what it said. */
export interface StoredDocument<T> {
  url: string;
  validators: Validators;
  hash: string;
  parsed: T;
  /** Answers by selection, for the artifact-level file only. */
  answers?: Record<string, StoredAnswer>;
}

/** Answers kept per artifact; the oldest go first. */
const MAX_ANSWERS = 32;
/** Store values may hold at most 8 MiB; stay below. */
const MAX_STORED_BYTES = 6 * 1024 * 1024;

/**
 * The store key of a metadata file: keys are at most 200 characters, coordinates may be longer.
 *
 * @example
 * ```ts
 * documentKey('https://registry.example.org/maven2/org/example/tools/maven-metadata.xml'); // 'maven.document.v1.…'
 * ```
 */
export function documentKey(url: string): string {
  return `maven.document.v1.${createHash('sha256').update(url).digest('hex')}`;
}

/** The stored file, when it was read from the same URL. */
export async function loadDocument<T>(store: KeyValueStore, url: string): Promise<StoredDocument<T> | null> {
  const text = await store.get(documentKey(url));
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as StoredDocument<T> | null;
    return typeof value === 'object' && value !== null && value.url === url && typeof value.hash === 'string' ? value : null;
  } catch {
    return null;
  }
}

export async function saveDocument<T>(store: KeyValueStore, document: StoredDocument<T>): Promise<void> {
  const answers = Object.entries(document.answers ?? {}).slice(-MAX_ANSWERS);
  const text = JSON.stringify({ ...document, ...(document.answers && { answers: Object.fromEntries(answers) }) });
  if (Buffer.byteLength(text) <= MAX_STORED_BYTES) await store.set(documentKey(document.url), text);
  else await store.delete(documentKey(document.url));
}
