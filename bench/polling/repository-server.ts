import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** One request the server answered. */
export interface ServedRequest {
  method: string;
  path: string;
  status: number;
  bytes: number;
  /** When the request arrived (epoch milliseconds). */
  at: number;
}

/** Messages to the runner; the runner sends `{ type: 'report' }` to get the requests since the last report. */
export type RepositoryServerReply = { type: 'ready'; origin: string } | { type: 'report'; requests: ServedRequest[] };

/** How the server answers: with validators or without (as some proxies), and the type of files without a known extension. */
export interface ServingOptions {
  validators: boolean;
  defaultType: string;
}

/**
 * The benchmark's repository, served from a folder as a static web server serves files:
 * ETag and Last-Modified from the file's size and time, 304 to a matching conditional request
 * (or, with `--no-validators`, neither), HEAD answered with the headers a GET would get. A process
 * of its own, so that serving the download does not count as Baton's work or delay the load
 * generator.
 * Arguments: the folder, then `--no-validators` and `--type=<content type>`.
 */
function main(): void {
  const root = path.resolve(process.argv[2] ?? '.');
  const flags = process.argv.slice(3);
  const type = flags.find((flag) => flag.startsWith('--type='));
  const options: ServingOptions = {
    validators: !flags.includes('--no-validators'),
    defaultType: type === undefined ? 'application/octet-stream' : type.slice('--type='.length),
  };
  let requests: ServedRequest[] = [];
  const server = http.createServer((request, response) => {
    const served = serve(root, options, request, response);
    requests.push(served);
  });
  server.keepAliveTimeout = 60_000;
  process.on('message', () => {
    send({ type: 'report', requests });
    requests = [];
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => send({ type: 'ready', origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
}

function serve(root: string, options: ServingOptions, request: http.IncomingMessage, response: http.ServerResponse): ServedRequest {
  const at = Date.now();
  const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://repository').pathname);
  const method = request.method ?? '';
  const file = path.join(root, urlPath);
  const info = file.startsWith(root + path.sep) ? fs.statSync(file, { throwIfNoEntry: false }) : undefined;
  if ((method !== 'GET' && method !== 'HEAD') || info === undefined || !info.isFile()) {
    response.writeHead(404).end();
    return { method, path: urlPath, status: 404, bytes: 0, at };
  }
  const etag = `"${Math.floor(info.mtimeMs).toString(16)}-${info.size.toString(16)}"`;
  const lastModified = info.mtime.toUTCString();
  const validators = options.validators ? { etag, 'last-modified': lastModified } : {};
  if (options.validators && notModified(request, etag, info.mtime)) {
    response.writeHead(304, validators).end();
    return { method, path: urlPath, status: 304, bytes: 0, at };
  }
  const type = file.endsWith('.xml') ? 'text/xml' : options.defaultType;
  response.writeHead(200, { ...validators, 'content-type': type, 'content-length': String(info.size) });
  if (method === 'HEAD') {
    response.end();
    return { method, path: urlPath, status: 200, bytes: 0, at };
  }
  fs.createReadStream(file).pipe(response);
  return { method, path: urlPath, status: 200, bytes: info.size, at };
}

/** If-None-Match wins over If-Modified-Since, as HTTP says. */
function notModified(request: http.IncomingMessage, etag: string, mtime: Date): boolean {
  const match = request.headers['if-none-match'];
  if (match !== undefined) return match.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
  const since = Date.parse(request.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}

function send(reply: RepositoryServerReply): void {
  process.send!(reply);
}

main();
