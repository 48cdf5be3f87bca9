import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/** A yum repository on loopback holding one package, `name`, in the versions published so far. */
export class YumRepository {
  private files = new Map<string, Buffer>();
  /** Each publication gets a repomd revision of its own, as a real repository's would. */
  private publications = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly name: string,
  ) {}

  static async start(name: string, versions: string[]): Promise<YumRepository> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const repository = new YumRepository(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, name);
    server.on('request', (req, res) => repository.answer(req, res));
    repository.publish(versions);
    return repository;
  }

  /** Replaces the metadata: `versions` are what the repository offers from now on. */
  publish(versions: string[]): void {
    this.publications += 1;
    const primary = gzipSync(Buffer.from(primaryXml(this.name, versions)));
    const href = `repodata/${sha256(primary)}-primary.xml.gz`;
    this.files = new Map([
      [href, primary],
      ['repodata/repomd.xml', Buffer.from(repomdXml(href, primary, 1764000000 + this.publications))],
    ]);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const file = this.files.get(new URL(req.url ?? '/', this.url).pathname.slice(1));
    res.writeHead(file === undefined ? 404 : 200, { 'Content-Type': 'application/octet-stream' });
    res.end(file);
  }
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** One x86_64 package per version, built a week apart, as createrepo writes them (the fields the plugin reads). */
function primaryXml(name: string, versions: string[]): string {
  const packages = versions.map((version, i) => {
    const built = 1764000000 + i * 7 * 24 * 3600;
    return [
      '<package type="rpm">',
      `  <name>${name}</name>`,
      '  <arch>x86_64</arch>',
      `  <version epoch="0" ver="${version}" rel="1"/>`,
      `  <checksum type="sha256" pkgid="YES">${sha256(`${name}-${version}`)}</checksum>`,
      `  <summary>${name}</summary>`,
      `  <time file="${built}" build="${built}"/>`,
      `  <location href="Packages/${name}-${version}-1.x86_64.rpm"/>`,
      '</package>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${versions.length}">`,
    ...packages,
    '</metadata>',
    '',
  ].join('\n');
}

function repomdXml(href: string, primary: Buffer, revision: number): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">',
    `  <revision>${revision}</revision>`,
    '  <data type="primary">',
    `    <checksum type="sha256">${sha256(primary)}</checksum>`,
    `    <location href="${href}"/>`,
    `    <timestamp>${revision}</timestamp>`,
    `    <size>${primary.length}</size>`,
    '  </data>',
    '</repomd>',
    '',
  ].join('\n');
}
