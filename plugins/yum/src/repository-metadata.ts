import { PermanentError, type Configuration, type PluginContext } from '@baton/plugin-api';
import { MalformedXmlError, verifyDetached } from '@baton/plugin-kit';
import { fetchRepomd, fetchRepomdSignature, repositoryAccess, type RepositoryAccess } from './client';
import { loadRepomd, saveRepomd, storeIdentity } from './metadata-store';
import { parseRepomd, type RepomdRecord } from './parse-repomd';

/** repomd.xml as this poll knows it: fetched now, or unchanged since it was stored. */
export interface RepomdState {
  access: RepositoryAccess;
  url: string;
  revision: string;
  primary: RepomdRecord;
  /** The server answered 304 Not Modified. */
  unchanged: boolean;
}

function readPrimaryRecord(bytes: Buffer, url: string): { revision: string; primary: RepomdRecord } {
  let parsed;
  try {
    parsed = parseRepomd(bytes);
  } catch (error) {
    if (error instanceof MalformedXmlError) throw new PermanentError('malformed_metadata', `${url}: ${error.message}`);
    throw error;
  }
  const primary = parsed.records.find((record) => record.type === 'primary');
  if (primary === undefined) throw new PermanentError('no_primary', `${url} lists no primary metadata (no <data type="primary">)`);
  return { revision: parsed.revision, primary };
}

async function verifyIfKeyed(repository: Configuration, access: RepositoryAccess, bytes: Buffer, ctx: PluginContext): Promise<void> {
  const key = repository['GPG_KEY'];
  if (!key?.trim()) return;
  const signatureUrl = new URL('repodata/repomd.xml.asc', access.baseUrl).href;
  const signature = await fetchRepomdSignature(access, ctx);
  if (signature === null) throw new PermanentError('signature_missing', `GPG_KEY is set, but there is no signature at ${signatureUrl} (404)`);
  await verifyDetached(bytes, signature.toString('utf8'), key, { document: 'repodata/repomd.xml', keySetting: 'GPG_KEY', signature: signatureUrl });
}

/**
 * Reads repodata/repomd.xml, conditionally when it was read before with the same URL and key;
 * verifies its signature when GPG_KEY is set, and keeps what it said in the store only then.
 *
 * @example
 * ```ts
 * const repomd = await readRepomd(repository, ctx);
 * repomd.primary.href; // 'repodata/…-primary.xml.gz'
 * ```
 */
export async function readRepomd(repository: Configuration, ctx: PluginContext): Promise<RepomdState> {
  const access = repositoryAccess(repository);
  const identity = storeIdentity(access.baseUrl, repository['GPG_KEY']);
  const stored = await loadRepomd(ctx.store, identity);
  const answer = await fetchRepomd(access, stored?.validators ?? null, ctx);
  if (answer.status === 'unchanged') {
    // Only a conditional request is answered "unchanged", and only a stored state makes one.
    if (stored === null) throw new TypeError('repomd.xml unchanged, yet nothing was stored');
    return { access, url: answer.url, revision: stored.revision, primary: stored.primary, unchanged: true };
  }
  const { revision, primary } = readPrimaryRecord(answer.bytes, answer.url);
  await verifyIfKeyed(repository, access, answer.bytes, ctx);
  await saveRepomd(ctx.store, { identity, validators: answer.validators, revision, primary });
  return { access, url: answer.url, revision, primary, unchanged: false };
}
