import { Readable } from 'node:stream';
import { PermanentError, type Configuration, type HttpClient, type HttpRequest, type HttpResponse } from '@baton/plugin-api';
import { OutboundPolicy } from '../security/outbound-policy';
import type { HttpClientSettings } from './protocol';
import type { BodyLimits } from './http/body-stream';
import { fetchFile } from './http/file-fetch';
import { abortedError } from './http/http-failures';
import { fetchHttp } from './http/http-fetch';
import { createHttpResponse, releaseBody, type RawResponse } from './http/http-response';
import { redactText, redactUrl } from './http/redact-url';

interface CallRules {
  settings: HttpClientSettings;
  policy: OutboundPolicy;
  /** The call's repository is itself configured with a `file:` URL. */
  fileRepository: boolean;
}

/**
 * The HTTP client a plugin worker builds for one call from the host's settings: connect and idle
 * timeouts (no total timeout, so a large download on a slow link completes), caps on downloaded
 * and decoded bytes, a redirect limit, the host's User-Agent, the proxy the environment names
 * (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`), the addresses `settings.outbound` denies, and
 * `file:` URLs under `settings.fileRoots` — only when a value of the call's `repository`
 * configuration is itself a `file:` URL, so that an http repository's metadata cannot make the
 * host read local files. `signal` aborting cancels the request and any body being read.
 *
 * @example
 * ```ts
 * const http = createHttpClient(settings, controller.signal, { REPO_URL: 'https://repo.example.org/el9/' });
 * const response = await http.get({ url: 'https://repo.example.org/el9/repodata/repomd.xml' });
 * const xml = await response.text();
 * ```
 */
export function createHttpClient(settings: HttpClientSettings, signal: AbortSignal, repository: Configuration | null = null): HttpClient {
  const rules = { settings, policy: policyOf(settings), fileRepository: repository !== null && namesFileUrl(repository) };
  return { get: (request) => get(request, rules, signal) };
}

/** A worker's settings stay the same for its life: their policy is built once, not per call. */
const policies = new WeakMap<HttpClientSettings, OutboundPolicy>();

function policyOf(settings: HttpClientSettings): OutboundPolicy {
  let policy = policies.get(settings);
  if (policy === undefined) {
    policy = new OutboundPolicy(settings.outbound);
    policies.set(settings, policy);
  }
  return policy;
}

async function get(request: HttpRequest, { settings, policy, fileRepository }: CallRules, signal: AbortSignal): Promise<HttpResponse> {
  const url = parseUrl(request.url);
  const limits = bodyLimits(request, settings);
  const head = isHead(request);
  if (signal.aborted) throw abortedError(redactUrl(url));
  if (url.protocol === 'file:' && !fileRepository) {
    throw new PermanentError('file_not_allowed', `${url.href}: only a repository whose own URL is a file: URL may read file: URLs`);
  }
  const raw = url.protocol === 'file:' ? await fetchFile(url, request, settings.fileRoots) : await fetchHttp(url, request, settings, policy, signal);
  return respond(head ? withoutBody(raw) : raw, limits, signal);
}

function isHead(request: HttpRequest): boolean {
  const method = request.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') throw new TypeError(`method must be GET or HEAD, not ${String(method)}`);
  return method === 'HEAD';
}

// A HEAD answer's Content-Length and Content-Encoding describe the body a GET would get: the
// plugin sees them as sent, and there is nothing to cap or decode.
function withoutBody(raw: RawResponse): RawResponse {
  // Not taken as empty: a file: URL's HEAD holds the file's stream, which draining would read whole.
  // An HTTP answer to HEAD is complete by now, and its connection goes back to the pool.
  releaseBody(raw.body);
  return { ...raw, body: Readable.from([]), bodiless: true };
}

// Plugins name their URL keys as they like (REPO_URL, REGISTRY_URL…): any value counts.
function namesFileUrl(repository: Configuration): boolean {
  return Object.values(repository).some((value) => /^\s*file:/i.test(value));
}

// The signal may abort between the headers arriving and the response reaching the plugin.
function respond(raw: RawResponse, limits: BodyLimits, signal: AbortSignal): HttpResponse {
  if (signal.aborted) {
    raw.body.destroy();
    throw abortedError(raw.url);
  }
  return createHttpResponse(raw, limits, signal);
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PermanentError('invalid_url', `'${redactText(text)}' is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'file:') {
    throw new PermanentError('invalid_url', `${redactUrl(url)}: only http, https and file URLs can be read`);
  }
  return url;
}

function bodyLimits(request: HttpRequest, settings: HttpClientSettings): BodyLimits {
  const requested = request.maxBytes;
  if (requested !== undefined && !(requested >= 0)) {
    throw new TypeError(`maxBytes must be a number of bytes, not ${String(requested)}`);
  }
  return {
    maxBytes: Math.min(requested ?? Infinity, settings.maxBytes),
    maxDecompressedBytes: settings.maxDecompressedBytes,
    idleTimeoutMs: settings.idleTimeoutMs,
  };
}
