import type { Knex } from 'knex';

/**
 * Runs belong to a pipeline by id, not only by name: deleting a pipeline keeps its row (a deleted
 * generation) with its runs, and its name is free for a new pipeline whose runs are its own.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('pipelines', (t) => {
    t.uuid('id');
    t.timestamp('deleted_at', { useTz: true });
    t.text('deleted_by');
  });
  await knex.raw('UPDATE pipelines SET id = gen_random_uuid()');
  await knex.raw('ALTER TABLE pipelines ALTER COLUMN id SET NOT NULL');
  await knex.raw('ALTER TABLE pipelines ALTER COLUMN id SET DEFAULT gen_random_uuid()');
  await knex.raw('ALTER TABLE pipelines DROP CONSTRAINT pipelines_pkey');
  await knex.raw('ALTER TABLE pipelines ADD CONSTRAINT pipelines_pkey PRIMARY KEY (id)');
  // A name belongs to the live pipeline only: a deleted one has given it up.
  await knex.raw('DROP INDEX pipelines_name_unique');
  await knex.raw('CREATE UNIQUE INDEX pipelines_name_unique ON pipelines (lower(name)) WHERE deleted_at IS NULL');
  await knex.raw('CREATE INDEX pipelines_name_idx ON pipelines (name)');

  await knex.schema.alterTable('pipeline_runs', (t) => t.uuid('pipeline_id'));
  // Runs older than the live pipeline of their name were left by an earlier one, deleted since.
  await knex.raw('UPDATE pipeline_runs r SET pipeline_id = p.id FROM pipelines p WHERE p.name = r.pipeline_name AND r.created_at >= p.created_at');
  await knex.raw(`
    INSERT INTO pipelines (id, name, definition, source, config_version, last_counter, created_at, updated_at, deleted_at, deleted_by)
    SELECT gen_random_uuid(), r.pipeline_name,
           (SELECT n.definition FROM pipeline_runs n WHERE n.pipeline_name = r.pipeline_name AND n.pipeline_id IS NULL ORDER BY n.counter DESC LIMIT 1),
           'api', 1, max(r.counter), min(r.created_at), max(r.created_at),
           coalesce(d.occurred_at, max(coalesce(r.completed_at, r.created_at))), d.actor
      FROM pipeline_runs r
      LEFT JOIN LATERAL (
        SELECT a.occurred_at, a.actor FROM audit_log a
         WHERE a.resource_type = 'pipeline' AND a.action = 'pipeline.delete' AND a.resource_id = r.pipeline_name
         ORDER BY a.occurred_at DESC LIMIT 1
      ) d ON true
     WHERE r.pipeline_id IS NULL
     GROUP BY r.pipeline_name, d.occurred_at, d.actor`);
  await knex.raw(
    'UPDATE pipeline_runs r SET pipeline_id = p.id FROM pipelines p WHERE r.pipeline_id IS NULL AND p.name = r.pipeline_name AND p.deleted_at IS NOT NULL',
  );
  await knex.raw('ALTER TABLE pipeline_runs ALTER COLUMN pipeline_id SET NOT NULL');
  await knex.raw(
    'ALTER TABLE pipeline_runs ADD CONSTRAINT pipeline_runs_pipeline_id_fkey FOREIGN KEY (pipeline_id) REFERENCES pipelines (id) ON DELETE RESTRICT',
  );
  // A cause or idempotency key makes one run per pipeline, not per name: a new pipeline may run
  // for a revision its deleted namesake ran for.
  await knex.raw('DROP INDEX pipeline_runs_cause_unique');
  await knex.raw('CREATE UNIQUE INDEX pipeline_runs_cause_unique ON pipeline_runs (pipeline_id, cause_key) WHERE cause_key IS NOT NULL');
  await knex.raw('DROP INDEX pipeline_runs_idempotency_unique');
  await knex.raw('CREATE UNIQUE INDEX pipeline_runs_idempotency_unique ON pipeline_runs (pipeline_id, idempotency_key) WHERE idempotency_key IS NOT NULL');
  await knex.raw('CREATE INDEX pipeline_runs_pipeline_idx ON pipeline_runs (pipeline_id, counter)');

  await knex.raw(
    "COMMENT ON COLUMN pipelines.deleted_at IS 'When the pipeline was deleted while it had runs: it is kept with them, read-only, and its name is free for a new pipeline. Null: the live pipeline of its name.'",
  );
  await knex.raw(
    "COMMENT ON COLUMN pipelines.deleted_by IS 'Who deleted it: a user, or config-file:<file> for a pipeline removed from its file. Null when unknown.'",
  );
  await knex.raw(
    "COMMENT ON COLUMN pipeline_runs.pipeline_id IS 'The pipeline (one generation of its name) the run belongs to. Counters go on across generations of a name, so (pipeline_name, counter) names one run.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX pipeline_runs_pipeline_idx');
  await knex.raw('DROP INDEX pipeline_runs_idempotency_unique');
  await knex.raw('CREATE UNIQUE INDEX pipeline_runs_idempotency_unique ON pipeline_runs (pipeline_name, idempotency_key) WHERE idempotency_key IS NOT NULL');
  await knex.raw('DROP INDEX pipeline_runs_cause_unique');
  await knex.raw('CREATE UNIQUE INDEX pipeline_runs_cause_unique ON pipeline_runs (pipeline_name, cause_key) WHERE cause_key IS NOT NULL');
  await knex.schema.alterTable('pipeline_runs', (t) => t.dropColumn('pipeline_id'));
  await knex.raw('DELETE FROM pipelines WHERE deleted_at IS NOT NULL');
  await knex.raw('DROP INDEX pipelines_name_idx');
  await knex.raw('DROP INDEX pipelines_name_unique');
  await knex.raw('CREATE UNIQUE INDEX pipelines_name_unique ON pipelines (lower(name))');
  await knex.raw('ALTER TABLE pipelines DROP CONSTRAINT pipelines_pkey');
  await knex.raw('ALTER TABLE pipelines ADD CONSTRAINT pipelines_pkey PRIMARY KEY (name)');
  await knex.schema.alterTable('pipelines', (t) => {
    t.dropColumn('deleted_by');
    t.dropColumn('deleted_at');
    t.dropColumn('id');
  });
}
