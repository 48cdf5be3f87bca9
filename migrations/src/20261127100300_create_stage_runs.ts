import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('stage_runs', (t) => {
    t.uuid('id').primary({ constraintName: 'stage_runs_pkey' });
    t.uuid('run_id').notNullable().references('id').inTable('pipeline_runs').onDelete('CASCADE').withKeyName('stage_runs_run_id_fkey');
    t.text('stage_name').notNullable();
    t.integer('stage_index').notNullable();
    t.integer('counter').notNullable();
    t.text('state').notNullable();
    t.text('approval_type').notNullable();
    t.text('approved_by');
    t.timestamp('approved_at', { useTz: true });
    t.text('cancelled_by');
    t.timestamp('scheduled_at', { useTz: true });
    t.timestamp('started_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['run_id', 'stage_name', 'counter'], { indexName: 'stage_runs_counter_unique' });
    t.check("state IN ('not_run', 'scheduled', 'running', 'awaiting_approval', 'passed', 'failed', 'cancelled')", [], 'stage_runs_state_check');
    t.check("approval_type IN ('success', 'manual')", [], 'stage_runs_approval_type_check');
  });
  await knex.raw("COMMENT ON TABLE stage_runs IS 'A stage of a run — a promotion level — and each of its attempts (counter).'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('stage_runs');
}
