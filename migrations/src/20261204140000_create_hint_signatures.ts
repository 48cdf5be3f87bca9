import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('hint_signatures', (t) => {
    t.uuid('repository_id').notNullable().references('id').inTable('package_repositories').onDelete('CASCADE').withKeyName('hint_signatures_repository_fkey');
    t.text('signature').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['repository_id', 'signature'], { constraintName: 'hint_signatures_pkey' });
  });
  await knex.raw('CREATE INDEX hint_signatures_expires_idx ON hint_signatures (expires_at)');
  await knex.raw(
    "COMMENT ON TABLE hint_signatures IS 'Signatures of refresh hints accepted recently, so that a hint replayed to any process sharing the database is refused. A row is kept until its hint''s timestamp is too old to be accepted anyway, then pruned.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('hint_signatures');
}
