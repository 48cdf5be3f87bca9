import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { TRANSFER_TABLES } from '../server/src/transfer/transfer-tables';
import { PROJECT_ROOT, type TestDatabase } from './support/databases';

const CLI = path.join(PROJECT_ROOT, 'server', 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  stderr: string;
}

/** Runs `baton export|import` as a real OS process from the built files, with only these variables. */
export function runBatonCli(command: 'export' | 'import', env: Record<string, string>, io: { stdin?: string; stdout?: string }): Promise<CliRun> {
  const stdin = io.stdin ? fs.openSync(io.stdin, 'r') : 'ignore';
  const stdout = io.stdout ? fs.openSync(io.stdout, 'w') : 'ignore';
  const child = spawn(process.execPath, [CLI, command], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: [stdin, stdout, 'pipe'],
  });
  for (const fd of [stdin, stdout]) if (typeof fd === 'number') fs.closeSync(fd);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

/** The variables that point the CLI at a test database, with a secret key. */
export function envFor(database: TestDatabase, secretKey: string): Record<string, string> {
  return {
    BATON_DATA_DIR: database.dataDir,
    BATON_SECRET_KEY: secretKey,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
  };
}

/** A new file name in a folder of its own. */
export function scratchFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-transfer-')), name);
}

export interface ExportFile {
  header: { format: string; version: number; schema: string[]; exported_at: string };
  lines: { table: string; row: Record<string, unknown> }[];
}

export function readExport(file: string): ExportFile {
  const [header, ...lines] = fs
    .readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
  return { header, lines };
}

/** How many rows each exported table holds. */
export async function rowCounts(database: TestDatabase): Promise<Record<string, number>> {
  const db = await database.open();
  try {
    const counts: Record<string, number> = {};
    for (const table of TRANSFER_TABLES) {
      if (await db.knex.schema.hasTable(table)) counts[table] = Number((await db.knex(table).count('* as n').first())!['n']);
    }
    return counts;
  } finally {
    await db.close();
  }
}
