import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** The folder of fixture files the server answers from. */
export const FIXTURES = join(__dirname, '..', 'fixtures');

/** A handler; what it returns is awaited only to catch its failure. */
type Route = (request: IncomingMessage, response: ServerResponse) => unknown;

/** A real HTTP server on loopback: fixture files by path, plus routes a test adds. */
export interface FixtureServer {
  url: string;
  /** How many requests each path received. */
  hits: Map<string, number>;
  /** How many requests were answered 304 Not Modified. */
  notModified(): number;
  close(): Promise<void>;
}

/**
 * Serves `test/fixtures/<path>` with an ETag (answering 304 to a matching `If-None-Match`), and
 * the given routes first.
 */
export async function startFixtureServer(routes: Record<string, Route> = {}): Promise<FixtureServer> {
  const hits = new Map<string, number>();
  let notModified = 0;
  const server = createServer((request, response) => {
    response.on('finish', () => {
      if (response.statusCode === 304) notModified += 1;
    });
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes[path] ?? serveFixture;
    Promise.resolve(route(request, response)).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits, notModified: () => notModified, close: () => closeServer(server) };
}

/** A URL on loopback where nothing listens, for connection failures. */
export async function closedPortUrl(path: string): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await closeServer(server);
  return `http://127.0.0.1:${port}${path}`;
}

async function serveFixture(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
  const body = await readFile(join(FIXTURES, path.replace(/^\/+/, ''))).catch(() => null);
  if (body === null || path.includes('..')) {
    response.writeHead(404).end();
    return;
  }
  const etag = `"${body.length}-${body.subarray(0, 16).toString('hex')}"`;
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, { etag }).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
