import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * A lock file that stops a second process from opening the same embedded database: two
 * processes writing one PGlite data directory would corrupt it. A lock left by a process that
 * no longer runs is taken over.
 */
export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(dataDir: string): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'baton.lock');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        return new DataDirLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readPid(file);
        if (holder !== null && holder !== process.pid && isRunning(holder)) {
          throw new Error(
            `the data directory ${dataDir} is in use by another Baton process (pid ${holder}); ` +
              'stop it, or give this one its own BATON_DATA_DIR (several processes share one database through DATABASE_URL)',
          );
        }
        takeOver(file, holder);
      }
    }
    throw new Error(`could not take the lock file ${file}`);
  }

  release(): void {
    if (readPid(this.file) === process.pid) fs.rmSync(this.file, { force: true });
  }
}

/**
 * Moves a stale lock aside, atomically. If what was moved is not the stale lock that was judged
 * (another process took over in between), it is put back and this process gives way.
 */
function takeOver(file: string, judged: number | null): void {
  const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readPid(aside);
  if (moved !== judged) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // a newer lock is already in place
    }
    fs.rmSync(aside, { force: true });
    throw new Error(`the data directory ${path.dirname(file)} was just taken by another Baton process (pid ${moved})`);
  }
  fs.rmSync(aside, { force: true });
}

function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
