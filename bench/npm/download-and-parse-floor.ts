import { fork } from 'node:child_process';
import path from 'node:path';
import type { DownloadAndParse } from './download-and-parse';

/** Downloads and parses `url` in a fresh Node process, the floor any reader of the packument pays. */
export async function downloadAndParse(url: string): Promise<DownloadAndParse> {
  const child = fork(path.join(__dirname, 'download-and-parse.js'), [url], { execArgv: ['--expose-gc'], stdio: 'inherit' });
  try {
    return await new Promise<DownloadAndParse>((resolve, reject) => {
      child.once('error', reject);
      child.once('message', (figures: DownloadAndParse) => resolve(figures));
      child.once('exit', (code) => reject(new Error(`the download-and-parse process exited with ${code} before answering`)));
    });
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
