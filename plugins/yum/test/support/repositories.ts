import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { compress, type Codec } from '@baton/plugin-kit/testing';

export { compress, type Codec };

export const FIXTURES = path.join(__dirname, '..', 'fixtures');

const EXTENSIONS: Record<Codec, string> = { gzip: '.gz', xz: '.xz', zstd: '.zst', bzip2: '.bz2', plain: '' };

/** A fixture file's path. */
export function fixturePath(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

/** The one file of a fixture's repodata whose name contains `marker` (`primary.xml`, `primary.sqlite`). */
export function repodataFile(repository: string, marker: string): string {
  const dir = fixturePath(repository, 'repodata');
  const name = readdirSync(dir).find((file) => file.includes(marker));
  if (name === undefined) throw new Error(`no ${marker} in ${dir}`);
  return path.join(dir, name);
}

/** A fixture repository's primary.xml, decompressed with the system's tools (independent of the plugin's code). */
export function fixturePrimaryXml(repository: string): Buffer {
  const file = repodataFile(repository, 'primary.xml');
  if (file.endsWith('.gz')) return gunzipSync(readFileSync(file));
  if (file.endsWith('.zst')) return execFileSync('zstd', ['-d', '-c', '-q', file], { maxBuffer: 1 << 28 });
  return readFileSync(file);
}

const SCRT_XML = fixturePrimaryXml('scrt-yum').toString('utf8');

/** scrt-yum's primary with one more x86_64 package, published under a new file name. */
export function publishNewer(dir: string, version: string): void {
  const entry = SCRT_XML.slice(SCRT_XML.lastIndexOf('<package '), SCRT_XML.lastIndexOf('</package>') + '</package>'.length)
    .replace(/ver="0\.3\.3"/g, `ver="${version}"`)
    .replace(/scrt_0\.3\.3_linux_x86_64/, `scrt_${version}_linux_x86_64`)
    .replace(/pkgid="YES">[0-9a-f]+</, `pkgid="YES">${'e'.repeat(64)}<`);
  const xml = SCRT_XML.replace('packages="25"', 'packages="26"').replace('</metadata>', `${entry}\n</metadata>`);
  const bytes = compress(Buffer.from(xml), 'gzip');
  writeFileSync(path.join(dir, 'repodata', 'primary-new.xml.gz'), bytes);
  const checksum = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(path.join(dir, 'repodata', 'repomd.xml'), repomdXml('repodata/primary-new.xml.gz', 'sha256', checksum, bytes.length));
}

/** Scratch folders, removed together. */
export class ScratchFolders {
  private readonly root = mkdtempSync(path.join(os.tmpdir(), 'baton-yum-'));
  private count = 0;

  /** A copy of a fixture repository. */
  copy(repository: string): string {
    const dir = this.next();
    cpSync(fixturePath(repository), dir, { recursive: true });
    return dir;
  }

  /** A repository whose primary is `bytes` as stored (already compressed), described by a fresh repomd.xml. */
  repository(bytes: Buffer, options: { name?: string; checksumType?: string; checksum?: string; repomd?: (xml: string) => string } = {}): string {
    const dir = this.next();
    mkdirSync(path.join(dir, 'repodata'), { recursive: true });
    const name = options.name ?? 'primary.xml.gz';
    writeFileSync(path.join(dir, 'repodata', name), bytes);
    const type = options.checksumType ?? 'sha256';
    const checksum =
      options.checksum ??
      createHash(type === 'sha' ? 'sha1' : type)
        .update(bytes)
        .digest('hex');
    const xml = repomdXml(`repodata/${name}`, type, checksum, bytes.length);
    writeFileSync(path.join(dir, 'repodata', 'repomd.xml'), options.repomd ? options.repomd(xml) : xml);
    return dir;
  }

  /** A repository whose primary is `xml` compressed with `codec`. */
  repositoryOf(xml: Buffer | string, codec: Codec): string {
    const bytes = compress(Buffer.from(xml), codec);
    return this.repository(bytes, { name: `primary.xml${EXTENSIONS[codec]}` });
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private next(): string {
    this.count += 1;
    return path.join(this.root, `r${this.count}`);
  }
}

/** A minimal repomd.xml naming one primary file. */
export function repomdXml(href: string, checksumType: string, checksum: string, size: number): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">',
    '  <revision>1700000000</revision>',
    '  <data type="primary">',
    `    <checksum type="${checksumType}">${checksum}</checksum>`,
    `    <location href="${href}"/>`,
    '    <timestamp>1700000000</timestamp>',
    `    <size>${size}</size>`,
    '  </data>',
    '</repomd>',
    '',
  ].join('\n');
}

/** The folder as a file: URL ending with `/`. */
export function fileUrl(dir: string): string {
  return `${pathToFileURL(dir).href}/`;
}
