import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  for (const table of ['package_repositories', 'packages']) {
    await knex.schema.alterTable(table, (t) => {
      t.jsonb('configuration_errors').notNullable().defaultTo('{}');
    });
    await knex.raw(
      `COMMENT ON COLUMN ${table}.configuration_errors IS 'What the plugin objected to when it last validated the stored configuration (at every start, and on every save), by field path.'`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['package_repositories', 'packages']) {
    await knex.schema.alterTable(table, (t) => {
      t.dropColumn('configuration_errors');
    });
  }
}
