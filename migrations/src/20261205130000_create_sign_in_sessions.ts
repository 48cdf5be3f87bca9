import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sign_in_sessions', (t) => {
    t.uuid('id').primary({ constraintName: 'sign_in_sessions_pkey' });
    t.text('secret_hash').notNullable().unique({ indexName: 'sign_in_sessions_secret_hash_unique' });
    t.uuid('token_id').notNullable().references('id').inTable('api_tokens').onDelete('CASCADE').withKeyName('sign_in_sessions_token_fkey');
    t.text('role').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.check("role IN ('viewer', 'operator', 'admin')", [], 'sign_in_sessions_role_check');
  });
  await knex.raw('CREATE INDEX sign_in_sessions_token_idx ON sign_in_sessions (token_id)');
  await knex.raw('CREATE INDEX sign_in_sessions_expires_idx ON sign_in_sessions (expires_at)');
  await knex.raw(
    "COMMENT ON TABLE sign_in_sessions IS 'Browser sessions made by signing in with an API token; the cookie holds a secret stored here only as its SHA-256 hash. A session keeps the role its token had, ends with its token (deleted, or another role) and at expires_at.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sign_in_sessions');
}
