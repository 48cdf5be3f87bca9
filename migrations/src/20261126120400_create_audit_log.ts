import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id', { primaryKey: false });
    t.primary(['id'], { constraintName: 'audit_log_pkey' });
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('actor').notNullable();
    t.text('action').notNullable();
    t.text('resource_type').notNullable();
    t.text('resource_id');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.index(['resource_type', 'resource_id'], 'audit_log_resource_idx');
  });
  await knex.raw("COMMENT ON TABLE audit_log IS 'Every change made through the API, with who made it. Never holds secret values.'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
}
