import fs from 'node:fs';
import path from 'node:path';

/** Group and other permission bits: none of them belong on anything in the data directory. */
const SHARED_BITS = 0o077;

/**
 * Makes the data directory Baton's alone: created 0700, and every folder and file in it stripped
 * of group and other bits. PGlite creates its files 0666 less the umask, so a directory written
 * under umask 022 (by an older Baton, or copied) holds database files every local user can read
 * and, for some, write; a start tightens them. Links are left alone: nothing in it is one.
 */
export function secureDataDir(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pending = [path.resolve(dataDir)];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    const stat = fs.lstatSync(current);
    if (stat.isSymbolicLink()) continue;
    if ((stat.mode & SHARED_BITS) !== 0) fs.chmodSync(current, stat.mode & 0o7700 & ~SHARED_BITS);
    if (stat.isDirectory()) for (const name of fs.readdirSync(current)) pending.push(path.join(current, name));
  }
}
