import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../server/src/db/database';
import { Migrator } from '../../server/src/db/migrator';
import { MIGRATIONS_DIR, TEMPLATE_DIR_VARIABLE } from './databases';

/**
 * Creates and migrates the embedded database once per jest run; every test file copies it
 * (initdb takes seconds, a copy a fraction of one). Each run has its own, so runs can overlap.
 */
export default async function globalSetup(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-template-'));
  const db = await openDatabase({ databaseUrl: null, dataDir: dir });
  try {
    await new Migrator(db, MIGRATIONS_DIR).latest();
  } finally {
    await db.close();
  }
  process.env[TEMPLATE_DIR_VARIABLE] = dir;
}
