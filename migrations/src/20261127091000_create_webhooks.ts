import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhooks', (t) => {
    t.uuid('id').primary({ constraintName: 'webhooks_pkey' });
    t.text('url').notNullable();
    t.jsonb('event_types').notNullable().defaultTo('[]');
    t.text('secret').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.integer('config_version').notNullable().defaultTo(1);
    t.text('delivery_status').notNullable().defaultTo('ok');
    t.bigInteger('cursor').notNullable().defaultTo(0);
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('failing_since', { useTz: true });
    t.text('last_error');
    t.text('lease_owner');
    t.timestamp('lease_expires_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("delivery_status IN ('ok', 'failing')", [], 'webhooks_delivery_status_check');
    t.check('cursor >= 0', [], 'webhooks_cursor_check');
  });
  await knex.raw("CREATE INDEX webhooks_due_idx ON webhooks (next_attempt_at) WHERE enabled AND delivery_status = 'ok'");
  await knex.raw(
    "COMMENT ON TABLE webhooks IS 'Outbound webhooks: where events are POSTed (secret stored encrypted), and each one''s durable cursor (last event id handled). Deliveries are claimed with a lease (owner, expiry by the database clock) so that one process at a time delivers for a webhook.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhooks');
}
