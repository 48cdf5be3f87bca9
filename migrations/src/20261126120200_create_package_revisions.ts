import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('package_revisions', (t) => {
    t.bigIncrements('id', { primaryKey: false });
    t.primary(['id'], { constraintName: 'package_revisions_pkey' });
    t.uuid('package_id').notNullable().references('id').inTable('packages').onDelete('CASCADE').withKeyName('package_revisions_package_id_fkey');
    t.text('revision').notNullable();
    t.timestamp('timestamp', { useTz: true }).notNullable();
    t.text('user');
    t.text('comment');
    t.text('trackback_url');
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('detected_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['package_id', 'revision'], { indexName: 'package_revisions_package_revision_unique' });
    t.index(['package_id', 'id'], 'package_revisions_package_history_idx');
  });
  await knex.raw(
    "COMMENT ON TABLE package_revisions IS 'Every version a plugin reported for a package, kept for good: the history that promotion decisions refer to.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('package_revisions');
}
