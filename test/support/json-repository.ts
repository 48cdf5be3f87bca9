import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

export interface ListedVersion {
  version: string;
  published: string;
  sha256?: string;
  url?: string;
  comment?: string;
}

export interface PackageList {
  packages: Record<string, ListedVersion[]>;
}

export interface JsonRepository {
  /** The URL of the package list, for the json-file plugin's URL property. */
  url: string;
  origin: string;
  /** Replaces what the repository serves. */
  publish(list: PackageList): void;
  /** Makes every answer wait this long first (0: answer at once). */
  slowDown(ms: number): void;
  /** Makes every request answer this status (with `headers`), or serve normally again with null. */
  failWith(status: number | null, headers?: Record<string, string>): void;
  /** Requests seen, with the Authorization header each carried. */
  requests: { path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

/**
 * A fake package repository on loopback serving a package list for the json-file test plugin,
 * with ETags, and with basic authentication when credentials are given.
 */
export async function startJsonRepository(list: PackageList, auth?: { username: string; password: string }): Promise<JsonRepository> {
  let body = JSON.stringify(list);
  let failure: { status: number; headers: Record<string, string> } | null = null;
  let delayMs = 0;
  const requests: JsonRepository['requests'] = [];
  const expected = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : null;
  const server = http.createServer((req, res) => {
    if (delayMs > 0) {
      setTimeout(() => answer(req, res), delayMs);
      return;
    }
    answer(req, res);
  });
  const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if (expected !== null && req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    if (failure !== null) {
      res.writeHead(failure.status, failure.headers).end();
      return;
    }
    if (req.url !== '/packages.json') {
      res.writeHead(404).end();
      return;
    }
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/packages.json`,
    origin,
    publish(next) {
      body = JSON.stringify(next);
    },
    slowDown(ms) {
      delayMs = ms;
    },
    failWith(status, headers = {}) {
      failure = status === null ? null : { status, headers };
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A package list with one package and the given versions, oldest first. */
export function listOf(name: string, ...versions: string[]): PackageList {
  return {
    packages: {
      [name]: versions.map((version, i) => ({
        version,
        published: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
        sha256: createHash('sha256').update(`${name}-${version}`).digest('hex'),
        url: `https://repo.example.org/${name}/${name}-${version}.tgz`,
      })),
    },
  };
}
