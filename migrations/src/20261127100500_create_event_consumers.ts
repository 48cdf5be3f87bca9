import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('event_consumers', (t) => {
    t.text('name').primary({ constraintName: 'event_consumers_pkey' });
    t.bigInteger('cursor').notNullable().defaultTo(0);
    t.text('lease_owner');
    t.timestamp('lease_expires_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    "COMMENT ON TABLE event_consumers IS 'Durable cursors of the server''s own event consumers (the pipeline trigger), so that no event is missed across restarts; the lease lets one process at a time consume.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('event_consumers');
}
