import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import type { PackageList } from './json-repository';

/** One request for a repository's package list, as the fake server saw it (wall-clock ms). */
export interface SeenRequest {
  startedAt: number;
  endedAt: number | null;
}

export interface RepositoryTraffic {
  requests: SeenRequest[];
  /** The most requests for this repository that were ever under way at the same moment. */
  maxInFlight: number;
}

export interface JsonRepositorySet {
  /** The package list URL of a repository, for the json-file plugin's URL property. */
  urlOf(name: string): string;
  /** Replaces what one repository serves. */
  publish(name: string, list: PackageList): void;
  traffic(name: string): RepositoryTraffic;
  close(): Promise<void>;
}

/**
 * Several fake json-file repositories on one loopback server, at `/<name>/packages.json`, with
 * ETags. Every answer waits `delayMs`, so that two pollers reading the same repository at the
 * same time would overlap and be seen doing so.
 */
export async function startJsonRepositorySet(lists: Record<string, PackageList>, delayMs: number): Promise<JsonRepositorySet> {
  const bodies = new Map(Object.entries(lists).map(([name, list]) => [name, JSON.stringify(list)]));
  const traffic = new Map([...bodies.keys()].map((name) => [name, { requests: [] as SeenRequest[], maxInFlight: 0, inFlight: 0 }]));
  const server = http.createServer((req, res) => {
    const name = /^\/([^/]+)\/packages\.json$/.exec(req.url ?? '')?.[1];
    const seen = name === undefined ? undefined : traffic.get(name);
    if (name === undefined || seen === undefined) {
      res.writeHead(404).end();
      return;
    }
    const request: SeenRequest = { startedAt: Date.now(), endedAt: null };
    seen.requests.push(request);
    seen.inFlight += 1;
    seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
    // 'close' also fires when the client goes away mid-answer (a killed process).
    res.once('close', () => {
      seen.inFlight -= 1;
      request.endedAt = Date.now();
    });
    setTimeout(() => answer(req, res, bodies.get(name)!), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    urlOf: (name) => `${origin}/${name}/packages.json`,
    publish(name, list) {
      bodies.set(name, JSON.stringify(list));
    },
    traffic(name) {
      const seen = traffic.get(name);
      if (!seen) throw new Error(`no repository named ${name}`);
      return { requests: [...seen.requests], maxInFlight: seen.maxInFlight };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  if (res.destroyed) return;
  const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { etag }).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
}
