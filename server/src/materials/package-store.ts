import type { Knex } from 'knex';
import type { Database } from '../db/database';
import { BY_NAME, keysetPage, type Page, type PageRequest } from '../db/pagination';
import { TABLES, UNIQUE_VIOLATION, violatedConstraint, type DbPackageRow } from '../db/tables';
import { Conflict, type FieldErrors } from '../domain-errors';
import type { MaterialPackage, PackageReference } from './model';
import { PollStateStore } from './polling/poll-state-store';
import { RevisionStore } from './polling/revision-store';

type Queryable = Knex | Knex.Transaction;
type NewPackage = Pick<MaterialPackage, 'id' | 'repositoryId' | 'name' | 'configuration' | 'fingerprint' | 'autoUpdate' | 'pollIntervalSeconds'>;
type PackageChanges = Pick<MaterialPackage, 'name' | 'configuration' | 'fingerprint' | 'autoUpdate' | 'pollIntervalSeconds'>;

/** The packages table. */
export class PackageStore {
  private readonly revisions: RevisionStore;
  private readonly pollStates: PollStateStore;

  constructor(private readonly db: Database) {
    this.revisions = new RevisionStore(db);
    this.pollStates = new PollStateStore(db);
  }

  /** Live packages; archived ones too with `includeDeleted`. */
  async list(page: PageRequest, filter: { repositoryId?: string; includeDeleted?: boolean }): Promise<Page<MaterialPackage>> {
    const query = this.db.knex(TABLES.packages).select('*');
    if (filter.repositoryId) query.where({ repository_id: filter.repositoryId });
    if (!filter.includeDeleted) query.whereNull('deleted_at');
    const result = await keysetPage<DbPackageRow & Record<string, unknown>>(query, BY_NAME, page);
    return { items: result.items.map(toPackage), nextCursor: result.nextCursor };
  }

  /** Every live package. */
  async all(): Promise<MaterialPackage[]> {
    const rows = (await this.db.knex(TABLES.packages).whereNull('deleted_at').select('*').orderBy('id')) as DbPackageRow[];
    return rows.map(toPackage);
  }

  /** A package, live or archived. */
  async get(id: string, trx: Queryable = this.db.knex, forUpdate = false): Promise<MaterialPackage | null> {
    const query = trx(TABLES.packages).where({ id }).first();
    if (forUpdate) query.forUpdate();
    const row = (await query) as DbPackageRow | undefined;
    return row ? toPackage(row) : null;
  }

  /** A repository's live packages; `forUpdate` locks them until the transaction ends. */
  async ofRepository(repositoryId: string, trx: Queryable = this.db.knex, forUpdate = false): Promise<MaterialPackage[]> {
    const query = trx(TABLES.packages).where({ repository_id: repositoryId }).whereNull('deleted_at').orderBy('id');
    if (forUpdate) query.forUpdate();
    const rows = (await query) as DbPackageRow[];
    return rows.map(toPackage);
  }

  /** The live package that already has this fingerprint, if any. */
  async withFingerprint(fingerprint: string, trx: Queryable = this.db.knex): Promise<MaterialPackage | null> {
    const row = (await trx(TABLES.packages).where({ fingerprint }).whereNull('deleted_at').first()) as DbPackageRow | undefined;
    return row ? toPackage(row) : null;
  }

  hasHistory(packageId: string, trx: Queryable = this.db.knex): Promise<boolean> {
    return this.revisions.hasAny(packageId, trx);
  }

  /** The live packages of each repository, by name. */
  async referencesOf(repositoryIds: string[], trx: Queryable = this.db.knex): Promise<Map<string, PackageReference[]>> {
    const result = new Map<string, PackageReference[]>(repositoryIds.map((id) => [id, []]));
    if (repositoryIds.length === 0) return result;
    const rows = await trx(TABLES.packages).whereIn('repository_id', repositoryIds).whereNull('deleted_at').select('id', 'name', 'repository_id').orderByRaw<
      {
        id: string;
        name: string;
        repository_id: string;
      }[]
    >('lower(name), id');
    for (const row of rows) result.get(row.repository_id)?.push({ id: row.id, name: row.name });
    return result;
  }

