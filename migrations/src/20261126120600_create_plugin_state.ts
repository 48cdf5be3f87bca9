import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('plugin_state', (t) => {
    t.uuid('repository_id').notNullable().references('id').inTable('package_repositories').onDelete('CASCADE').withKeyName('plugin_state_repository_id_fkey');
    t.text('key').notNullable();
    t.text('value').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['repository_id', 'key'], { constraintName: 'plugin_state_pkey' });
  });
  await knex.raw("COMMENT ON TABLE plugin_state IS 'The small key/value store a plugin keeps per repository: ETags, last-seen checksums, cached answers.'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('plugin_state');
}
