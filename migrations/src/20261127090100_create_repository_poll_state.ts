import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('repository_poll_state', (t) => {
    t.uuid('repository_id')
      .primary({ constraintName: 'repository_poll_state_pkey' })
      .references('id')
      .inTable('package_repositories')
      .onDelete('CASCADE')
      .withKeyName('repository_poll_state_repository_id_fkey');
    t.text('lease_owner');
    t.timestamp('lease_expires_at', { useTz: true });
    t.timestamp('poll_requested_at', { useTz: true });
    t.timestamp('last_polled_at', { useTz: true });
    t.text('hook_secret');
  });
  await knex.raw('INSERT INTO repository_poll_state (repository_id) SELECT id FROM package_repositories');
  await knex.raw(
    "COMMENT ON TABLE repository_poll_state IS 'Poll work is claimed per repository: the lease says which process polls it until when (database clock); a refresh hint asks for a poll of all its packages. The hook secret is stored encrypted.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('repository_poll_state');
}
