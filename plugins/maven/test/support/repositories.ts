import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const FIXTURES = path.join(__dirname, '..', 'fixtures');

export const GROUP = 'com.imagingbook';

/** A file URL of a folder, ending with `/`. */
export function fileUrl(dir: string): string {
  return pathToFileURL(dir).href.replace(/\/?$/, '/');
}

/** What a deployed file of a test repository holds besides itself. */
export interface DeployOptions {
  /** The timestamped version of a snapshot build; the version itself for a release. */
  label?: string;
  classifier?: string;
  extension?: string;
  /** Checksum sidecars written beside the file; Maven writes sha1 and md5. */
  sidecars?: string[];
  /** Write the version's POM as well (with a developer and a URL). Default true. */
  pom?: boolean;
}

function artifactFolder(dir: string, groupId: string, artifactId: string, version: string): string {
  return path.join(dir, ...groupId.split('.'), artifactId, version);
}

function pomXml(groupId: string, artifactId: string, version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="urn:example:pom:4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>${groupId}</groupId>
  <artifactId>${artifactId}</artifactId>
  <version>${version}</version>
  <name>${artifactId}</name>
  <description>Image processing &amp; analysis, ${artifactId}</description>
  <url>https://imagingbook.example.org/${artifactId}</url>
  <developers>
    <developer><id>wilbur</id><name>Wilhelm B.</name><email>wb@example.org</email></developer>
  </developers>
  <scm><url>https://git.example.org/imagingbook</url></scm>
</project>
`;
}

function writeWithSidecars(file: string, content: Buffer, sidecars: string[]): void {
  writeFileSync(file, content);
  for (const algorithm of sidecars) writeFileSync(`${file}.${algorithm}`, createHash(algorithm).update(content).digest('hex'));
}

/** The bytes of a made-up artifact file. */
export function artifactBytes(artifactId: string, label: string, classifier = ''): Buffer {
  return Buffer.from(`PK made-up artifact ${artifactId} ${label} ${classifier}\n`);
}

/** Writes a version's file (and by default its POM) into a test repository, as `mvn deploy` lays them out. */
export function deploy(dir: string, artifactId: string, version: string, options: DeployOptions = {}, groupId = GROUP): string {
  const label = options.label ?? version;
  const folder = artifactFolder(dir, groupId, artifactId, version);
  mkdirSync(folder, { recursive: true });
  const sidecars = options.sidecars ?? ['sha1', 'md5'];
  const suffix = options.classifier ? `-${options.classifier}` : '';
  const file = path.join(folder, `${artifactId}-${label}${suffix}.${options.extension ?? 'jar'}`);
  writeWithSidecars(file, artifactBytes(artifactId, label, options.classifier), sidecars);
  if (options.pom ?? true) writeWithSidecars(path.join(folder, `${artifactId}-${label}.pom`), Buffer.from(pomXml(groupId, artifactId, version)), sidecars);
  return file;
}

/** The artifact-level maven-metadata.xml of a test repository, as text. */
export function metadataPath(dir: string, artifactId: string, version?: string, groupId = GROUP): string {
  return path.join(dir, ...groupId.split('.'), artifactId, ...(version ? [version] : []), 'maven-metadata.xml');
}

/** Appends a version to an artifact's metadata, as a deploy does (release and lastUpdated rewritten). */
export function listVersion(dir: string, artifactId: string, version: string, groupId = GROUP): void {
  const file = metadataPath(dir, artifactId, undefined, groupId);
  const xml = readFileSync(file, 'utf8')
    .replace('</versions>', `  <version>${version}</version>\n    </versions>`)
    .replace(/<release>[^<]*<\/release>/, `<release>${version}</release>`)
    .replace(/<lastUpdated>\d+<\/lastUpdated>/, '<lastUpdated>20240101120000</lastUpdated>');
  writeFileSync(file, xml);
}

/** A new build of a snapshot: its metadata names the new timestamp and build number for every file. */
export function newSnapshotBuild(dir: string, artifactId: string, version: string, timestamp: string, build: number): string {
  const file = metadataPath(dir, artifactId, version);
  const label = version.replace(/SNAPSHOT$/, `${timestamp}-${build}`);
  const xml = readFileSync(file, 'utf8')
    .replace(/<timestamp>[^<]*<\/timestamp>/, `<timestamp>${timestamp}</timestamp>`)
    .replace(/<buildNumber>[^<]*<\/buildNumber>/, `<buildNumber>${build}</buildNumber>`)
    .replace(/<value>[^<]*<\/value>/g, `<value>${label}</value>`)
    .replace(/<updated>[^<]*<\/updated>|<lastUpdated>[^<]*<\/lastUpdated>/g, (tag) => tag.replace(/>[^<]*</, `>${timestamp.replace('.', '')}<`));
  writeFileSync(file, xml);
  return label;
}

/** Scratch copies of the fixture repository, removed together. */
export class ScratchFolders {
  private readonly root = mkdtempSync(path.join(os.tmpdir(), 'baton-maven-'));
  private count = 0;

  /** A copy of the imagingbook metadata, without any artifact. */
  copy(): string {
    this.count += 1;
    const dir = path.join(this.root, String(this.count));
    cpSync(path.join(FIXTURES, 'imagingbook'), dir, { recursive: true });
    return dir;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A loopback server in front of another; it answers itself where `stop` gives a status, and records what it saw. */
export interface Gate {
  url: string;
  /** `METHOD /path` of every request, in order. */
  seen: string[];
  close(): Promise<void>;
}

type Stop = (request: http.IncomingMessage) => { status: number; headers?: Record<string, string> } | null;

export async function startGate(upstream: string, stop: Stop): Promise<Gate> {
  const seen: string[] = [];
  const server = http.createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    const answer = stop(request);
    if (answer !== null) {
      response.writeHead(answer.status, answer.headers).end();
      return;
    }
    const headers = { ...request.headers, host: new URL(upstream).host };
    const forward = http.request(new URL(request.url ?? '/', upstream), { method: request.method, headers }, (reply) => {
      response.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(response);
    });
    forward.on('error', () => response.writeHead(502).end());
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A gate that wants `Authorization: Bearer <token>`, as token-based registries do. */
export function startBearerGate(upstream: string, token: string): Promise<Gate> {
  return startGate(upstream, (request) =>
    request.headers.authorization === `Bearer ${token}` ? null : { status: 401, headers: { 'www-authenticate': 'Bearer realm="packages"' } },
  );
}

/** A gate that answers every HEAD with `status`, as servers that do not do HEAD (or sign URLs for GET only) do. */
export function startHeadRefusingGate(upstream: string, status: number): Promise<Gate> {
  return startGate(upstream, (request) => (request.method === 'HEAD' ? { status } : null));
}
