import type { Knex } from 'knex';
import { TransferError } from './transfer-error';

// Where the migrator records what it applied.
const MIGRATIONS_TABLE = 'baton_migrations';

/** The names of the migrations applied to a database, oldest first. */
export async function appliedMigrations(knex: Knex): Promise<string[]> {
  const present = await knex.raw<{ rows: { present: boolean }[] }>('SELECT to_regclass(?) IS NOT NULL AS present', [MIGRATIONS_TABLE]);
  if (!present.rows[0]?.present) throw new TransferError('the database has no Baton schema: no migration was ever applied to it');
  const rows = await knex(MIGRATIONS_TABLE).orderBy('id').select<{ name: string }[]>('name');
  return rows.map((row) => row.name);
}
