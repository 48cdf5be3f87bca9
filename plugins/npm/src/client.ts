import { createHash } from 'node:crypto';
import { PermanentError, type HttpResponse, type PluginContext } from '@baton/plugin-api';
import { statusFailure, type Validators } from '@baton/plugin-kit';
import { BodyBuffer } from './body-buffer';
import { MAX_PACKUMENT_VARIABLE } from './config';
import { authorizationHeaders } from './credentials';
import type { RegistryAccess } from './registry-access';

/**
 * A packument's URL: the registry's base URL and the name, a scoped name's `/` escaped
 * (`@scope%2fname`) as npm sends it.
 *
 * @example
 * ```ts
 * packumentUrl('https://registry.example.org/npm/', '@scope/tool'); // 'https://registry.example.org/npm/@scope%2ftool'
 * ```
 */
export function packumentUrl(registry: string, name: string): string {
  return `${registry}${name.replace('/', '%2f')}`;
}

/** A packument's body as read: its bytes, taken only when it must be parsed. */
export interface PackumentBody {
  bytes: BodyBuffer;
  size: number;
  /** sha256 (hex), computed while the body streams by when the registry sent no validators; else null. */
  sha256: string | null;
}

/** The answer to a packument request: no such package, unchanged since the validators sent, or the body. */
export type PackumentAnswer =
  { status: 'missing'; url: string } | { status: 'unchanged'; url: string } | { status: 'fetched'; url: string; body: PackumentBody; validators: Validators };

/**
 * The body's bytes in one buffer, taken out of `body` so that nothing else holds them while they
 * are parsed.
 *
 * @example
 * ```ts
 * parsePackument(takeBytes(answer.body), answer.url);
 * ```
 */
export function takeBytes(body: PackumentBody): Buffer {
  return body.bytes.take();
}

/**
 * What to say when a registry refuses access: which credentials it refused, or that none were sent.
 *
 * @example
 * ```ts
 * accessHint({ registry: 'https://registry.example.org/npm/', source: 'repository' }); // 'no credentials were sent: …'
 * ```
 */
export function accessHint(access: RegistryAccess): string {
  if (access.credentialSource === 'repository') return 'the registry refused the credentials of AUTH_TOKEN (or USERNAME and PASSWORD): check them';
  if (access.credentialSource === 'npm configuration') {
    return `the registry refused the credentials npm's configuration keeps for ${access.registry}: check them, or set AUTH_TOKEN`;
  }
  const npm = access.source === 'npm configuration' ? `, or keep a token for ${access.registry} in npm's configuration` : '';
  return `no credentials were sent: set AUTH_TOKEN, or USERNAME and PASSWORD${npm}`;
}

function tooLarge(url: string, limitMb: number, size: string): PermanentError {
  return new PermanentError('packument_too_large', `${url}: the packument is ${size} the limit of ${limitMb} MB; raise ${MAX_PACKUMENT_VARIABLE} to accept it`);
}

/**
 * Reads the body, counting decoded bytes (and hashing them, if asked), and stops as soon as it
 * passes the limit. A body `likelySame` as the last one (hashed, and a hash kept) is kept as its
 * chunks, not copied into one buffer: most likely its hash matches and its bytes are never read.
 */
async function readCapped(response: HttpResponse, url: string, limitMb: number, hashed: boolean, likelySame: boolean): Promise<PackumentBody> {
  const limit = limitMb * 1024 * 1024;
  const announced = Number(response.headers['content-length']);
  if (Number.isFinite(announced) && announced > limit && !response.headers['content-encoding']) {
    response.discard();
    throw tooLarge(url, limitMb, `${announced} bytes, over`);
  }
  // A decoded body's length is not the announced one; the host leaves no Content-Length then.
  const gathered = announced <= limit && !response.headers['content-encoding'] && !(hashed && likelySame);
  const bytes = new BodyBuffer(gathered ? announced : Number.NaN);
  const hash = hashed ? createHash('sha256') : null;
  let size = 0;
  for await (const chunk of response.body()) {
    size += chunk.length;
    if (size > limit) throw tooLarge(url, limitMb, 'larger than');
    bytes.add(chunk);
    hash?.update(chunk);
  }
  return { bytes, size, sha256: hash === null ? null : hash.digest('hex') };
}

