import type { Knex } from 'knex';

const KINDS_BEFORE = "('revision', 'upstream', 'timer', 'manual')";
const KINDS_AFTER = "('revision', 'upstream', 'timer', 'manual', 'created')";

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('pipeline_states', (t) => {
    // A pipeline's state is its own: a new pipeline of a deleted one's name starts afresh.
    t.uuid('pipeline_id')
      .primary({ constraintName: 'pipeline_states_pkey' })
      .references('id')
      .inTable('pipelines')
      .onDelete('CASCADE')
      .withKeyName('pipeline_states_pipeline_id_fkey');
    t.text('paused_by');
    t.text('paused_reason');
    t.timestamp('paused_at', { useTz: true });
    t.jsonb('pending_cause');
    t.integer('pending_count').notNullable().defaultTo(0);
    t.timestamp('pending_since', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(
      '(paused_at IS NULL AND paused_by IS NULL AND paused_reason IS NULL) OR (paused_at IS NOT NULL AND paused_by IS NOT NULL AND paused_reason IS NOT NULL)',
      [],
      'pipeline_states_paused_check',
    );
    t.check('(pending_cause IS NULL) = (pending_since IS NULL)', [], 'pipeline_states_pending_check');
  });
  // The causes waiting for a pipeline that is not paused: looked for on every pass of the trigger.
  await knex.raw('CREATE INDEX pipeline_states_releasable_idx ON pipeline_states (pipeline_id) WHERE pending_cause IS NOT NULL AND paused_at IS NULL');
  await knex.raw(
    "COMMENT ON TABLE pipeline_states IS 'What a pipeline is doing, apart from its definition: paused (by whom, why, since when), and the newest cause it has not run for yet (a new pipeline''s first run, or what came while it was paused) with how many causes were withheld.'",
  );
  // Counting the runs that wait for approval, for the pipeline list.
  await knex.raw("CREATE INDEX stage_runs_awaiting_approval_idx ON stage_runs (run_id) WHERE state = 'awaiting_approval'");
  await replaceTriggerKinds(knex, KINDS_AFTER);
}

export async function down(knex: Knex): Promise<void> {
  await knex('pipeline_runs').where({ trigger_kind: 'created' }).update({ trigger_kind: 'revision' });
  await replaceTriggerKinds(knex, KINDS_BEFORE);
  await knex.raw('DROP INDEX stage_runs_awaiting_approval_idx');
  await knex.schema.dropTable('pipeline_states');
}

/** A new pipeline's first run has its own kind of cause: `created`. */
async function replaceTriggerKinds(knex: Knex, kinds: string): Promise<void> {
  await knex.raw('ALTER TABLE pipeline_runs DROP CONSTRAINT pipeline_runs_trigger_kind_check');
  await knex.raw(`ALTER TABLE pipeline_runs ADD CONSTRAINT pipeline_runs_trigger_kind_check CHECK (trigger_kind IN ${kinds})`);
}
