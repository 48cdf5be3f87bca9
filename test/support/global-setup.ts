import fs from 'node:fs';
import { openDatabase } from '../../server/src/db/database';
import { Migrator } from '../../server/src/db/migrator';
import { MIGRATIONS_DIR, TEMPLATE_DATA_DIR } from './databases';

/** Creates and migrates the embedded database once; every test file copies it. */
export default async function globalSetup(): Promise<void> {
  fs.rmSync(TEMPLATE_DATA_DIR, { recursive: true, force: true });
  const db = await openDatabase({ databaseUrl: null, dataDir: TEMPLATE_DATA_DIR });
  try {
    await new Migrator(db, MIGRATIONS_DIR).latest();
  } finally {
    await db.close();
  }
}
