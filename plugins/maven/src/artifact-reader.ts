import { createHash } from 'node:crypto';
import { PermanentError, type PluginContext } from '@baton/plugin-api';
import { MalformedXmlError } from '@baton/plugin-kit';
import { artifactExists, fetchDocument, fetchOptional, type Existence, type RepositoryAccess } from './client';
import { MAX_METADATA_BYTES } from './config';
import { loadDocument, saveDocument, type StoredDocument } from './metadata-store';
import { parseArtifactMetadata, parseSnapshotMetadata, type ArtifactMetadata, type SnapshotMetadata } from './parse-metadata';

/**
 * Reads one repository's files for one call: each metadata file at most once (conditionally,
 * through the store), each existence check at most once, whatever number of packages ask.
 */
export class ArtifactReader {
  private readonly documents = new Map<string, Promise<StoredDocument<unknown> | null>>();
  private readonly checks = new Map<string, Promise<Existence>>();
  readonly maxBytes: number;

  constructor(
    readonly access: RepositoryAccess,
    readonly ctx: PluginContext,
  ) {
    this.maxBytes = Number(ctx.settings[MAX_METADATA_BYTES]) || 8 * 1024 * 1024;
  }

  /** `<base>/<group path>/<artifactId>/`. */
  folder(groupId: string, artifactId: string): string {
    return new URL(`${groupId.split('.').map(encodeURIComponent).join('/')}/${encodeURIComponent(artifactId)}/`, this.access.baseUrl).href;
  }

  /** The artifact's maven-metadata.xml; null when there is none (404). */
  artifactMetadata(folder: string): Promise<StoredDocument<ArtifactMetadata> | null> {
    return this.document(`${folder}maven-metadata.xml`, parseArtifactMetadata);
  }

  /** A snapshot's own maven-metadata.xml; null when there is none (404). */
  snapshotMetadata(folder: string, version: string): Promise<StoredDocument<SnapshotMetadata> | null> {
    return this.document(`${folder}${encodeURIComponent(version)}/maven-metadata.xml`, parseSnapshotMetadata);
  }

  exists(url: string): Promise<Existence> {
    let check = this.checks.get(url);
    if (check === undefined) {
      check = artifactExists(this.access, url, this.ctx);
      this.checks.set(url, check);
    }
    return check;
  }

  /** A small file (a POM, a sidecar); null when there is none. */
  optional(url: string, maxBytes: number, what: string): Promise<Buffer | null> {
    return fetchOptional(this.access, url, maxBytes, what, this.ctx);
  }

  /** Keeps the answers of an artifact-level file for the next call. */
  async saveAnswers(document: StoredDocument<ArtifactMetadata>): Promise<void> {
    await saveDocument(this.ctx.store, document);
  }

  private document<T>(url: string, parse: (bytes: Buffer, maxBytes: number) => T): Promise<StoredDocument<T> | null> {
    let read = this.documents.get(url);
    if (read === undefined) {
      read = this.read(url, parse);
      this.documents.set(url, read);
    }
    return read as Promise<StoredDocument<T> | null>;
  }

  private async read<T>(url: string, parse: (bytes: Buffer, maxBytes: number) => T): Promise<StoredDocument<T> | null> {
    const stored = await loadDocument<T>(this.ctx.store, url);
    const answer = await fetchDocument(this.access, url, stored?.validators ?? null, 'maven-metadata.xml', this.maxBytes, this.ctx);
    if (answer === null) return null;
    if (answer.status === 'unchanged') {
      // Only a conditional request is answered "unchanged", and only a stored file makes one.
      if (stored === null) throw new TypeError(`${url} unchanged, yet nothing was stored`);
      return stored;
    }
    const hash = createHash('sha256').update(answer.bytes).digest('hex');
    if (stored !== null && stored.hash === hash) {
      const same = { ...stored, validators: answer.validators };
      if (JSON.stringify(stored.validators) !== JSON.stringify(answer.validators)) await saveDocument(this.ctx.store, same);
      return same;
    }
    const document: StoredDocument<T> = { url, validators: answer.validators, hash, parsed: this.parsed(url, answer.bytes, parse) };
    await saveDocument(this.ctx.store, document);
    return document;
  }

  private parsed<T>(url: string, bytes: Buffer, parse: (bytes: Buffer, maxBytes: number) => T): T {
    try {
      return parse(bytes, this.maxBytes);
    } catch (error) {
      if (error instanceof MalformedXmlError) throw new PermanentError('malformed_metadata', `${url}: ${error.message}`);
      throw error;
    }
  }
}
