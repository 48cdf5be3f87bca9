import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('package_repositories', (t) => {
    t.uuid('id').primary({ constraintName: 'package_repositories_pkey' });
    t.text('name').notNullable();
    t.text('plugin_id').notNullable();
    t.jsonb('configuration').notNullable().defaultTo('[]');
    t.integer('config_version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['plugin_id'], 'package_repositories_plugin_id_idx');
  });
  await knex.raw('CREATE UNIQUE INDEX package_repositories_name_unique ON package_repositories (lower(name))');
  await knex.raw(
    "COMMENT ON TABLE package_repositories IS 'A named configuration of one plugin: where packages are published (e.g. a yum base URL and its credentials). Secure values are stored encrypted.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('package_repositories');
}
