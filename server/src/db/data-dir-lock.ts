import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startedAtMs, startTimeOf } from '../system/proc-stat';

/** Who holds a lock: a pid, and that process's start time where `/proc` tells it. */
export interface LockHolder {
  pid: number;
  start: string | null;
}

/**
 * A lock file that stops a second process from opening the same embedded database: two
 * processes writing one PGlite data directory would corrupt it. The file names the holder's pid
 * and start time; a lock whose process no longer runs, or whose pid now belongs to a process
 * started at another time (after a reboot or a container restart, pids are reused), is taken over.
 */
export class DataDirLock {
  private constructor(
    private readonly file: string,
    private readonly content: string,
  ) {}

  static acquire(dataDir: string, onStale: (holder: LockHolder) => void = () => undefined): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'baton.lock');
    const content = `${process.pid} ${startTimeOf(process.pid) ?? ''}`.trim() + '\n';
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        fs.writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
        return new DataDirLock(file, content);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const judged = readLock(file);
        const holder = judged === null ? null : parseHolder(judged);
        if (holder !== null && holder.pid !== process.pid && isRunning(holder, writtenAtMs(file))) {
          throw new Error(
            `the data directory ${dataDir} is in use by another Baton process (pid ${holder.pid}); ` +
              'stop it, or give this one its own BATON_DATA_DIR (several processes share one database through DATABASE_URL)',
          );
        }
        if (takeOver(file, judged) && holder !== null) onStale(holder);
      }
    }
    throw new Error(`could not take the lock file ${file}`);
  }

  release(): void {
    if (readLock(this.file) === this.content) fs.rmSync(this.file, { force: true });
  }
}

/**
 * Moves a stale lock aside, atomically; true when it was there to move. If what was moved is not
 * the stale lock that was judged (another process took over in between), it is put back and this
 * process gives way.
 */
function takeOver(file: string, judged: string | null): boolean {
  const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const moved = readLock(aside);
  if (moved !== judged) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // a newer lock is already in place
    }
    fs.rmSync(aside, { force: true });
    const holder = moved === null ? null : parseHolder(moved);
    throw new Error(`the data directory ${path.dirname(file)} was just taken by another Baton process (pid ${holder?.pid ?? 'unknown'})`);
  }
  fs.rmSync(aside, { force: true });
  return true;
}

function readLock(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** `<pid> <start time>`; an older Baton wrote the pid alone. */
function parseHolder(content: string): LockHolder | null {
  const [pidText, start] = content.trim().split(/\s+/);
  const pid = Number.parseInt(pidText ?? '', 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  return { pid, start: start !== undefined && /^\d+$/.test(start) ? start : null };
}

/**
 * Whether the holder still runs: its pid is alive and, where `/proc` gives start times, started
 * when the lock says. A lock without a start time (an older Baton's) was written by a process that
 * was already running: a process with that pid that started after the file was written is another
 * one. A second of slack covers the coarse clocks of both times.
 */
function isRunning(holder: LockHolder, writtenAt: number | null): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.start !== null) {
    const start = startTimeOf(holder.pid);
    return start === null || start === holder.start;
  }
  const startedAt = startedAtMs(holder.pid);
  return startedAt === null || writtenAt === null || startedAt <= writtenAt + 1000;
}

function writtenAtMs(file: string): number | null {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}
