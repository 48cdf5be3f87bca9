import type { Database } from '../db/database';
import { TABLES, FOREIGN_KEY_VIOLATION, violatedConstraint } from '../db/tables';
import { snapshotWithin, type PluginStateStore } from '../plugins/plugin-state-store';

/** The plugins' key/value store in the database, one namespace per repository. */
export class RepositoryPluginStateStore implements PluginStateStore {
  constructor(private readonly db: Database) {}

  async get(scope: string, key: string): Promise<string | null> {
    const row = await this.db.knex(TABLES.pluginState).where({ repository_id: scope, key }).first<{ value: string } | undefined>('value');
    return row?.value ?? null;
  }

  async set(scope: string, key: string, value: string): Promise<void> {
    try {
      await this.db
        .knex(TABLES.pluginState)
        .insert({ repository_id: scope, key, value })
        .onConflict(['repository_id', 'key'])
        .merge({ value, updated_at: this.db.knex.fn.now() });
    } catch (error) {
      // The repository was deleted while its plugin was answering: nothing to keep.
      if (violatedConstraint(error, FOREIGN_KEY_VIOLATION) === null) throw error;
    }
  }

  async delete(scope: string, key: string): Promise<void> {
    await this.db.knex(TABLES.pluginState).where({ repository_id: scope, key }).delete();
  }

  async snapshot(scope: string, maxBytes: number): Promise<Record<string, string> | null> {
    // Sizes first, so that a store too large to carry is not read whole for nothing.
    const rows = await this.db.knex.raw<{ rows: { key: string; value: string | null }[] }>(SNAPSHOT_SQL, [scope, maxBytes, scope]);
    if (rows.rows.some((row) => row.value === null)) return null;
    return snapshotWithin(
      rows.rows.map((row) => [row.key, row.value!]),
      maxBytes,
    );
  }
}

// Every key and value of a scope, when they fit; values are left out (null) when they do not.
const SNAPSHOT_SQL = `
  SELECT key, CASE WHEN (SELECT sum(octet_length(key) + octet_length(value)) FROM ${TABLES.pluginState} WHERE repository_id = ?) <= ? THEN value END AS value
    FROM ${TABLES.pluginState} WHERE repository_id = ?`;
