import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('run_package_revisions', (t) => {
    t.uuid('run_id').notNullable().references('id').inTable('pipeline_runs').onDelete('CASCADE').withKeyName('run_package_revisions_run_id_fkey');
    t.uuid('package_id').notNullable();
    t.bigInteger('revision_id').notNullable();
    t.text('material_name');
    t.primary(['run_id', 'package_id'], { constraintName: 'run_package_revisions_pkey' });
    t.index(['revision_id'], 'run_package_revisions_revision_idx');
  });
  await knex.raw(
    "COMMENT ON TABLE run_package_revisions IS 'Every package revision a run carries, directly or through its upstream runs: the promotion record is read from here. material_name is set for the pipeline''s own package materials.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('run_package_revisions');
}
