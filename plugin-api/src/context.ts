/**
 * A request made through the host's HTTP client.
 *
 * @example
 * ```ts
 * const request: HttpRequest = {
 *   url: 'https://repo.example.org/el9/repodata/repomd.xml',
 *   headers: { 'if-none-match': '"abc"' },
 *   auth: { username: 'reader', password: 's3cret' },
 * };
 * const exists: HttpRequest = { url: 'https://repo.example.org/el9/Packages/tool-1.0.rpm', method: 'HEAD' };
 * ```
 */
export interface HttpRequest {
  /**
   * An `http:`, `https:` or `file:` URL. A `file:` URL is read only under the host's allowed roots,
   * and only in a call whose repository configuration itself names a `file:` URL: an http
   * repository's metadata cannot send the host to local files.
   */
  url: string;
  /** Extra request headers (lower-case names). */
  headers?: Readonly<Record<string, string>>;
  /** HTTP basic authentication; never put credentials into the URL. */
  auth?: { username: string; password: string };
  /** A lower cap on downloaded bytes than the host's for this request. */
  maxBytes?: number;
  /**
   * `GET` (the default) or `HEAD`. A `HEAD` response has an empty body and keeps the headers the
   * server sent, `Content-Length` included, which is not held against `maxBytes`. Redirects are
   * followed with `HEAD` too.
   */
  method?: 'GET' | 'HEAD';
}

/**
 * A response whose body has not been read yet. Read it once, in one of the four ways.
 * `Content-Encoding` (gzip, deflate, br) is decoded by the client, within the host's cap on
 * decompressed bytes.
 *
 * @example
 * ```ts
 * const response = await ctx.http.get({ url });
 * if (response.status === 304) return cached;
 * const text = await response.text();
 * ```
 */
export interface HttpResponse {
  status: number;
  /** Response headers, lower-case names. */
  headers: Readonly<Record<string, string>>;
  /** The URL after redirects. */
  url: string;
  /** The body as a stream of chunks; the idle timeout and byte caps apply while reading. */
  body(): AsyncIterable<Uint8Array>;
  buffer(): Promise<Buffer>;
  text(): Promise<string>;
  json(): Promise<unknown>;
  /** Drops the body without reading it. */
  discard(): void;
}

/**
 * The HTTP client a plugin gets, built inside its worker from the host's settings: connect and
 * idle timeouts, caps on downloaded and decompressed bytes, a redirect limit, a user agent, and
 * a proxy from `HTTPS_PROXY` / `NO_PROXY`, and the addresses the host's operator denies. Network
 * failures and timeouts, HTTP 429 and 5xx are thrown as `TransientError`; a body over a cap, a
 * redirect loop or a denied address (`outbound_denied`) as `PermanentError`; every other status
 * is returned for the plugin to judge.
 *
 * @example
 * ```ts
 * const response = await ctx.http.get({ url: new URL('repodata/repomd.xml', base).href });
 * if (response.status === 404) throw new PermanentError('not_found', 'no repodata/repomd.xml');
 * ```
 */
export interface HttpClient {
  get(request: HttpRequest): Promise<HttpResponse>;
}

/**
 * A small persistent key/value store scoped to the repository a call is about: ETags,
 * last-seen checksums, cached answers. Values are strings (of at most 8 MiB); keys at most 200
 * characters.
 *
 * @example
 * ```ts
 * const etag = await ctx.store.get('repomd.etag');
 * await ctx.store.set('repomd.etag', response.headers['etag'] ?? '');
 * ```
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Structured logging into the host's log, tagged with the plugin and the call.
 *
 * @example
 * ```ts
 * ctx.log.info('primary unchanged, reusing the last parse', { checksum });
 * ```
 */
export interface PluginLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A plugin setting's value, typed as its declaration says. */
export type SettingValue = string | number | boolean;

/**
 * What every operation receives besides its configuration.
 *
 * @example
 * ```ts
 * async latestRevision(repo, pkg, ctx) {
 *   ctx.signal.throwIfAborted();
 *   const limit = ctx.settings['MAX_METADATA_BYTES'] as number;
 *   const response = await ctx.http.get({ url: repo['REPO_URL'], maxBytes: limit });
 *   ...
 * }
 * ```
 */
export interface PluginContext {
  /** Aborted when the host's timeout for this call runs out: stop work and return. */
  signal: AbortSignal;
  http: HttpClient;
  /** Scoped to the repository of the call; empty for calls about unsaved configurations. */
  store: KeyValueStore;
  log: PluginLogger;
  /** The plugin's declared settings, from `BATON_PLUGIN_<ID>_<KEY>` or their defaults. */
  settings: Readonly<Record<string, SettingValue>>;
}
