import type { Knex } from 'knex';

/** Foreign keys that used to delete history with its owner: now the owner cannot go while history names it. */
const HISTORY_KEYS = [
  { table: 'package_revisions', column: 'package_id', references: 'packages', name: 'package_revisions_package_id_fkey' },
  { table: 'run_package_revisions', column: 'run_id', references: 'pipeline_runs', name: 'run_package_revisions_run_id_fkey' },
  { table: 'stage_runs', column: 'run_id', references: 'pipeline_runs', name: 'stage_runs_run_id_fkey' },
  { table: 'job_runs', column: 'stage_run_id', references: 'stage_runs', name: 'job_runs_stage_run_id_fkey' },
  { table: 'job_console', column: 'job_run_id', references: 'job_runs', name: 'job_console_job_run_id_fkey' },
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('package_repositories', (t) => t.timestamp('deleted_at', { useTz: true }));
  await knex.schema.alterTable('packages', (t) => t.timestamp('deleted_at', { useTz: true }));
  await knex.raw(
    "COMMENT ON COLUMN package_repositories.deleted_at IS 'When the repository was deleted while its packages had history: it is archived, kept with that history, hidden from lists and no longer polled; its name is free.'",
  );
  await knex.raw(
    "COMMENT ON COLUMN packages.deleted_at IS 'When the package was deleted while it had revisions: it is archived, kept with its revisions and their promotions, hidden from lists and no longer polled; its name and identity are free.'",
  );
  // Names and identities are unique among the live ones only, so an archived one frees them.
  await knex.raw('DROP INDEX package_repositories_name_unique');
  await knex.raw('CREATE UNIQUE INDEX package_repositories_name_unique ON package_repositories (lower(name)) WHERE deleted_at IS NULL');
  await knex.raw('DROP INDEX packages_repository_name_unique');
  await knex.raw('CREATE UNIQUE INDEX packages_repository_name_unique ON packages (repository_id, lower(name)) WHERE deleted_at IS NULL');
  await knex.raw('ALTER TABLE packages DROP CONSTRAINT packages_fingerprint_unique');
  await knex.raw('CREATE UNIQUE INDEX packages_fingerprint_unique ON packages (fingerprint) WHERE deleted_at IS NULL');
  await replaceHistoryKeys(knex, 'RESTRICT');
}

export async function down(knex: Knex): Promise<void> {
  await replaceHistoryKeys(knex, 'CASCADE');
  await knex.raw('DROP INDEX packages_fingerprint_unique');
  await knex.raw('ALTER TABLE packages ADD CONSTRAINT packages_fingerprint_unique UNIQUE (fingerprint)');
  await knex.raw('DROP INDEX packages_repository_name_unique');
  await knex.raw('CREATE UNIQUE INDEX packages_repository_name_unique ON packages (repository_id, lower(name))');
  await knex.raw('DROP INDEX package_repositories_name_unique');
  await knex.raw('CREATE UNIQUE INDEX package_repositories_name_unique ON package_repositories (lower(name))');
  await knex.schema.alterTable('packages', (t) => t.dropColumn('deleted_at'));
  await knex.schema.alterTable('package_repositories', (t) => t.dropColumn('deleted_at'));
}

async function replaceHistoryKeys(knex: Knex, onDelete: 'RESTRICT' | 'CASCADE'): Promise<void> {
  for (const key of HISTORY_KEYS) {
    await knex.raw(`ALTER TABLE ${key.table} DROP CONSTRAINT ${key.name}`);
    await knex.raw(`ALTER TABLE ${key.table} ADD CONSTRAINT ${key.name} FOREIGN KEY (${key.column}) REFERENCES ${key.references} (id) ON DELETE ${onDelete}`);
  }
}
