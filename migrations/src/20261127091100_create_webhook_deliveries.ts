import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.bigIncrements('id', { primaryKey: false });
    t.primary(['id'], { constraintName: 'webhook_deliveries_pkey' });
    t.uuid('webhook_id').notNullable().references('id').inTable('webhooks').onDelete('CASCADE').withKeyName('webhook_deliveries_webhook_id_fkey');
    // No foreign key to events: both are pruned by age, and an attempt stays readable on its own.
    t.bigInteger('event_id').notNullable();
    t.text('event_type').notNullable();
    t.integer('attempt').notNullable();
    t.text('status').notNullable();
    t.integer('response_status');
    t.text('error');
    t.integer('duration_ms').notNullable();
    t.timestamp('attempted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("status IN ('delivered', 'failed')", [], 'webhook_deliveries_status_check');
    t.check('attempt >= 1', [], 'webhook_deliveries_attempt_check');
    t.index(['webhook_id', 'id'], 'webhook_deliveries_webhook_id_idx');
    t.index(['attempted_at'], 'webhook_deliveries_attempted_at_idx');
  });
  await knex.raw(
    "COMMENT ON TABLE webhook_deliveries IS 'Every attempt to deliver one event to one webhook, delivered or failed, with the receiver''s status or the error. Pruned with the events after the retention period.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_deliveries');
}
