import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { spawnJobProcess } from './job-process';
import type { JobUser } from '../config/job-user';

/** Where `fetch_package` writes its download: a stream to write into, and the file's end. */
export interface PackageFileWriter {
  stream: Writable;
  /** Resolves once the file is complete; rejects with what went wrong writing it. */
  done(): Promise<void>;
}

const TOOLS_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
const MAKE_AND_WRITE = 'mkdir -p "$1" && exec cat > "$2"';

/**
 * Creates the destination folder and opens the file in it. With a job user, both happen in a
 * process running as that user: the job's folder is the user's, and a link a job leaves there
 * (`pkg -> /etc`) must not make Baton write outside it with Baton's rights; the file is then the
 * user's too, as if the job had downloaded it.
 */
export async function openPackageFile(target: string, user: JobUser | null | undefined): Promise<PackageFileWriter> {
  if (!user) {
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    // The pipeline that writes waits for the file to be finished.
    return { stream: fs.createWriteStream(target), done: () => Promise.resolve() };
  }
  const child = spawnJobProcess('/bin/sh', ['-c', MAKE_AND_WRITE, 'sh', path.dirname(target), target], asUser(user, 'pipe'));
  const exited = exitOf(child, target);
  exited.catch(() => undefined);
  return { stream: child.stdin!, done: () => exited };
}

/** Removes a file that failed (a checksum mismatch, a broken download), as whoever wrote it. */
export async function removePackageFile(target: string, user: JobUser | null | undefined): Promise<void> {
  if (!user) return fs.promises.rm(target, { force: true });
  await exitOf(spawnJobProcess('rm', ['-f', target], asUser(user, 'ignore')), target);
}

function asUser(user: JobUser, stdin: 'pipe' | 'ignore') {
  return { cwd: '/', env: { PATH: TOOLS_PATH }, user, stdio: [stdin, 'ignore', 'pipe'] as ['pipe' | 'ignore', 'ignore', 'pipe'] };
}

function exitOf(child: ChildProcess, target: string): Promise<void> {
  let errors = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (errors += text));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${target} could not be written as the job user: ${errors.trim() || `exit code ${code}`}`)),
    );
  });
}
