import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_runs', (t) => {
    t.uuid('id').primary({ constraintName: 'job_runs_pkey' });
    t.uuid('stage_run_id').notNullable().references('id').inTable('stage_runs').onDelete('CASCADE').withKeyName('job_runs_stage_run_id_fkey');
    t.text('job_name').notNullable();
    t.text('state').notNullable().defaultTo('scheduled');
    t.text('lease_owner');
    t.timestamp('lease_expires_at', { useTz: true });
    t.text('result');
    t.timestamp('scheduled_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('started_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.unique(['stage_run_id', 'job_name'], { indexName: 'job_runs_name_unique' });
    t.check("state IN ('scheduled', 'running', 'passed', 'failed', 'cancelled')", [], 'job_runs_state_check');
  });
  await knex.raw("CREATE INDEX job_runs_active_idx ON job_runs (state, scheduled_at) WHERE state IN ('scheduled', 'running')");
  await knex.raw(
    "COMMENT ON TABLE job_runs IS 'A job of a stage run. A running job holds a heartbeat lease (owner, expiry by the database clock); an expired lease means its process died.'",
  );
  await knex.schema.createTable('job_console', (t) => {
    t.uuid('job_run_id').notNullable().references('id').inTable('job_runs').onDelete('CASCADE').withKeyName('job_console_job_run_id_fkey');
    t.integer('seq').notNullable();
    t.text('content').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['job_run_id', 'seq'], { constraintName: 'job_console_pkey' });
  });
  await knex.raw("COMMENT ON TABLE job_console IS 'A job''s console log in pieces, secure values already masked; read by any process, followed live.'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_console');
  await knex.schema.dropTable('job_runs');
}
