import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { ADVISORY_LOCKS, withSessionLock } from './advisory-lock';
import type { Database } from './database';

const MIGRATION_FILE = /^(\d{14}_[a-z0-9_]+)\.js$/;
const TABLE = 'baton_migrations';

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Loads migrations from the built `.js` files only and records them by name without the file
 * extension, so the record does not depend on how the files were built.
 */
class BuiltMigrationSource implements Knex.MigrationSource<string> {
  constructor(private readonly dir: string) {}

  async getMigrations(): Promise<string[]> {
    if (!fs.existsSync(this.dir)) {
      throw new Error(`no built migrations in ${this.dir}: run 'npm run build' first`);
    }
    return fs
      .readdirSync(this.dir)
      .map((file) => MIGRATION_FILE.exec(file)?.[1])
      .filter((name): name is string => name !== undefined)
      .sort();
  }

  getMigrationName(name: string): string {
    return name;
  }

  async getMigration(name: string): Promise<MigrationModule> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a built migration is loaded by its path at run time, as knex's own loader does
    return require(path.join(this.dir, `${name}.js`)) as MigrationModule;
  }
}

/** Brings a database to the newest schema; safe to run from several processes at once. */
export class Migrator {
  private readonly config: Knex.MigratorConfig;

  constructor(
    private readonly db: Database,
    migrationsDir: string,
  ) {
    this.config = { migrationSource: new BuiltMigrationSource(migrationsDir), tableName: TABLE };
  }

  /** Applies every pending migration and answers their names. */
  async latest(): Promise<string[]> {
    return withSessionLock(this.db, ADVISORY_LOCKS.migrations, async () => {
      // Holding the advisory lock, no other migrator runs: a lock row knex left behind after a
      // crash can be freed safely.
      if (await this.db.knex.schema.hasTable(`${TABLE}_lock`)) await this.db.knex.migrate.forceFreeMigrationsLock(this.config);
      const [, applied] = (await this.db.knex.migrate.latest(this.config)) as [number, string[]];
      return applied;
    });
  }

  /** Names of migrations not yet applied. */
  async pending(): Promise<string[]> {
    const [, pending] = (await this.db.knex.migrate.list(this.config)) as [unknown[], { file: string }[]];
    return pending.map((m) => m.file);
  }
}
