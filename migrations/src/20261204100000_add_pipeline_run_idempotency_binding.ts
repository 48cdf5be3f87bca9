import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('pipeline_runs', (t) => {
    t.text('idempotency_token_id');
    t.text('idempotency_body_sha256');
  });
  await knex.raw(
    "COMMENT ON COLUMN pipeline_runs.idempotency_token_id IS 'The token whose manual trigger sent idempotency_key: the key answers this run only to that token. Null on runs made before the key was bound, which no repeat answers.'",
  );
  await knex.raw(
    "COMMENT ON COLUMN pipeline_runs.idempotency_body_sha256 IS 'SHA-256 (hex) of the trigger body as canonical JSON (object keys sorted at every level): a repeat of idempotency_key with another body is refused.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('pipeline_runs', (t) => {
    t.dropColumn('idempotency_body_sha256');
    t.dropColumn('idempotency_token_id');
  });
}
