import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PermanentError, type HttpRequest } from '@baton/plugin-api';
import type { RawResponse } from './http-response';

// The operator setting that lists the folders file: URLs may read.
const ROOTS_SETTING = 'BATON_FILE_REPO_ROOTS';
const MISSING = new Set(['ENOENT', 'ENOTDIR']);
const DENIED = new Set(['EACCES', 'EPERM', 'ELOOP']);

/**
 * Reads a `file:` URL as if it were served over http: a missing file is status 404. Only files
 * whose real path (symlinks resolved) lies inside one of `fileRoots` may be read.
 */
export async function fetchFile(url: URL, request: HttpRequest, fileRoots: readonly string[]): Promise<RawResponse> {
  if (request.auth !== undefined) {
    throw new PermanentError('file_not_allowed', `${url.href}: file: URLs take no user name or password`);
  }
  if (fileRoots.length === 0) {
    throw new PermanentError('file_not_allowed', `${url.href}: file: URLs are turned off; list the folders they may read in ${ROOTS_SETTING}`);
  }
  const target = await resolveReal(localPath(url));
  const roots = await Promise.all(fileRoots.map((root) => resolveReal(path.resolve(root))));
  if (!roots.some((root) => root.exists && isInside(root.path, target.path))) {
    throw new PermanentError('file_not_allowed', `${url.href} is outside the folders listed in ${ROOTS_SETTING}`);
  }
  if (!target.exists) return notFound(url);
  return openFile(url, target.path);
}

function localPath(url: URL): string {
  if (url.hostname !== '' && url.hostname !== 'localhost') {
    throw new PermanentError('file_not_allowed', `${url.href}: file: URLs must not name a host`);
  }
  try {
    return fileURLToPath(url);
  } catch {
    throw new PermanentError('invalid_url', `${url.href} does not name a local file`);
  }
}

async function openFile(url: URL, realPath: string): Promise<RawResponse> {
  // O_NOFOLLOW: a symlink put in place after the check above must not be followed.
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(realPath, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if (MISSING.has(errorCode(error))) return notFound(url);
    throw fileFailure(error, url);
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    return notFound(url);
  }
  const headers = { 'content-length': String(stat.size), 'last-modified': stat.mtime.toUTCString() };
  return { status: 200, headers, url: url.href, body: handle.createReadStream() };
}

function notFound(url: URL): RawResponse {
  return { status: 404, headers: { 'content-length': '0' }, url: url.href, body: Readable.from([]) };
}

interface RealPath {
  path: string;
  exists: boolean;
}

/** The real path of `target`, or of its nearest existing ancestor joined with the rest. */
async function resolveReal(target: string): Promise<RealPath> {
  try {
    return { path: await fs.realpath(target), exists: true };
  } catch (error) {
    if (!MISSING.has(errorCode(error))) throw fileFailure(error, pathToFileURL(target));
    const parent = path.dirname(target);
    if (parent === target) return { path: target, exists: false };
    const real = await resolveReal(parent);
    return { path: path.join(real.path, path.basename(target)), exists: false };
  }
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

function fileFailure(error: unknown, url: URL): unknown {
  const code = errorCode(error);
  return DENIED.has(code) ? new PermanentError('file_not_readable', `${url.href} cannot be read (${code})`) : error;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
