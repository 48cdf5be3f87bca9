import type { Knex } from 'knex';
import type { Database } from '../db/database';
import { BY_NAME, keysetPage, type Page, type PageRequest } from '../db/pagination';
import { TABLES, UNIQUE_VIOLATION, violatedConstraint, type DbPackageRepositoryRow } from '../db/tables';
import { Conflict, type FieldErrors } from '../domain-errors';
import type { PackageReference, PackageRepository } from './model';
import { PackageStore } from './package-store';
import { PollStateStore } from './polling/poll-state-store';

type Queryable = Knex | Knex.Transaction;

/** The package_repositories table. */
export class RepositoryStore {
  private readonly packages: PackageStore;
  private readonly pollStates: PollStateStore;

  constructor(private readonly db: Database) {
    this.packages = new PackageStore(db);
    this.pollStates = new PollStateStore(db);
  }

  /** Live repositories; archived ones too with `includeDeleted`. */
  async list(page: PageRequest, includeDeleted = false): Promise<Page<PackageRepository>> {
    const query = this.db.knex(TABLES.repositories).select('*');
    if (!includeDeleted) query.whereNull('deleted_at');
    const result = await keysetPage<DbPackageRepositoryRow & Record<string, unknown>>(query, BY_NAME, page);
    return { items: result.items.map(toRepository), nextCursor: result.nextCursor };
  }

  /** Every live repository. */
  async all(trx: Queryable = this.db.knex): Promise<PackageRepository[]> {
    const rows = (await trx(TABLES.repositories).whereNull('deleted_at').select('*').orderBy('id')) as DbPackageRepositoryRow[];
    return rows.map(toRepository);
  }

  /** `lock`: hold the row until the transaction ends, for an update or (shared) so it cannot change. */
  async get(id: string, trx: Queryable = this.db.knex, lock: 'update' | 'share' | null = null): Promise<PackageRepository | null> {
    const query = trx(TABLES.repositories).where({ id }).first();
    if (lock === 'update') query.forUpdate();
    if (lock === 'share') query.forShare();
    const row = (await query) as DbPackageRepositoryRow | undefined;
    return row ? toRepository(row) : null;
  }

  async insert(trx: Queryable, repository: Pick<PackageRepository, 'id' | 'name' | 'pluginId' | 'configuration'>): Promise<PackageRepository> {
    return this.uniqueName(repository.name, async () => {
      const [row] = (await trx(TABLES.repositories)
        .insert({ id: repository.id, name: repository.name, plugin_id: repository.pluginId, configuration: JSON.stringify(repository.configuration) })
        .returning('*')) as DbPackageRepositoryRow[];
      await this.pollStates.createForRepository(trx, repository.id);
      return toRepository(row);
    });
  }

  async update(trx: Queryable, id: string, changes: Pick<PackageRepository, 'name' | 'configuration'>): Promise<PackageRepository> {
    return this.uniqueName(changes.name, async () => {
      const [row] = (await trx(TABLES.repositories)
        .where({ id })
        .update({
          name: changes.name,
          configuration: JSON.stringify(changes.configuration),
          configuration_errors: JSON.stringify({}),
          config_version: trx.raw('config_version + 1'),
          updated_at: trx.fn.now(),
        })
        .returning('*')) as DbPackageRepositoryRow[];
      return toRepository(row);
    });
  }

  async delete(trx: Queryable, id: string): Promise<void> {
    await trx(TABLES.repositories).where({ id }).delete();
  }

  /** Keeps a repository whose packages have history: hidden from lists, no longer polled, its name free. */
  async archive(trx: Queryable, id: string): Promise<void> {
    await trx(TABLES.repositories)
      .where({ id })
      .update({ deleted_at: trx.fn.now(), config_version: trx.raw('config_version + 1'), updated_at: trx.fn.now() });
  }

  /** The packages of each repository, by name. */
  packagesOf(repositoryIds: string[], trx: Queryable = this.db.knex): Promise<Map<string, PackageReference[]>> {
    return this.packages.referencesOf(repositoryIds, trx);
  }

  /** What validating the stored configuration found (empty when nothing). */
  async setConfigurationErrors(id: string, errors: FieldErrors): Promise<void> {
    await this.db
      .knex(TABLES.repositories)
      .where({ id })
      .update({ configuration_errors: JSON.stringify(errors) });
  }

  /** The plugin id of each repository. */
  async pluginIdsOf(repositoryIds: string[]): Promise<Map<string, string>> {
    if (repositoryIds.length === 0) return new Map();
    const rows = await this.db
      .knex(TABLES.repositories)
      .whereIn('id', [...new Set(repositoryIds)])
      .select<{ id: string; plugin_id: string }[]>('id', 'plugin_id');
    return new Map(rows.map((row) => [row.id, row.plugin_id]));
  }

  private async uniqueName<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (violatedConstraint(error, UNIQUE_VIOLATION) === 'package_repositories_name_unique') {
        throw new Conflict(`a repository named '${name}' already exists (names are unique regardless of case)`);
      }
      throw error;
    }
  }
}

function toRepository(row: DbPackageRepositoryRow): PackageRepository {
  return {
    id: row.id,
    name: row.name,
    pluginId: row.plugin_id,
    configuration: row.configuration,
    configurationErrors: row.configuration_errors,
    configVersion: row.config_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}
