import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('pipeline_runs', (t) => {
    t.uuid('id').primary({ constraintName: 'pipeline_runs_pkey' });
    t.text('pipeline_name').notNullable();
    t.integer('counter').notNullable();
    t.text('label').notNullable();
    t.jsonb('definition').notNullable();
    t.jsonb('build_cause').notNullable();
    t.jsonb('environment_overrides').notNullable().defaultTo('{}');
    t.text('cause_key');
    t.text('idempotency_key');
    t.text('trigger_kind').notNullable();
    t.text('triggered_by').notNullable();
    t.text('status').notNullable().defaultTo('active');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true });
    t.unique(['pipeline_name', 'counter'], { indexName: 'pipeline_runs_counter_unique' });
    t.check("status IN ('waiting', 'active', 'completed')", [], 'pipeline_runs_status_check');
    t.check("trigger_kind IN ('revision', 'upstream', 'timer', 'manual')", [], 'pipeline_runs_trigger_kind_check');
  });
  // One run per cause, whatever races, restarts or several processes do.
  await knex.raw('CREATE UNIQUE INDEX pipeline_runs_cause_unique ON pipeline_runs (pipeline_name, cause_key) WHERE cause_key IS NOT NULL');
  await knex.raw('CREATE UNIQUE INDEX pipeline_runs_idempotency_unique ON pipeline_runs (pipeline_name, idempotency_key) WHERE idempotency_key IS NOT NULL');
  await knex.raw('CREATE INDEX pipeline_runs_status_idx ON pipeline_runs (pipeline_name, status)');
  await knex.raw(
    "COMMENT ON TABLE pipeline_runs IS 'One instance of a pipeline: its counter and label, the definition it runs with, and its build cause — the exact revision of every material. cause_key makes an automatic trigger create at most one run.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('pipeline_runs');
}
