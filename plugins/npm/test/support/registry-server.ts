import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'from-live-registry');

/** One request the registry received. */
export interface RegistryRequest {
  /** The path as sent, still escaped (`/@scope%2fname`). */
  path: string;
  headers: http.IncomingHttpHeaders;
  status: number;
}

/** A canned answer for one package name or path. */
export interface CannedAnswer {
  status?: number;
  body?: Buffer | string;
  contentType?: string;
  /** Sent without Content-Length, as a stream of chunks. */
  chunked?: boolean;
}

/** How the registry behaves; tests change it between requests. */
export interface RegistryOptions {
  /** Which validators it sends and honours: `etag` (and Last-Modified), `last-modified` alone, or none. */
  validators: 'etag' | 'last-modified' | 'none';
  /** The Authorization header every request must carry, or none. */
  authorization?: string;
  /** Whether `/-/ping` exists. */
  ping: boolean;
  /** Answers by package name (or by path, for other paths) instead of the packument. */
  canned: Map<string, CannedAnswer>;
}

/** A loopback npm registry serving packuments, under a base path such as `/npm/`. */
export interface RegistryServer {
  /** The registry URL, ending with `/`. */
  url: string;
  requests: RegistryRequest[];
  options: RegistryOptions;
  /** Packuments by package name, as JSON text; tests publish by setting one. */
  packuments: Map<string, string>;
  publish(packument: object): void;
  close(): Promise<void>;
}

/** The real packuments of the fixtures, by package name. */
export function fixturePackuments(): Map<string, string> {
  const packuments = new Map<string, string>();
  for (const file of readdirSync(FIXTURES).filter((name) => name.endsWith('.json'))) {
    const text = readFileSync(path.join(FIXTURES, file), 'utf8');
    packuments.set((JSON.parse(text) as { name: string }).name, text);
  }
  return packuments;
}

/** A package name from a request path under the base path, as registries read it (`@scope%2fname`, `@scope/name`). */
function nameOf(requestPath: string, base: string): string | null {
  if (!requestPath.startsWith(base)) return null;
  try {
    return decodeURIComponent(requestPath.slice(base.length));
  } catch {
    return null;
  }
}

function send(response: http.ServerResponse, status: number, body: Buffer | string, headers: Record<string, string>): number {
  response.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers }).end(body);
  return status;
}

const JSON_TYPE = 'application/json';

function sendCanned(response: http.ServerResponse, canned: CannedAnswer): number {
  const status = canned.status ?? 200;
  const body = canned.body ?? '';
  if (!canned.chunked) return send(response, status, body, { 'content-type': canned.contentType ?? JSON_TYPE });
  response.writeHead(status, { 'content-type': canned.contentType ?? JSON_TYPE });
  const bytes = Buffer.from(body);
  for (let start = 0; start < bytes.length; start += 64 * 1024) response.write(bytes.subarray(start, start + 64 * 1024));
  response.end();
  return status;
}
const LAST_MODIFIED = new Date(Date.UTC(2026, 0, 1)).toUTCString();

function packumentAnswer(request: http.IncomingMessage, response: http.ServerResponse, text: string, options: RegistryOptions): number {
  const headers: Record<string, string> = { 'content-type': JSON_TYPE };
  const etag = `"${createHash('sha1').update(text).digest('hex')}"`;
  if (options.validators === 'etag') headers['etag'] = etag;
  if (options.validators !== 'none') headers['last-modified'] = LAST_MODIFIED;
  const matches =
    (options.validators === 'etag' && request.headers['if-none-match'] === etag) ||
    (options.validators === 'last-modified' && request.headers['if-modified-since'] === LAST_MODIFIED);
  if (matches) {
    response.writeHead(304, headers).end();
    return 304;
  }
  return send(response, 200, text, headers);
}

function answer(request: http.IncomingMessage, response: http.ServerResponse, server: RegistryServer, base: string): number {
  const requestPath = (request.url ?? '/').split('?')[0];
  const { options } = server;
  if (options.authorization !== undefined && request.headers.authorization !== options.authorization) {
    return send(response, 401, '{"error":"unauthorized"}', { 'content-type': JSON_TYPE, 'www-authenticate': 'Bearer' });
  }
  const name = nameOf(requestPath, base);
  const canned = options.canned.get(name ?? requestPath) ?? options.canned.get(requestPath);
  if (canned !== undefined) return sendCanned(response, canned);
  if (name === '-/ping' && options.ping) return send(response, 200, '{}', { 'content-type': JSON_TYPE });
  const text = name === null ? undefined : server.packuments.get(name);
  if (text === undefined) return send(response, 404, '{"error":"Not found"}', { 'content-type': JSON_TYPE });
  return packumentAnswer(request, response, text, options);
}

/**
 * Starts a registry on 127.0.0.1 serving `packuments` under `basePath`, recording every request.
 *
 * @example
 * ```ts
 * const registry = await startRegistry(fixturePackuments());
 * registry.url; // 'http://127.0.0.1:41234/npm/'
 * ```
 */
export async function startRegistry(
  packuments: Map<string, string> = new Map(),
  options: Partial<RegistryOptions> = {},
  basePath = '/npm/',
): Promise<RegistryServer> {
  const requests: RegistryRequest[] = [];
  const server: RegistryServer = {
    url: '',
    requests,
    options: { validators: 'etag', ping: true, canned: new Map(), ...options },
    packuments,
    publish: (packument) => packuments.set((packument as { name: string }).name, JSON.stringify(packument)),
    close: () => new Promise((resolve) => listener.close(() => resolve())),
  };
  const listener = http.createServer((request, response) => {
    const status = answer(request, response, server, basePath);
    requests.push({ path: request.url ?? '', headers: request.headers, status });
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}${basePath}`;
  return server;
}
