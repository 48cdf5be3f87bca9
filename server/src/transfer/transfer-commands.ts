import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { loadSettings, type Settings } from '../config/settings';
import { openDatabase, type Database } from '../db/database';
import { Migrator } from '../db/migrator';
import { SecretBox } from '../security/secret-box';
import { resolveSecretKey } from '../security/secret-key';
import { appliedMigrations } from './applied-migrations';
import type { ExportHeader } from './export-format';
import { ExportReader } from './export-reader';
import { exportDatabase } from './exporter';
import { importDatabase } from './importer';
import { TransferError } from './transfer-error';

type Say = (message: string) => void;

const say: Say = (message) => void process.stderr.write(`${message}\n`);

/** `baton export > file`: the database the settings name, as JSON Lines on standard output. */
export async function exportCommand(): Promise<number> {
  return refusalsAsExitCode('export', () => runExport(loadSettings(), process.stdout, say));
}

/** `baton import < file`: an export from standard input into the (empty) database the settings name. */
export async function importCommand(): Promise<number> {
  if (process.stdin.isTTY) {
    say('baton import: reads an export from standard input: baton import < file');
    return 2;
  }
  return refusalsAsExitCode('import', () => runImport(loadSettings(), process.stdin, say));
}

async function refusalsAsExitCode(command: string, work: () => Promise<void>): Promise<number> {
  try {
    await work();
    return 0;
  } catch (error) {
    if (!(error instanceof TransferError)) throw error;
    say(`baton ${command}: refused: ${error.message}`);
    return 1;
  }
}

export async function runExport(settings: Settings, out: Writable, report: Say): Promise<void> {
  if (settings.databaseUrl === null && !fs.existsSync(path.join(settings.dataDir, 'pgdata'))) {
    throw new TransferError(`there is no embedded database in ${settings.dataDir}: set BATON_DATA_DIR, or DATABASE_URL`);
  }
  const db = await open(settings);
  try {
    const summary = await exportDatabase(db, out);
    report(`exported ${summary.rows} rows of ${summary.tables} tables from the ${db.kind} database`);
  } finally {
    await db.close();
  }
}

export async function runImport(settings: Settings, input: Readable, report: Say): Promise<void> {
  const reader = new ExportReader(input);
  try {
    const header = await reader.header();
    requireKey(settings);
    const db = await open(settings);
    try {
      await new Migrator(db, settings.migrationsDir).latest();
      await compareSchemas(db, header, report);
      const box = new SecretBox(resolveSecretKey(settings.secretKey, db, settings.dataDir));
      const summary = await importDatabase(db, reader, box);
      report(`imported ${summary.rows} rows into ${summary.tables} tables of the ${db.kind} database (exported at ${header.exported_at})`);
    } finally {
      await db.close();
    }
  } finally {
    reader.close();
  }
}

/** Opens the database; a locked data directory or an unreachable server is a plain refusal, not a crash. */
async function open(settings: Settings): Promise<Database> {
  try {
    return await openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir });
  } catch (error) {
    throw new TransferError(`the database could not be opened: ${(error as Error).message}`);
  }
}

/** Secure values stay encrypted as exported: the import needs the source's key, never a new one. */
function requireKey(settings: Settings): void {
  if (settings.secretKey !== null || fs.existsSync(path.join(settings.dataDir, 'secret.key'))) return;
  throw new TransferError(
    'set BATON_SECRET_KEY to the secret key of the database the export came from ' +
      '(from the embedded database: BATON_SECRET_KEY=$(cat <its data directory>/secret.key))',
  );
}

async function compareSchemas(db: Database, header: ExportHeader, report: Say): Promise<void> {
  const known = await appliedMigrations(db.knex);
  const unknown = header.schema.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new TransferError(
      `the export comes from a newer Baton: its schema has migrations this server does not know (${unknown.join(', ')}); import it with that version or a later one`,
    );
  }
  const newer = known.filter((name) => !header.schema.includes(name));
  if (newer.length > 0) report(`note: the export predates ${newer.length} migration(s) of this server; columns they added take their defaults`);
}
