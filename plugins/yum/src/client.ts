import { createHash, getHashes, type Hash } from 'node:crypto';
import { PermanentError, type Configuration, type HttpResponse, type PluginContext } from '@baton/plugin-api';
import { conditionalGet, statusFailure, type ConditionalAnswer, type Validators } from '@baton/plugin-kit';
import { credentials, repositoryBaseUrl } from './config';
import { resolveHref } from './parse-package-record';
import type { RepomdRecord } from './parse-repomd';

/** Where a repository is and how to log in to it. */
export interface RepositoryAccess {
  /** The base URL, ending with `/`, without credentials. */
  baseUrl: string;
  auth?: { username: string; password: string };
}

const MAX_REPOMD_BYTES = 4 * 1024 * 1024;
const MAX_SIGNATURE_BYTES = 1024 * 1024;

/**
 * The base URL and credentials of a repository configuration.
 *
 * @example
 * ```ts
 * repositoryAccess({ REPO_URL: 'https://repo.example.org/el9' }).baseUrl; // 'https://repo.example.org/el9/'
 * ```
 */
export function repositoryAccess(repository: Configuration): RepositoryAccess {
  const auth = credentials(repository);
  return { baseUrl: repositoryBaseUrl(repository), ...(auth && { auth }) };
}

/**
 * GETs repodata/repomd.xml, conditionally when validators of an earlier answer are known.
 *
 * @example
 * ```ts
 * const answer = await fetchRepomd(access, { etag: '"abc"' }, ctx);
 * if (answer.status === 'unchanged') reuse();
 * ```
 */
export function fetchRepomd(access: RepositoryAccess, known: Validators | null, ctx: PluginContext): Promise<ConditionalAnswer> {
  const url = new URL('repodata/repomd.xml', access.baseUrl).href;
  const request = { url, ...(access.auth && { auth: access.auth }), maxBytes: MAX_REPOMD_BYTES };
  return conditionalGet(ctx.http, request, known, { what: 'repository metadata (repodata/repomd.xml)' });
}

/**
 * GETs the detached signature repodata/repomd.xml.asc; null when there is none (404).
 *
 * @example
 * ```ts
 * const signature = await fetchRepomdSignature(access, ctx);
 * ```
 */
export async function fetchRepomdSignature(access: RepositoryAccess, ctx: PluginContext): Promise<Buffer | null> {
  const url = new URL('repodata/repomd.xml.asc', access.baseUrl).href;
  const response = await ctx.http.get({ url, ...(access.auth && { auth: access.auth }), maxBytes: MAX_SIGNATURE_BYTES });
  if (response.status === 404) {
    response.discard();
    return null;
  }
  if (response.status !== 200) {
    response.discard();
    throw statusFailure(url, response, { what: 'the signature repomd.xml.asc' });
  }
  return response.buffer();
}

/**
 * A download whose bytes are hashed as they stream by; the end of the body is where the
 * checksum of repomd.xml is checked, so nothing read from it counts before the stream ends.
 */
export class PrimaryDownload implements AsyncIterable<Uint8Array> {
  private readonly hash: Hash;
  private readonly chunks: AsyncIterator<Uint8Array>;
  private done = false;
  private verified = false;

  constructor(
    readonly url: string,
    readonly file: string,
    private readonly record: RepomdRecord,
    response: HttpResponse,
  ) {
    this.hash = createHash(record.checksumType);
    this.chunks = response.body()[Symbol.asyncIterator]();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (let step = await this.next(); step !== null; step = await this.next()) yield step;
  }

  /**
   * After a failure while reading, tells whether the cause was a damaged download: reads the
   * rest (within the same caps) and answers the checksum error, or null when the bytes are intact.
   */
  async checksumFailure(): Promise<PermanentError | null> {
    try {
      while ((await this.next()) !== null);
      return null;
    } catch (error) {
      return error instanceof PermanentError && error.code === 'checksum_mismatch' ? error : null;
    }
  }

  /** Stops the download if it is still running. */
  async close(): Promise<void> {
    if (!this.done) await this.chunks.return?.();
    this.done = true;
  }

  private async next(): Promise<Uint8Array | null> {
    if (this.done) return null;
    const step = await this.chunks.next();
    if (!step.done) {
      this.hash.update(step.value);
      return step.value;
    }
    this.done = true;
    this.verify();
    return null;
  }

  private verify(): void {
    if (this.verified) return;
    this.verified = true;
    const actual = this.hash.digest('hex');
    if (actual === this.record.checksum) return;
    throw new PermanentError(
      'checksum_mismatch',
      `${this.file}: its ${this.record.checksumType} checksum is ${actual}, but repomd.xml says ${this.record.checksum}`,
    );
  }
}

/**
 * Starts the download of the file a repomd.xml record names, ready to be read once.
 *
 * @example
 * ```ts
 * const download = await openPrimary(access, record, ctx, maxBytes);
 * for await (const bytes of download) feed(bytes);
 * ```
 */
export async function openPrimary(access: RepositoryAccess, record: RepomdRecord, ctx: PluginContext, maxBytes: number): Promise<PrimaryDownload> {
  const url = resolveHref(record.href, record.xmlBase, access.baseUrl);
  if (url === null) throw new PermanentError('bad_metadata', `repomd.xml names the primary file '${record.href}', which is not a valid URL`);
  if (!getHashes().includes(record.checksumType) || !/^[0-9a-f]+$/.test(record.checksum)) {
    throw new PermanentError('bad_metadata', `repomd.xml gives the primary file an unusable checksum (${record.checksumType || 'no type'})`);
  }
  // Identity encoding: the checksum is of the file as stored, not as a server may re-encode it.
  const headers = { 'accept-encoding': 'identity' };
  // An xml:base may point at another server: the repository's credentials stay with the repository.
  const auth = access.auth && new URL(url).origin === new URL(access.baseUrl).origin ? access.auth : undefined;
  const response = await ctx.http.get({ url, headers, ...(auth && { auth }), maxBytes });
  if (response.status !== 200) {
    response.discard();
    throw statusFailure(url, response, { what: 'the primary metadata named by repomd.xml' });
  }
  return new PrimaryDownload(url, record.href, record, response);
}