  /** What validating the stored configuration found (empty when nothing). */
  async setConfigurationErrors(id: string, errors: FieldErrors): Promise<void> {
    await this.db
      .knex(TABLES.packages)
      .where({ id })
      .update({ configuration_errors: JSON.stringify(errors) });
  }

  async insert(trx: Queryable, pkg: NewPackage): Promise<MaterialPackage> {
    return this.unique(pkg, async () => {
      const [row] = (await trx(TABLES.packages)
        .insert({
          id: pkg.id,
          repository_id: pkg.repositoryId,
          name: pkg.name,
          configuration: JSON.stringify(pkg.configuration),
          fingerprint: pkg.fingerprint,
          auto_update: pkg.autoUpdate,
          poll_interval_seconds: pkg.pollIntervalSeconds,
        })
        .returning('*')) as DbPackageRow[];
      return toPackage(row);
    });
  }

  async update(trx: Queryable, id: string, changes: PackageChanges): Promise<MaterialPackage> {
    return this.unique(changes, async () => {
      const [row] = (await trx(TABLES.packages)
        .where({ id })
        .update({
          name: changes.name,
          configuration: JSON.stringify(changes.configuration),
          configuration_errors: JSON.stringify({}),
          fingerprint: changes.fingerprint,
          auto_update: changes.autoUpdate,
          poll_interval_seconds: changes.pollIntervalSeconds,
          config_version: trx.raw('config_version + 1'),
          updated_at: trx.fn.now(),
        })
        .returning('*')) as DbPackageRow[];
      return toPackage(row);
    });
  }

  /** A new fingerprint after the repository's identity changed; the configuration version moves too. */
  async updateFingerprint(trx: Queryable, id: string, fingerprint: string): Promise<void> {
    await this.unique({ name: id, fingerprint }, () =>
      trx(TABLES.packages)
        .where({ id })
        .update({ fingerprint, config_version: trx.raw('config_version + 1'), updated_at: trx.fn.now() }),
    );
  }

  /** A new package is due for its first poll at once. */
  createPollState(trx: Queryable, packageId: string): Promise<void> {
    return this.pollStates.createForPackage(trx, packageId);
  }

  /** Removes a package without history; a package with revisions cannot go (the revisions' key refuses). */
  async delete(trx: Queryable, id: string): Promise<void> {
    await trx(TABLES.packages).where({ id }).delete();
  }

  /** Keeps a package with history for the record: hidden from lists, no longer polled, its name and identity free. */
  async archive(trx: Queryable, id: string): Promise<void> {
    await trx(TABLES.packages)
      .where({ id })
      .update({ deleted_at: trx.fn.now(), config_version: trx.raw('config_version + 1'), updated_at: trx.fn.now() });
  }

  /** Whether a repository still holds packages, archived ones included. */
  async anyOfRepository(repositoryId: string, trx: Queryable = this.db.knex): Promise<boolean> {
    return (await trx(TABLES.packages).where({ repository_id: repositoryId }).first('id')) !== undefined;
  }

  private async unique<T>(pkg: { name: string; fingerprint: string }, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const constraint = violatedConstraint(error, UNIQUE_VIOLATION);
      if (constraint === 'packages_repository_name_unique') {
        throw new Conflict(`this repository already has a package named '${pkg.name}' (names are unique regardless of case)`);
      }
      if (constraint === 'packages_fingerprint_unique') throw new DuplicateIdentity(pkg.fingerprint);
      throw error;
    }
  }
}

/** Another package took this identity at the same moment; the caller names it. */
export class DuplicateIdentity extends Conflict {
  constructor(readonly fingerprint: string) {
    super('another package has the same identity');
  }
}

function toPackage(row: DbPackageRow): MaterialPackage {
  return {
    id: row.id,
    repositoryId: row.repository_id,
    name: row.name,
    configuration: row.configuration,
    configurationErrors: row.configuration_errors,
    fingerprint: row.fingerprint,
    autoUpdate: row.auto_update,
    pollIntervalSeconds: row.poll_interval_seconds,
    configVersion: row.config_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}
