import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BatonApi } from '../polling/baton-api';
import { BatonProcess } from '../polling/baton-process';

/** Sampling period of the workers' memory: short, so that the peak after a parse is seen. */
export const MEMORY_SAMPLE_MS = 20;

/** Baton processes started one after another, each on a fresh embedded database, each stopped when its use ends, even on failure. */
export class BatonRuns {
  private count = 0;

  constructor(
    private readonly work: string,
    private readonly progress: (line: string) => void,
  ) {}

  /** Starts a fresh Baton with `env` over the benchmark's own, runs `use` with its API, and stops it. */
  async with<T>(env: Record<string, string>, use: (api: BatonApi, baton: BatonProcess) => Promise<T>): Promise<T> {
    this.count += 1;
    const dir = path.join(this.work, `baton-${this.count}`);
    fs.mkdirSync(dir, { recursive: true });
    const log = path.join(dir, 'baton.log');
    const token = `bench-admin-${randomBytes(16).toString('hex')}`;
    const baton = await BatonProcess.start(
      {
        BATON_DATA_DIR: path.join(dir, 'data'),
        BATON_ADMIN_TOKEN: token,
        BATON_PLUGIN_MEMORY_SAMPLE_MS: String(MEMORY_SAMPLE_MS),
        BATON_SHUTDOWN_DELAY_SECONDS: '0',
        ...env,
      },
      log,
    );
    this.progress(`Baton ${baton.pid} listens at ${baton.url}; its log: ${log}`);
    try {
      return await use(new BatonApi(baton.url, token), baton);
    } finally {
      await baton.stop();
    }
  }
}
