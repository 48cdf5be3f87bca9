import type { Knex } from 'knex';

// Claiming looks for poll requests at every claim; these indexes hold only the rows that have
// one, so that finding them does not read every package's and repository's poll state.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX package_poll_state_requested_idx ON package_poll_state (package_id) WHERE poll_requested_at IS NOT NULL');
  await knex.raw('CREATE INDEX repository_poll_state_requested_idx ON repository_poll_state (repository_id) WHERE poll_requested_at IS NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX repository_poll_state_requested_idx');
  await knex.raw('DROP INDEX package_poll_state_requested_idx');
}
