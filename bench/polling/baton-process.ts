import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
const MAIN = path.join(PROJECT_ROOT, 'server', 'dist', 'main.js');

/** Clock ticks per second, the unit of CPU times in /proc. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Baton as an OS process of its own, its log in a file, its CPU read from /proc. */
export class BatonProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** `nodeArgs` go to Node before the server's main (`--cpu-prof`, for one). */
  static async start(env: Record<string, string>, logFile: string, nodeArgs: string[] = []): Promise<BatonProcess> {
    const log = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [...nodeArgs, MAIN], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env['PATH'] ?? '', BATON_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', log],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let pending = '';
      child.once('exit', (code) => reject(new Error(`Baton exited with ${code} before listening; see ${logFile}`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        fs.writeSync(log, chunk);
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          const address = /"address":"([^"]+)"/.exec(line);
          if (address && line.includes('listening')) resolve(address[1]);
        }
      });
    });
    return new BatonProcess(child, url);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** User plus system CPU seconds of the whole process so far: every thread, plugin workers included. */
  cpuSeconds(): number {
    return cpuSecondsOf(this.pid);
  }

  /** Resident memory in MiB. */
  residentMiB(): number {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** CPU seconds of a process, from fields 14 and 15 (utime, stime) of /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces; the fields after it are plain.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** A folder under `work` holding just the json-file test plugin, for BATON_PLUGINS_DIR. */
export function jsonFilePluginsDir(work: string): string {
  const dir = path.join(work, 'plugins');
  fs.mkdirSync(dir);
  fs.symlinkSync(path.join(PROJECT_ROOT, 'test', 'plugins', 'json-file'), path.join(dir, 'json-file'), 'dir');
  return dir;
}
