import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('server_meta', (t) => {
    t.text('key').primary({ constraintName: 'server_meta_pkey' });
    t.text('value').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("COMMENT ON TABLE server_meta IS 'Facts about the installation itself, such as the value that proves a process holds the right secret key.'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('server_meta');
}
