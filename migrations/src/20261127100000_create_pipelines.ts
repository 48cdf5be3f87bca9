import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('pipelines', (t) => {
    t.text('name').primary({ constraintName: 'pipelines_pkey' });
    t.jsonb('definition').notNullable();
    t.text('source').notNullable().defaultTo('api');
    t.text('source_file');
    t.integer('config_version').notNullable().defaultTo(1);
    t.integer('last_counter').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("source IN ('api', 'file')", [], 'pipelines_source_check');
  });
  await knex.raw('CREATE UNIQUE INDEX pipelines_name_unique ON pipelines (lower(name))');
  await knex.raw(
    "COMMENT ON TABLE pipelines IS 'Pipeline definitions, from the API or from YAML files in the configuration folder (source_file). last_counter numbers the runs.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('pipelines');
}
