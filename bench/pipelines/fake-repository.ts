import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One entry of the json-file plugin's document. */
interface ListedVersion {
  version: string;
  published: string;
  url: string;
}

/**
 * One package repository on loopback, serving the json-file plugin's document. It runs in the
 * benchmark's own process: it answers one request per repository poll, too little to matter.
 */
export class FakeRepository {
  private readonly packages = new Map<string, ListedVersion[]>();
  private body = '';

  private constructor(
    private readonly server: http.Server,
    readonly origin: string,
  ) {
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.url !== '/packages.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(this.body);
    });
  }

  /** Serves every named package at `version`. */
  static async start(names: readonly string[], version: string): Promise<FakeRepository> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const repository = new FakeRepository(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    for (const name of names) repository.packages.set(name, []);
    repository.publish(names, version);
    return repository;
  }

  /** The document's URL, for the json-file plugin's URL property. */
  get url(): string {
    return `${this.origin}/packages.json`;
  }

  /** Adds `version` to each named package in one update of the document, as one release would. */
  publish(names: readonly string[], version: string): void {
    const published = new Date().toISOString();
    for (const name of names) this.packages.get(name)!.push({ version, published, url: `${this.origin}/${name}/${name}-${version}.tgz` });
    this.body = JSON.stringify({ packages: Object.fromEntries(this.packages) });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
