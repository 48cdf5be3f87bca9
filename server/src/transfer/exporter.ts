import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Knex } from 'knex';
import type { Database } from '../db/database';
import { appliedMigrations } from './applied-migrations';
import { exportHeader, type ExportLine } from './export-format';
import { describeTables, type TableShape } from './table-catalog';
import { TRANSFER_TABLES } from './transfer-tables';

const PAGE_ROWS = 500;

export interface TransferSummary {
  tables: number;
  rows: number;
}

/**
 * Writes the whole database as JSON Lines: a header, then every row of every table in foreign-key
 * order. One read-only snapshot, so that rows written meanwhile by a running server cannot leave
 * a revision without its package; pages by primary key, so memory stays flat however large.
 */
export async function exportDatabase(db: Database, out: Writable): Promise<TransferSummary> {
  const summary = await db.knex.transaction(
    async (trx) => {
      // Times come out as UTC text with microseconds: exact, and the same from every database.
      await trx.raw("SET LOCAL TIME ZONE 'UTC'");
      await writeLine(out, exportHeader(await appliedMigrations(trx), new Date()));
      const tables = await describeTables(trx, TRANSFER_TABLES);
      let rows = 0;
      for (const table of tables) rows += await exportTable(trx, table, out);
      return { tables: tables.length, rows };
    },
    { isolationLevel: 'repeatable read', readOnly: true },
  );
  await new Promise<void>((resolve, reject) => out.write('', (error) => (error ? reject(error) : resolve())));
  return summary;
}

async function exportTable(trx: Knex.Transaction, table: TableShape, out: Writable): Promise<number> {
  let after: unknown[] | null = null;
  let count = 0;
  for (;;) {
    const page = await readPage(trx, table, after);
    for (const row of page) await writeLine(out, { table: table.name, row } satisfies ExportLine);
    count += page.length;
    const last = page[page.length - 1];
    if (page.length < PAGE_ROWS || last === undefined) return count;
    after = table.primaryKey.map((column) => last[column]);
  }
}

/** The next page of rows after the given key, each as the database renders it with to_jsonb. */
async function readPage(trx: Knex.Transaction, table: TableShape, after: unknown[] | null): Promise<Record<string, unknown>[]> {
  const keys = table.primaryKey.map(() => '??').join(', ');
  const where = after === null ? '' : `WHERE (${keys}) > (${after.map(() => '?').join(', ')})`;
  const bindings = [table.name, ...(after === null ? [] : [...table.primaryKey, ...after]), ...table.primaryKey];
  const result = await trx.raw<{ rows: { row: Record<string, unknown> }[] }>(
    `SELECT to_jsonb(t) AS row FROM ?? AS t ${where} ORDER BY ${keys} LIMIT ${PAGE_ROWS}`,
    bindings as Knex.RawBinding[],
  );
  return result.rows.map((r) => r.row);
}

async function writeLine(out: Writable, value: unknown): Promise<void> {
  if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
}
