import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  status: number;
}

/** How the server behaves; tests may change it between requests. */
export interface FixtureServerOptions {
  /** Send ETag and Last-Modified and answer 304 to matching conditional requests. Default true. */
  validators: boolean;
  /** Require HTTP basic authentication with these credentials. */
  auth?: { username: string; password: string };
  /** Answer these paths with other bytes (a Buffer) or a bare status (a number). */
  overrides: Map<string, Buffer | number>;
}

/** A loopback HTTP server serving a folder of fixture files, as a static web server would. */
export interface FixtureServer {
  /** Base URL, ending with `/`. */
  url: string;
  requests: RecordedRequest[];
  options: FixtureServerOptions;
  close(): Promise<void>;
}

async function body(root: string, urlPath: string, overrides: Map<string, Buffer | number>): Promise<Buffer | number> {
  const override = overrides.get(urlPath);
  if (override !== undefined) return override;
  const file = path.join(root, decodeURIComponent(urlPath));
  if (!file.startsWith(root + path.sep)) return 403;
  const info = await stat(file).catch(() => null);
  return info?.isFile() ? readFile(file) : 404;
}

function authorized(request: http.IncomingMessage, auth: FixtureServerOptions['auth']): boolean {
  if (auth === undefined) return true;
  const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return request.headers.authorization === expected;
}

async function answer(root: string, options: FixtureServerOptions, request: http.IncomingMessage, response: http.ServerResponse): Promise<number> {
  if (!authorized(request, options.auth)) {
    response.writeHead(401, { 'www-authenticate': 'Basic realm="fixtures"' }).end();
    return 401;
  }
  const content = await body(root, new URL(request.url ?? '/', 'http://fixture').pathname, options.overrides);
  if (typeof content === 'number') {
    response.writeHead(content).end();
    return content;
  }
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(content.length) };
  if (options.validators) {
    headers['etag'] = `"${createHash('sha1').update(content).digest('hex')}"`;
    headers['last-modified'] = new Date(Date.UTC(2024, 0, 1)).toUTCString();
    if (request.headers['if-none-match'] === headers['etag']) {
      response.writeHead(304, { etag: headers['etag'] }).end();
      return 304;
    }
  }
  response.writeHead(200, headers).end(content);
  return 200;
}

/**
 * Starts a server on 127.0.0.1 (a port the system picks) that serves the files under `root`,
 * records every request, and answers conditional requests like a static web server.
 */
export async function startFixtureServer(root: string, options: Partial<FixtureServerOptions> = {}): Promise<FixtureServer> {
  const resolvedRoot = path.resolve(root);
  const settings: FixtureServerOptions = { validators: true, overrides: new Map(), ...options };
  const requests: RecordedRequest[] = [];
  const server = http.createServer((request, response) => {
    answer(resolvedRoot, settings, request, response).then(
      (status) => requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, status }),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    options: settings,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
