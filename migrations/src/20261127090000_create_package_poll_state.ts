import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('package_poll_state', (t) => {
    t.uuid('package_id')
      .primary({ constraintName: 'package_poll_state_pkey' })
      .references('id')
      .inTable('packages')
      .onDelete('CASCADE')
      .withKeyName('package_poll_state_package_id_fkey');
    t.text('status').notNullable().defaultTo('pending');
    t.timestamp('schedule_anchor', { useTz: true });
    t.timestamp('next_poll_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('poll_requested_at', { useTz: true });
    t.timestamp('last_polled_at', { useTz: true });
    t.text('last_outcome');
    t.text('last_error');
    t.text('error_kind');
    t.text('error_code');
    t.integer('consecutive_failures').notNullable().defaultTo(0);
    t.jsonb('warnings').notNullable().defaultTo('[]');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("status IN ('pending', 'ok', 'failing')", [], 'package_poll_state_status_check');
    t.index(['next_poll_at'], 'package_poll_state_next_poll_idx');
  });
  await knex.raw(`
    INSERT INTO package_poll_state (package_id)
    SELECT id FROM packages
  `);
  await knex.raw(
    "COMMENT ON TABLE package_poll_state IS 'When each package is polled next and how its last poll went. Kept apart from packages so that polling never changes a package''s configuration version.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('package_poll_state');
}
