import type { Database } from '../db/database';
import { TABLES, FOREIGN_KEY_VIOLATION, violatedConstraint } from '../db/tables';
import { snapshotWithin, type PluginStateStore, type SnapshotLimits, type StoreSnapshot } from '../plugins/plugin-state-store';

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

  async snapshot(scope: string, limits: SnapshotLimits): Promise<StoreSnapshot> {
    // A value too large to carry is not read: its key comes with a null value.
    const rows = await this.db.knex.raw<{ rows: { key: string; value: string | null }[] }>(SNAPSHOT_SQL, [limits.maxValueBytes, scope]);
    return snapshotWithin(
      rows.rows.map((row) => [row.key, row.value]),
      limits,
    );
  }

  async snapshots(scopes: string[], limits: SnapshotLimits): Promise<Map<string, StoreSnapshot>> {
    const rows = await this.db.knex.raw<{ rows: { repository_id: string; key: string; value: string | null }[] }>(SNAPSHOTS_SQL, [
      limits.maxValueBytes,
      scopes,
    ]);
    const entries = new Map<string, [string, string | null][]>(scopes.map((scope) => [scope, []]));
    for (const row of rows.rows) entries.get(row.repository_id)?.push([row.key, row.value]);
    return new Map([...entries].map(([scope, of]) => [scope, snapshotWithin(of, limits)]));
  }
}

const SNAPSHOT_SQL = `
  SELECT key, CASE WHEN octet_length(key) + octet_length(value) <= ? THEN value END AS value
    FROM ${TABLES.pluginState} WHERE repository_id = ?`;

const SNAPSHOTS_SQL = `
  SELECT repository_id, key, CASE WHEN octet_length(key) + octet_length(value) <= ? THEN value END AS value
    FROM ${TABLES.pluginState} WHERE repository_id = ANY(?::uuid[])`;
