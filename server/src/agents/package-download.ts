import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { outboundDispatcher } from '../security/outbound-dispatcher';
import type { OutboundPolicy } from '../security/outbound-policy';
import type { PackageCredentials } from './job-assignment';
import { TaskRefused } from './task-context';

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface DownloadOptions {
  credentials: PackageCredentials | null;
  fileRoots: readonly string[];
  /** Whether a `file:` location may be read at all: only for a repository that is itself a folder. */
  localRepository: boolean;
  userAgent: string;
  /** The addresses a download may not connect to; the default deny list when not given. */
  outbound?: OutboundPolicy | undefined;
  signal: AbortSignal;
}

/**
 * Opens a package's `LOCATION` as a stream. Over HTTP, redirects are followed one by one so that
 * the repository's credentials go with a request only when it is for the repository's own
 * origin, and every hop connects only to an address the outbound policy allows; a `file:`
 * location is read only for a repository that is itself a folder, and only under the allowed
 * roots: a remote repository's metadata cannot make a job read the server's files.
 */
export async function openPackageLocation(location: string, options: DownloadOptions): Promise<Readable> {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new TaskRefused(`the revision's LOCATION '${location}' is not a URL`);
  }
  if (url.protocol === 'file:') {
    if (!options.localRepository) {
      throw new TaskRefused(
        `the revision's LOCATION ${url.href} is a local file, but its repository is not a folder (its URL is not a file: URL); only a file: repository's packages are read from disk`,
      );
    }
    return openFile(url, options.fileRoots);
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return openHttp(url, options);
  throw new TaskRefused(`the revision's LOCATION uses ${url.protocol}, which cannot be fetched (http, https and file only)`);
}

async function openHttp(start: URL, options: DownloadOptions): Promise<Readable> {
  let url = start;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    const headers: Record<string, string> = { 'user-agent': options.userAgent, accept: '*/*' };
    const authorization = authorizationFor(url, options.credentials);
    if (authorization) headers['authorization'] = authorization;
    // A refused address fails the fetch with the policy's message as its cause.
    const response = await fetch(url, { headers, redirect: 'manual', dispatcher: outboundDispatcher(options.outbound), signal: options.signal });
    const next = response.headers.get('location');
    if (REDIRECTS.has(response.status) && next) {
      await response.body?.cancel();
      url = new URL(next, url);
      continue;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new TaskRefused(`GET ${url.href} answered ${response.status} ${response.statusText}`.trim());
    }
    return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  }
  throw new TaskRefused(`GET ${start.href} was redirected more than ${MAX_REDIRECTS} times`);
}

/** Basic or Bearer credentials, only for the origin they belong to. */
function authorizationFor(url: URL, credentials: PackageCredentials | null): string | null {
  if (!credentials || url.origin !== credentials.origin) return null;
  if (credentials.scheme === 'bearer') return `Bearer ${credentials.token}`;
  return `Basic ${Buffer.from(`${credentials.username ?? ''}:${credentials.password ?? ''}`, 'utf8').toString('base64')}`;
}

async function openFile(url: URL, fileRoots: readonly string[]): Promise<Readable> {
  let real: string;
  try {
    real = await fs.promises.realpath(fileURLToPath(url));
  } catch {
    throw new TaskRefused(`the revision's LOCATION ${url.href} does not exist`);
  }
  const roots = await Promise.all(fileRoots.map((root) => fs.promises.realpath(root).catch(() => null)));
  const allowed = roots.some((root) => root !== null && (real === root || real.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`)));
  if (!allowed) throw new TaskRefused(`the revision's LOCATION ${url.href} is not under a folder of BATON_FILE_REPO_ROOTS`);
  return fs.createReadStream(real);
}
