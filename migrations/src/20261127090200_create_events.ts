import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('events', (t) => {
    t.bigIncrements('id', { primaryKey: false });
    t.primary(['id'], { constraintName: 'events_pkey' });
    t.text('type').notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.jsonb('data').notNullable().defaultTo('{}');
    t.index(['occurred_at'], 'events_occurred_at_idx');
  });
  await knex.raw(
    "COMMENT ON TABLE events IS 'Domain events, written in the transaction of the change (outbox). Ids become visible in increasing order: writers take an advisory lock before inserting, so a reader that has seen id N never later meets a lower one.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('events');
}
