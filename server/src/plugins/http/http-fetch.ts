import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import axios, { type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { PermanentError, TransientError, type HttpRequest } from '@baton/plugin-api';
import type { OutboundPolicy } from '../../security/outbound-policy';
import type { HttpClientSettings } from '../protocol';
import { ExchangeTimer } from './exchange-timer';
import { abortedError, timeoutError, transportFailure } from './http-failures';
import { releaseBody, type RawResponse } from './http-response';
import { agentFor } from './proxy-agents';
import { parseRetryAfter } from './retry-after';

type Credentials = NonNullable<HttpRequest['auth']>;

interface Outgoing {
  method: 'GET' | 'HEAD';
  headers: Record<string, string>;
  auth: Credentials | undefined;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// The encodings the body reader decodes; axios would also offer 'compress'.
const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * GETs (or HEADs) an http or https URL, following redirects itself so that it can refuse loops, keep
 * credentials on the first origin, and pick the proxy and check the address for every hop. 429
 * and 5xx are thrown as `TransientError`; every other status is returned with its body unread.
 */
export async function fetchHttp(
  url: URL,
  request: HttpRequest,
  settings: HttpClientSettings,
  policy: OutboundPolicy,
  signal: AbortSignal,
): Promise<RawResponse> {
  const credentials = request.auth ?? credentialsIn(url);
  const first = withoutUserInfo(url);
  const visited = new Set<string>();
  for (let current = first; ;) {
    visited.add(current.href);
    const sameOrigin = current.origin === first.origin;
    const outgoing = { method: request.method ?? 'GET', headers: requestHeaders(request, settings, sameOrigin), auth: sameOrigin ? credentials : undefined };
    const response = await exchange(current, outgoing, { settings, policy }, signal);
    const next = redirectTarget(response, current);
    if (next === undefined) return settle(response, current.href);
    releaseBody(response.data);
    if (visited.has(next.href)) {
      throw new PermanentError('too_many_redirects', `${first.href}: redirect loop back to ${next.href}`);
    }
    if (visited.size > settings.maxRedirects) {
      throw new PermanentError('too_many_redirects', `${first.href}: more than ${settings.maxRedirects} redirects`);
    }
    current = next;
  }
}

interface Rules {
  settings: HttpClientSettings;
  policy: OutboundPolicy;
}

/** One request and its response headers, within the connect and idle timeouts. */
async function exchange(url: URL, outgoing: Outgoing, { settings, policy }: Rules, signal: AbortSignal): Promise<AxiosResponse<Readable>> {
  if (signal.aborted) throw abortedError(url.href);
  const controller = new AbortController();
  let failure: TransientError | undefined;
  const fail = (error: TransientError) => {
    failure ??= error;
    controller.abort();
  };
  const timer = new ExchangeTimer(settings.connectTimeoutMs, settings.idleTimeoutMs, (waitingFor, ms) => fail(timeoutError(url.href, waitingFor, ms)));
  const onAbort = () => fail(abortedError(url.href));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    // Through a proxy, the proxy resolves names: only a literal address can be judged here.
    policy.checkHost(url.hostname);
    const agent = await agentFor(url);
    timer.start();
    return await axios.request<Readable>(requestConfig(url, outgoing, { agent, timer, policy }, controller.signal));
  } catch (error) {
    throw failure ?? transportFailure(error, url.href);
  } finally {
    timer.stop();
    signal.removeEventListener('abort', onAbort);
  }
}

interface Connection {
  agent: http.Agent;
  timer: ExchangeTimer;
  policy: OutboundPolicy;
}

function requestConfig(url: URL, outgoing: Outgoing, { agent, timer, policy }: Connection, signal: AbortSignal): AxiosRequestConfig {
  return {
    url: url.href,
    method: outgoing.method,
    headers: outgoing.headers,
    auth: outgoing.auth,
    responseType: 'stream',
    decompress: false,
    validateStatus: () => true,
    // Redirects are followed by fetchHttp, hop by hop.
    maxRedirects: 0,
    // The agent carries the proxy; axios must not apply the environment's proxy again.
    proxy: false,
    httpAgent: agent,
    httpsAgent: agent,
    transport: connectingTransport(timer, policy),
    signal,
  };
}

// Node's own transport, wrapped so that the timer sees the socket connect and the headers arrive,
// and a direct connection is opened only to an address the policy allows (a proxy's agent opens
// its own connection to the proxy, without this lookup).
function connectingTransport(timer: ExchangeTimer, policy: OutboundPolicy) {
  return {
    request(options: https.RequestOptions, onResponse: (response: http.IncomingMessage) => void): http.ClientRequest {
      const transport = options.protocol === 'https:' ? https : http;
      const request = transport.request({ ...options, lookup: policy.lookup }, (response) => {
        timer.stop();
        onResponse(response);
      });
      timer.watch(request);
      return request;
    },
  };
}

function requestHeaders(request: HttpRequest, settings: HttpClientSettings, sameOrigin: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'accept-encoding': ACCEPT_ENCODING };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  if (!sameOrigin) delete headers['authorization'];
  headers['user-agent'] = settings.userAgent;
  return headers;
}

function redirectTarget(response: AxiosResponse<Readable>, current: URL): URL | undefined {
  const location = headerValue(response, 'location');
  if (!REDIRECT_STATUSES.has(response.status) || location === undefined) return undefined;
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    response.data.destroy();
    throw new PermanentError('bad_redirect', `${current.href}: redirect to an invalid URL`);
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    response.data.destroy();
    throw new PermanentError('bad_redirect', `${current.href}: redirect to a ${next.protocol} URL; only http and https are followed`);
  }
  return withoutUserInfo(next);
}

function settle(response: AxiosResponse<Readable>, url: string): RawResponse {
  const headers = headersOf(response);
  const { status } = response;
  if (status === 429 || status >= 500) {
    releaseBody(response.data);
    const reason = response.statusText ? ` ${response.statusText}` : '';
    throw new TransientError(`http_${status}`, `${url} answered ${status}${reason}`, {
      retryAfterSeconds: parseRetryAfter(headers['retry-after']),
    });
  }
  return { status, headers, url, body: response.data };
}

function headersOf(response: AxiosResponse): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined || value === null) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

function headerValue(response: AxiosResponse, name: string): string | undefined {
  const value: unknown = response.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function credentialsIn(url: URL): Credentials | undefined {
  if (url.username === '' && url.password === '') return undefined;
  return { username: decodeLeniently(url.username), password: decodeLeniently(url.password) };
}

function decodeLeniently(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}

function withoutUserInfo(url: URL): URL {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy;
}
