import type { Knex } from 'knex';

// A plugin keeps large values (a whole packument's versions, hundreds of KB) and writes them
// again whenever they change: compressing each one on the way in doubled the write's time on
// the embedded database, which does it on the server's one thread. Large values are stored
// out of line and uncompressed instead; small ones are never compressed anyway.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE plugin_state ALTER COLUMN value SET STORAGE EXTERNAL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE plugin_state ALTER COLUMN value SET STORAGE EXTENDED');
}
