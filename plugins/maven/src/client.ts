import { PermanentError, PluginError, TransientError, type Configuration, type HttpRequest, type HttpResponse, type PluginContext } from '@baton/plugin-api';
import { conditionalGet, statusFailure, type ConditionalAnswer, type FailureWording, type Validators } from '@baton/plugin-kit';
import { MAX_METADATA_VARIABLE, repositoryBaseUrl } from './config';

/** Where a repository is and how to log in to it: Basic (USERNAME, PASSWORD) or Bearer (AUTH_TOKEN). */
export interface RepositoryAccess {
  /** The base URL, ending with `/`, without credentials. */
  baseUrl: string;
  auth?: { username: string; password: string };
  token?: string;
}

const ACCESS_HINT = 'check USERNAME and PASSWORD, or AUTH_TOKEN';
/** Codes the host's client (and the test kit's) give a body over the request's cap. */
const TOO_LARGE = new Set(['too_large', 'body_too_large', 'decompressed_too_large']);

/**
 * The base URL and credentials of a repository configuration; file URLs take none.
 *
 * @example
 * ```ts
 * repositoryAccess({ REPO_URL: 'https://registry.example.org/maven2', AUTH_TOKEN: 't0k' }).token; // 't0k'
 * ```
 */
export function repositoryAccess(repository: Configuration): RepositoryAccess {
  const baseUrl = repositoryBaseUrl(repository);
  if (baseUrl.startsWith('file:')) return { baseUrl };
  const username = repository['USERNAME']?.trim();
  const token = repository['AUTH_TOKEN']?.trim();
  if (username) return { baseUrl, auth: { username, password: repository['PASSWORD'] ?? '' } };
  return token ? { baseUrl, token } : { baseUrl };
}

/**
 * A request for a URL of the repository, with its credentials only when the URL is on the
 * repository's own origin (the host also drops them on a redirect elsewhere).
 */
function requestFor(access: RepositoryAccess, url: string, extra: Omit<HttpRequest, 'url'> = {}): HttpRequest {
  const own = new URL(url).origin === new URL(access.baseUrl).origin;
  const headers: Record<string, string> = { ...extra.headers };
  if (own && access.token) headers['authorization'] = `Bearer ${access.token}`;
  return { ...extra, url, headers, ...(own && access.auth && { auth: access.auth }) };
}

const wording = (what: string): FailureWording => ({ what, accessHint: ACCESS_HINT });

function sizeFailure(error: unknown, url: string, maxBytes: number): unknown {
  if (!(error instanceof PluginError) || !TOO_LARGE.has(error.code)) return error;
  return new PermanentError('metadata_too_large', `${url} is larger than ${maxBytes} bytes; raise ${MAX_METADATA_VARIABLE} to read it`);
}

/**
 * GETs a metadata file, conditionally when validators of an earlier answer are known; null when
 * there is none (404). Any other status but 200 (and 304) fails as the kit maps it.
 *
 * @example
 * ```ts
 * const answer = await fetchDocument(access, `${folder}maven-metadata.xml`, stored?.validators ?? null, 'maven-metadata.xml', 8 << 20, ctx);
 * ```
 */
export async function fetchDocument(
  access: RepositoryAccess,
  url: string,
  known: Validators | null,
  what: string,
  maxBytes: number,
  ctx: PluginContext,
): Promise<ConditionalAnswer | null> {
  try {
    return await conditionalGet(ctx.http, requestFor(access, url, { maxBytes }), known, wording(what));
  } catch (error) {
    if (error instanceof PermanentError && error.code === 'not_found') return null;
    throw sizeFailure(error, url, maxBytes);
  }
}

/** Whether a file exists, and when it was last changed if the server says. */
export interface Existence {
  exists: boolean;
  status: number;
  lastModified: Date | null;
}

