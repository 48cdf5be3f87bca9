import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './databases';

export interface BatonProcess {
  child: ChildProcess;
  /** Log lines (stdout) and stderr lines, as they arrive. */
  lines: string[];
  /** Resolves with the URL once the process logs that it is listening. */
  listening: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const MAIN = path.join(PROJECT_ROOT, 'server', 'dist', 'main.js');

/** Starts Baton as a real OS process from the built files, with only the given variables set. */
export function spawnBaton(env: Record<string, string>): BatonProcess {
  const child = spawn(process.execPath, [MAIN], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env['PATH'] ?? '', BATON_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let announce: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve, reject) => {
    announce = resolve;
    child.once('exit', (code) => reject(new Error(`baton exited with ${code} before listening:\n${lines.join('\n')}`)));
  });
  listening.catch(() => undefined);
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(line);
      const address = /"address":"([^"]+)"/.exec(line);
      if (address && line.includes('listening')) announce(address[1]);
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, listening, exited };
}
