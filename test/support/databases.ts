import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../server/src/db/database';
import { Migrator } from '../../server/src/db/migrator';

export type DatabaseKind = 'embedded' | 'postgres';

/** The embedded database always; PostgreSQL too when TEST_DATABASE_URL names one. */
export const DATABASE_KINDS: DatabaseKind[] = process.env['TEST_DATABASE_URL'] ? ['embedded', 'postgres'] : ['embedded'];

/**
 * A suite that needs a PostgreSQL server several processes can share. Without TEST_DATABASE_URL
 * it is reported as skipped, with the reason in its name, so the run still passes and counts it.
 */
export const describeOnPostgres = (name: string, suite: () => void): void => {
  if (process.env['TEST_DATABASE_URL']) describe(name, suite);
  else describe.skip(`${name} (skipped: needs PostgreSQL; set TEST_DATABASE_URL)`, suite);
};

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations', 'dist');
/** The variable through which the global setup tells test files where its template is. */
export const TEMPLATE_DIR_VARIABLE = 'BATON_TEST_TEMPLATE_DATA_DIR';

/** The migrated embedded database that the global setup made for this jest run. */
function templateDataDir(): string {
  const dir = process.env[TEMPLATE_DIR_VARIABLE];
  if (!dir || !fs.existsSync(dir)) throw new Error(`no template database (${TEMPLATE_DIR_VARIABLE}); run the tests through jest's global setup`);
  return dir;
}

/** A fresh database of one kind for one test file, and how to reach it from another process. */
export interface TestDatabase {
  kind: DatabaseKind;
  /** The data directory (embedded) or a scratch directory beside the database (postgres). */
  dataDir: string;
  databaseUrl: string | null;
  /** Opens a connection; for the embedded kind only one may be open at a time. */
  open(): Promise<Database>;
  /** Removes the database and its directory. */
  drop(): Promise<void>;
}

/** The data folder and the job folders beside it (the default `BATON_WORK_DIR`). */
export function removeDataDir(dataDir: string): void {
  for (const folder of [dataDir, `${dataDir}-work`]) fs.rmSync(folder, { recursive: true, force: true });
}

/** Copies the migrated template (embedded) or creates and migrates a new database (postgres). */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-test-'));
  if (kind === 'embedded') {
    fs.cpSync(templateDataDir(), dataDir, { recursive: true });
    return {
      kind,
      dataDir,
      databaseUrl: null,
      open: () => openDatabase({ databaseUrl: null, dataDir }),
      drop: async () => removeDataDir(dataDir),
    };
  }
  const { url, drop } = await createPostgresDatabase();
  const db = await openDatabase({ databaseUrl: url, dataDir });
  await new Migrator(db, MIGRATIONS_DIR).latest();
  await db.close();
  return {
    kind,
    dataDir,
    databaseUrl: url,
    open: () => openDatabase({ databaseUrl: url, dataDir }),
    drop: async () => {
      await drop();
      removeDataDir(dataDir);
    },
  };
}

/** A new, empty database on the TEST_DATABASE_URL server, dropped by `drop`. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env['TEST_DATABASE_URL'];
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `baton_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(base, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () => withAdminClient(base, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdminClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
