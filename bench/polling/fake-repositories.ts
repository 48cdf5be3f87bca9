import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { INITIAL_VERSIONS, packageName, packagesIn, repositoryName, type Layout } from './layout';

/** Messages from the runner. */
export type FakeRepositoriesCommand = { type: 'publish'; id: number; repository: number; package: number; version: string } | { type: 'report'; id: number };

/** Messages to the runner. */
export type FakeRepositoriesReply =
  | { type: 'ready'; origin: string }
  | { type: 'published'; id: number }
  | { type: 'report'; id: number; requests: [repository: number, at: number][]; cpuSeconds: number };

interface Version {
  version: string;
  published: string;
  sha256: string;
  url: string;
}

interface Repository {
  packages: Map<string, Version[]>;
  body: string;
  etag: string;
}

/**
 * The benchmark's fake package repositories, in a process of their own so that their work is not
 * counted as Baton's: one loopback HTTP server answering `/<repository>/packages.json` for the
 * json-file plugin, with ETags (an unchanged document is a 304), logging each request's arrival.
 */
function main(): void {
  const layout: Layout = { packages: Number(process.argv[2]), repositories: Number(process.argv[3]) };
  const repositories = new Map<string, Repository>();
  const indexOf = new Map<string, number>();
  for (let r = 0; r < layout.repositories; r += 1) {
    const packages = new Map(
      packagesIn(layout, r).map((i) => [packageName(i), INITIAL_VERSIONS.map((v, k) => version(packageName(i), v, Date.UTC(2026, 0, 1 + k)))]),
    );
    repositories.set(repositoryName(r), render(packages));
    indexOf.set(repositoryName(r), r);
  }
  let requests: [number, number][] = [];
  const server = http.createServer((req, res) => {
    const name = /^\/([^/]+)\/packages\.json$/.exec(req.url ?? '')?.[1];
    const repository = name === undefined ? undefined : repositories.get(name);
    if (name === undefined || repository === undefined) {
      res.writeHead(404).end();
      return;
    }
    requests.push([indexOf.get(name)!, Date.now()]);
    if (req.headers['if-none-match'] === repository.etag) {
      res.writeHead(304, { etag: repository.etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', etag: repository.etag }).end(repository.body);
  });
  server.keepAliveTimeout = 60_000;
  process.on('message', (command: FakeRepositoriesCommand) => {
    if (command.type === 'publish') {
      const name = repositoryName(command.repository);
      const packages = repositories.get(name)!.packages;
      const pkg = packageName(command.package);
      packages.get(pkg)!.push(version(pkg, command.version, Date.now()));
      repositories.set(name, render(packages));
      send({ type: 'published', id: command.id });
    } else {
      const usage = process.cpuUsage();
      send({ type: 'report', id: command.id, requests, cpuSeconds: (usage.user + usage.system) / 1e6 });
      requests = [];
    }
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => send({ type: 'ready', origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
}

function version(pkg: string, label: string, publishedAt: number): Version {
  return {
    version: label,
    published: new Date(publishedAt).toISOString(),
    sha256: createHash('sha256').update(`${pkg}-${label}`).digest('hex'),
    url: `https://packages.invalid/${pkg}/${pkg}-${label}.tgz`,
  };
}

function render(packages: Map<string, Version[]>): Repository {
  const body = JSON.stringify({ packages: Object.fromEntries(packages) });
  return { packages, body, etag: `"${createHash('sha1').update(body).digest('hex')}"` };
}

function send(reply: FakeRepositoriesReply): void {
  process.send!(reply);
}

main();
