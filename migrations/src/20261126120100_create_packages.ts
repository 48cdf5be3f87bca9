import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('packages', (t) => {
    t.uuid('id').primary({ constraintName: 'packages_pkey' });
    t.uuid('repository_id').notNullable().references('id').inTable('package_repositories').onDelete('RESTRICT').withKeyName('packages_repository_id_fkey');
    t.text('name').notNullable();
    t.jsonb('configuration').notNullable().defaultTo('[]');
    t.text('fingerprint').notNullable().unique({ indexName: 'packages_fingerprint_unique' });
    t.boolean('auto_update').notNullable().defaultTo(true);
    t.integer('poll_interval_seconds').notNullable().defaultTo(60);
    t.integer('config_version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX packages_repository_name_unique ON packages (repository_id, lower(name))');
  await knex.raw(
    "COMMENT ON TABLE packages IS 'A package inside a repository (e.g. a yum package spec). The fingerprint is a SHA-256 over the plugin id and the identity values of repository and package: one fingerprint, one package.'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('packages');
}