/** HEAD answers that mean the server does not do HEAD. 501 reaches the plugin thrown, as every 5xx. */
const HEAD_REFUSED = new Set([405, 501]);
/**
 * HEAD answers that are not trusted alone: some repository managers and the object stores behind
 * them answer HEAD 403 or 404 where a GET of the same URL is served (URLs signed for GET only).
 */
const HEAD_DOUBTED = new Set([403, 404]);

/**
 * Asks whether an artifact exists without downloading it: a HEAD, and where the server refuses
 * HEAD (405, 501) or answers it 403 or 404, a GET of the first byte (`Range: bytes=0-0`) whose
 * answer decides, the body dropped unread whatever the server sends (a whole file over the
 * client's cap counts as there). 404 and 410 mean missing; refused access and other statuses fail
 * as the kit maps them.
 *
 * @example
 * ```ts
 * (await artifactExists(access, `${folder}1.0/tools-1.0.jar`, ctx)).exists; // true
 * ```
 */
export async function artifactExists(access: RepositoryAccess, url: string, ctx: PluginContext): Promise<Existence> {
  const status = await headStatus(access, url, ctx);
  if (status !== null && !HEAD_REFUSED.has(status.status) && !HEAD_DOUBTED.has(status.status)) return existence(url, status);
  return existence(url, await rangedGet(access, url, ctx));
}

type Answer = Pick<HttpResponse, 'status' | 'headers'>;

async function headStatus(access: RepositoryAccess, url: string, ctx: PluginContext): Promise<Answer | null> {
  try {
    const response = await ctx.http.get(requestFor(access, url, { method: 'HEAD' }));
    response.discard();
    return response;
  } catch (error) {
    if (error instanceof TransientError && error.code === 'http_501') return null;
    throw error;
  }
}

async function rangedGet(access: RepositoryAccess, url: string, ctx: PluginContext): Promise<Answer> {
  try {
    const response = await ctx.http.get(requestFor(access, url, { headers: { range: 'bytes=0-0', 'accept-encoding': 'identity' } }));
    response.discard();
    return response;
  } catch (error) {
    // A server that ignores Range announces the whole file, which may be over the client's cap: it is there.
    if (error instanceof PluginError && TOO_LARGE.has(error.code)) return { status: 200, headers: {} };
    throw error;
  }
}

function existence(url: string, response: Answer): Existence {
  const { status } = response;
  const modified = new Date(response.headers['last-modified'] ?? '');
  const lastModified = Number.isNaN(modified.getTime()) ? null : modified;
  // 416: a range the file cannot satisfy, which only an empty file answers to bytes=0-0.
  if (status === 200 || status === 206 || status === 416) return { exists: true, status, lastModified };
  if (status === 404 || status === 410) return { exists: false, status, lastModified: null };
  throw statusFailure(url, response, wording('the artifact'));
}

/**
 * GETs a small file (a POM, a checksum sidecar); null when there is none (404).
 *
 * @example
 * ```ts
 * const sha1 = await fetchOptional(access, `${jarUrl}.sha1`, 1024, 'a checksum sidecar', ctx);
 * ```
 */
export async function fetchOptional(access: RepositoryAccess, url: string, maxBytes: number, what: string, ctx: PluginContext): Promise<Buffer | null> {
  const response = await ctx.http.get(requestFor(access, url, { maxBytes }));
  if (response.status === 404 || response.status === 410) {
    response.discard();
    return null;
  }
  if (response.status !== 200) {
    response.discard();
    throw statusFailure(url, response, wording(what));
  }
  try {
    return await response.buffer();
  } catch (error) {
    throw sizeFailure(error, url, maxBytes);
  }
}

/**
 * The status the repository's base URL answers, for the connection check.
 *
 * @example
 * ```ts
 * await rootStatus(access, ctx); // 200, or 404 for managers that list nothing there
 * ```
 */
export async function rootStatus(access: RepositoryAccess, ctx: PluginContext): Promise<number> {
  const response = await ctx.http.get(requestFor(access, access.baseUrl, { maxBytes: 1024 * 1024 }));
  response.discard();
  return response.status;
}
