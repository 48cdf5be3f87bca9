import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** Seconds `zcat` takes to decompress `file` to /dev/null: the least any reader of the file needs. */
export async function zcatSeconds(file: string): Promise<number> {
  const startedAt = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('zcat', [file], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`zcat ${file} exited with ${code}`);
  return (performance.now() - startedAt) / 1000;
}
