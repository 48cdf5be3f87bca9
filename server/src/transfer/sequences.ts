import type { Knex } from 'knex';
import type { TableShape } from './table-catalog';

/** Moves each id sequence of a table just past its highest id, so that new rows do not collide. */
export async function resetSequences(knex: Knex, table: TableShape): Promise<void> {
  for (const column of table.serialColumns) {
    await knex.raw('SELECT setval(pg_get_serial_sequence(quote_ident(?), ?), COALESCE((SELECT max(??) FROM ??), 0) + 1, false)', [
      table.name,
      column,
      column,
      table.name,
    ]);
  }
}