/** A registry that answers a web page (a wrong REGISTRY_URL, a login page, a proxy's error) is not read as JSON. */
function refuseHtml(response: HttpResponse, url: string): void {
  const type = response.headers['content-type'] ?? '';
  if (!/\btext\/html\b|\bapplication\/xhtml/i.test(type)) return;
  response.discard();
  throw new PermanentError(
    'not_a_registry',
    `${url} answered a web page (${type.split(';')[0]}), not a packument: check that the registry URL is the registry's API URL`,
  );
}

/**
 * GETs a packument, conditionally when validators are known. 404 is `missing`; 401/403 and any
 * other unexpected status fail as the kit maps them (refused access permanent, 429/5xx
 * transient); an HTML answer and a body over the limit fail permanently. `bodyHashKept`: the
 * hash of the last body read without validators is kept, so this one is likely the same.
 *
 * @example
 * ```ts
 * const answer = await fetchPackument(access, 'left-pad', stored?.validators ?? null, ctx, 200);
 * if (answer.status === 'fetched') parsePackument(takeBytes(answer.body), answer.url);
 * ```
 */
export async function fetchPackument(
  access: RegistryAccess,
  name: string,
  known: Validators | null,
  ctx: Pick<PluginContext, 'http'>,
  limitMb: number,
  bodyHashKept = false,
): Promise<PackumentAnswer> {
  const url = packumentUrl(access.registry, name);
  const headers: Record<string, string> = { accept: 'application/json', ...authorizationHeaders(access.credentials) };
  if (known?.etag) headers['if-none-match'] = known.etag;
  if (known?.lastModified) headers['if-modified-since'] = known.lastModified;
  const response = await ctx.http.get({ url, headers });
  if (response.status === 304 && known !== null) {
    response.discard();
    return { status: 'unchanged', url };
  }
  if (response.status === 404) {
    response.discard();
    return { status: 'missing', url };
  }
  if (response.status !== 200) {
    response.discard();
    throw statusFailure(url, response, { what: `the packument of ${name}`, accessHint: accessHint(access) });
  }
  refuseHtml(response, url);
  const validators: Validators = {};
  if (response.headers['etag']) validators.etag = response.headers['etag'];
  if (response.headers['last-modified']) validators.lastModified = response.headers['last-modified'];
  const body = await readCapped(response, url, limitMb, Object.keys(validators).length === 0, bodyHashKept);
  return { status: 'fetched', url, body, validators };
}

/** What a registry said to a connection check. */
export interface PingAnswer {
  ok: boolean;
  message: string;
}

async function lookup(access: RegistryAccess, path: string, ctx: Pick<PluginContext, 'http'>): Promise<HttpResponse> {
  return ctx.http.get({ url: `${access.registry}${path}`, headers: { accept: 'application/json', ...authorizationHeaders(access.credentials) } });
}

function refused(access: RegistryAccess, url: string, status: number): PingAnswer {
  return { ok: false, message: `${url} refused the credentials (${status}); ${accessHint(access)}` };
}

/**
 * Asks a registry whether it answers: `/-/ping`, or, where a registry has no ping, a package
 * lookup (whose 404, in JSON, is an answer too).
 *
 * @example
 * ```ts
 * const { ok, message } = await pingRegistry(access, ctx);
 * ```
 */
export async function pingRegistry(access: RegistryAccess, ctx: Pick<PluginContext, 'http'>): Promise<PingAnswer> {
  const ping = await lookup(access, '-/ping', ctx);
  ping.discard();
  const pingUrl = `${access.registry}-/ping`;
  if (ping.status === 401 || ping.status === 403) return refused(access, pingUrl, ping.status);
  if (ping.status === 200 && !/\btext\/html\b/i.test(ping.headers['content-type'] ?? '')) {
    return { ok: true, message: `Registry ${access.registry} answered ${pingUrl}` };
  }
  const probe = await lookup(access, 'npm', ctx);
  probe.discard();
  const probeUrl = `${access.registry}npm`;
  if (probe.status === 401 || probe.status === 403) return refused(access, probeUrl, probe.status);
  const json = /\bjson\b/i.test(probe.headers['content-type'] ?? '');
  if (json && (probe.status === 200 || probe.status === 404)) {
    return { ok: true, message: `Registry ${access.registry} answered a package lookup (${probe.status}); it has no /-/ping` };
  }
  return { ok: false, message: `${access.registry} does not answer as an npm registry: /-/ping gave ${ping.status}, a package lookup ${probe.status}` };
}
