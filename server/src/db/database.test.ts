import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from './database';

describe('the database opened for the server', () => {
  it("sends knex's own warnings and errors to the log it is given, not to the console", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-knex-log-'));
    const written: string[] = [];
    const db = await openDatabase({
      databaseUrl: null,
      dataDir: dir,
      log: { warn: (m) => written.push(`warn ${m}`), error: (m) => written.push(`error ${m}`) },
    });
    try {
      const logger = (db.knex.client as { logger: { warn(m: string): void; error(m: string): void } }).logger;
      logger.warn('a connection could not be had');
      logger.error('the pool is gone');

      expect(written).toEqual(['warn a connection could not be had', 'error the pool is gone']);
    } finally {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
