import type { Knex } from 'knex';
import { TransferError } from './transfer-error';

/** What moving a table's rows needs to know about it, read from the database's own catalog. */
export interface TableShape {
  name: string;
  /** Columns that take a value on insert (generated columns excluded), in table order. */
  columns: string[];
  /** The primary key's columns, in key order: export pages by them. */
  primaryKey: string[];
  /** Columns fed by a sequence, which an import moves past the highest id. */
  serialColumns: string[];
}

interface ColumnInfo {
  name: string;
  generated: boolean;
  serial: boolean;
  key_position: number;
}

/** The shapes of those of the named tables that exist, in the given order. */
export async function describeTables(knex: Knex, names: readonly string[]): Promise<TableShape[]> {
  const shapes: TableShape[] = [];
  for (const name of names) {
    const shape = await describeTable(knex, name);
    if (shape !== null) shapes.push(shape);
  }
  return shapes;
}

async function describeTable(knex: Knex, name: string): Promise<TableShape | null> {
  const result = await knex.raw<{ rows: ColumnInfo[] }>(
    `SELECT a.attname AS name,
            a.attgenerated <> '' AS generated,
            pg_get_serial_sequence(quote_ident(?), a.attname) IS NOT NULL AS serial,
            -- indkey counts from 0; 0 here means the column is not part of the key
            COALESCE(array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) + 1, 0) AS key_position
       FROM pg_attribute a
       LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
      WHERE a.attrelid = to_regclass(quote_ident(?)) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [name, name],
  );
  const columns = result.rows;
  if (columns.length === 0) return null;
  const primaryKey = columns
    .filter((c) => c.key_position > 0)
    .sort((a, b) => a.key_position - b.key_position)
    .map((c) => c.name);
  // Paging needs a stable order; every Baton table has a primary key.
  if (primaryKey.length === 0) throw new TransferError(`the table ${name} has no primary key, so it cannot be read page by page`);
  return {
    name,
    columns: columns.filter((c) => !c.generated).map((c) => c.name),
    primaryKey,
    serialColumns: columns.filter((c) => c.serial).map((c) => c.name),
  };
}
