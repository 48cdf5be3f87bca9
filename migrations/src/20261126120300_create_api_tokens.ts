import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_tokens', (t) => {
    t.uuid('id').primary({ constraintName: 'api_tokens_pkey' });
    t.text('name').notNullable();
    t.text('role').notNullable();
    t.text('token_hash').notNullable().unique({ indexName: 'api_tokens_token_hash_unique' });
    t.text('created_by');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true });
    t.check("role IN ('viewer', 'operator', 'admin')", [], 'api_tokens_role_check');
  });
  await knex.raw('CREATE UNIQUE INDEX api_tokens_name_unique ON api_tokens (lower(name))');
  await knex.raw("COMMENT ON TABLE api_tokens IS 'API tokens, stored as SHA-256 hashes; a token''s name is the user name of whoever holds it.'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_tokens');
}
