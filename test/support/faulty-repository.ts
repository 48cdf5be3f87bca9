import http from 'node:http';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { PackageList } from './json-repository';

/** How a broken repository answers a request for its package list. */
export type RepositoryFault =
  /** This status, with these headers and a short text body. */
  | { status: number; headers?: Record<string, string> }
  /** Reads the request and never answers. */
  | 'hang'
  /** Sends the headers and half the body, then nothing more. */
  | 'stall'
  /** Sends a blank every 100 ms and never ends, so no idle timeout ever fires. */
  | 'trickle'
  /** Declares the whole body, sends half of it and closes the connection. */
  | 'cut'
  /** A complete 200 answer that is not JSON (a maintenance page). */
  | 'invalid-json'
  /** A complete 200 answer holding only the first half of the document. */
  | 'truncated-json'
  /** A body of `oversizeBytes`, with its Content-Length. */
  | 'oversized'
  /** A body of `oversizeBytes`, chunked: only counting while reading finds it too large. */
  | 'oversized-chunked'
  /** The list redirects to another path, which redirects back. */
  | 'redirect-loop';

export interface FaultyRepository {
  /** The URL of the package list, for the json-file plugin's URL property. */
  url: string;
  /** Replaces what the repository serves when it is healthy. */
  publish(list: PackageList): void;
  /** Answers every later request with the fault. */
  breakWith(fault: RepositoryFault): void;
  /** Serves the package list again. */
  heal(): void;
  /** Makes every later answer wait this long first (0: answer at once). */
  slowDown(ms: number): void;
  /** How many requests have arrived so far. */
  arrivals(): number;
  /** Sequence numbers (1-based, by arrival) of requests not answered yet. */
  inFlight(): number[];
  close(): Promise<void>;
}

const LIST_PATH = '/packages.json';
const LOOP_PATH = '/mirror/packages.json';

/**
 * A fake package repository for the json-file test plugin that can also misbehave in the ways
 * real ones do: error statuses, silence, broken or oversized bodies, redirect loops.
 */
export async function startFaultyRepository(list: PackageList, options: { oversizeBytes?: number } = {}): Promise<FaultyRepository> {
  let document = JSON.stringify(list);
  let fault: RepositoryFault | null = null;
  let delayMs = 0;
  let arrived = 0;
  const pending = new Set<number>();
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const oversizeBytes = options.oversizeBytes ?? 64 * 1024;

  const later = (ms: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  };

  const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (fault !== null) {
      misbehave(fault, req, res, document, oversizeBytes, timers);
      return;
    }
    if (req.url !== LIST_PATH) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(document);
  };

  const server = http.createServer((req, res) => {
    arrived += 1;
    const seq = arrived;
    pending.add(seq);
    // A fault that never answers keeps its request in flight until the client gives up.
    res.once('close', () => pending.delete(seq));
    // Answered after the delay, with whatever fault or document is current by then.
    if (delayMs > 0) later(delayMs, () => answer(req, res));
    else answer(req, res);
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}${LIST_PATH}`,
    publish(next) {
      document = JSON.stringify(next);
    },
    breakWith(next) {
      fault = next;
    },
    heal() {
      fault = null;
    },
    slowDown(ms) {
      delayMs = ms;
    },
    arrivals: () => arrived,
    inFlight: () => [...pending].sort((a, b) => a - b),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function misbehave(
  fault: RepositoryFault,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  document: string,
  oversizeBytes: number,
  timers: Set<NodeJS.Timeout>,
): void {
  const half = document.slice(0, Math.floor(document.length / 2));
  const json = { 'content-type': 'application/json' };
  if (typeof fault === 'object') {
    res.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers }).end(`status ${fault.status}`);
    return;
  }
  switch (fault) {
    case 'hang':
      return;
    case 'stall':
      res.writeHead(200, { ...json, 'content-length': String(Buffer.byteLength(document)) });
      res.write(half);
      return;
    case 'trickle': {
      res.writeHead(200, json);
      const timer = setInterval(() => res.write(' '), 100);
      timers.add(timer);
      res.once('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
      return;
    }
    case 'cut':
      res.writeHead(200, { ...json, 'content-length': String(Buffer.byteLength(document)) });
      res.write(half, () => req.socket.destroy());
      return;
    case 'invalid-json':
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Down for maintenance</title>');
      return;
    case 'truncated-json':
      res.writeHead(200, json).end(half);
      return;
    case 'oversized':
      res.writeHead(200, { ...json, 'content-length': String(oversizeBytes) }).end(' '.repeat(oversizeBytes));
      return;
    case 'oversized-chunked':
      res.writeHead(200, json);
      res.write(' '.repeat(oversizeBytes / 2));
      res.end(' '.repeat(oversizeBytes / 2));
      return;
    case 'redirect-loop':
      res.writeHead(302, { location: req.url === LOOP_PATH ? LIST_PATH : LOOP_PATH }).end();
      return;
  }
}
