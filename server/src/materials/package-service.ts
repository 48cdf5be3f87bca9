import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Database } from '../db/database';
import type { Page, PageRequest } from '../db/pagination';
import { Conflict, InvalidInput, NotFound, type FieldErrors } from '../domain-errors';
import type { AuditStore } from '../security/audit-store';
import type { Actor } from '../security/roles';
import type { ConfigurationCodec, PreparedConfiguration } from './configuration-codec';
import type { PackageInput, UnsavedPackageInput } from './input-schemas';
import { NO_MATERIAL_USAGE, type MaterialUsage } from './material-usage';
import { packageFingerprint } from './fingerprint';
import type { MaterialPackage, PackageRepository } from './model';
import { DuplicateIdentity, type PackageStore } from './package-store';
import type { RepositoryStore } from './repository-store';
import { connectionCheck, nameErrors, pluginValidation, requirePlugin, throwIfInvalid, type ConnectionCheck, type PluginCalls } from './plugin-calls';
import type { RepositoryService } from './repository-service';

import { secureValues } from './secret-mask';
import { refuseArchived, retirePackage } from './archiving';
import { checkVersion } from '../versions';

export interface PackageRules {
  minPollIntervalSeconds: number;
}

const DEFAULT_POLL_INTERVAL_SECONDS = 60;
const MAX_POLL_INTERVAL_SECONDS = 7 * 24 * 3600;

/** Registering, changing and checking packages. */
export class PackageService {
  constructor(
    private readonly db: Database,
    private readonly packages: PackageStore,
    private readonly repositories: RepositoryService,
    private readonly repositoryStore: RepositoryStore,
    private readonly plugins: PluginCalls,
    private readonly codec: ConfigurationCodec,
    private readonly audit: AuditStore,
    private readonly rules: PackageRules,
    private readonly usage: MaterialUsage = NO_MATERIAL_USAGE,
  ) {}

  list(page: PageRequest, filter: { repositoryId?: string; includeDeleted?: boolean }): Promise<Page<MaterialPackage>> {
    return this.packages.list(page, filter);
  }

  async get(id: string): Promise<MaterialPackage> {
    const pkg = await this.packages.get(id);
    if (!pkg) throw new NotFound(`no package with id ${id}`);
    return pkg;
  }

  /** A package that is not archived: one that is polled and may change. */
  async live(id: string): Promise<MaterialPackage> {
    return refuseArchived(await this.get(id), 'package');
  }

  async create(input: PackageInput, actor: Actor): Promise<MaterialPackage> {
    throwIfInvalid(nameErrors(input.name), this.pollErrors(input));
    const repository = await this.repositoryFor(input.repository_id);
    const id = randomUUID();
    const { prepared, fingerprint } = await this.validated(repository, id, input, null);
    // A live package with the same identity makes the insert fail, and is then named.
    return this.namingDuplicates(id, fingerprint, () =>
      this.db.knex.transaction(async (trx) => {
        await this.repositoryUnchanged(trx, repository);
        const created = await this.packages.insert(trx, {
          id,
          repositoryId: repository.id,
          name: input.name,
          configuration: prepared.stored,
          fingerprint,
          autoUpdate: input.auto_update ?? true,
          pollIntervalSeconds: input.poll_interval_seconds ?? DEFAULT_POLL_INTERVAL_SECONDS,
        });
        await this.packages.createPollState(trx, id);
        await this.audit.record(
          { actor: actor.name, action: 'package.create', resourceType: 'package', resourceId: id, details: { name: input.name, repository_id: repository.id } },
          trx,
        );
        return created;
      }),
    );
  }

  async update(id: string, input: PackageInput, ifMatch: string | undefined, actor: Actor): Promise<MaterialPackage> {
    const current = await this.get(id);
    refuseArchived(current, 'package');
    checkVersion(current.configVersion, ifMatch);
    throwIfInvalid(nameErrors(input.name), this.pollErrors(input));
    if (input.repository_id !== current.repositoryId) {
      throwIfInvalid({ repository_id: ['repository_id cannot change: create the package in the other repository instead'] });
    }
    if (input.name !== current.name) await this.refuseIfUsed(id, 'renamed');
    const repository = await this.repositories.find(current.repositoryId);
    const { prepared, fingerprint } = await this.validated(repository, id, input, current.configuration);
    await this.refuseDuplicateIdentity(fingerprint, id);
    return this.namingDuplicates(id, fingerprint, () =>
      this.db.knex.transaction(async (trx) => {
        await this.repositoryUnchanged(trx, repository);
        const locked = await this.packages.get(id, trx, true);
        if (!locked) throw new NotFound(`no package with id ${id}`);
        checkVersion(locked.configVersion, ifMatch);
        if (fingerprint !== locked.fingerprint && (await this.packages.hasHistory(id, trx))) {
          throw new Conflict(`this change alters the identity of package '${locked.name}', which has revision history; create a new package instead`);
        }
        const updated = await this.packages.update(trx, id, {
          name: input.name,
          configuration: prepared.stored,
          fingerprint,
          autoUpdate: input.auto_update ?? true,
          pollIntervalSeconds: input.poll_interval_seconds ?? DEFAULT_POLL_INTERVAL_SECONDS,
        });
        await this.audit.record(
          {
            actor: actor.name,
            action: 'package.update',
            resourceType: 'package',
            resourceId: id,
            details: { name: input.name, keys: input.configuration.map((e) => e.key) },
          },
          trx,
        );
        return updated;
      }),
    );
  }

  /**
   * The package's fingerprint was computed from the repository as it was read before the
   * transaction: hold the repository still and make sure it is the same, or the identity could
   * be stale.
   */
  private async repositoryUnchanged(trx: Knex.Transaction, repository: PackageRepository): Promise<void> {
    const locked = await this.repositoryStore.get(repository.id, trx, 'share');
    if (!locked) throw InvalidInput.field('repository_id', `no repository with id ${repository.id}`);
    if (locked.configVersion !== repository.configVersion) {
      throw new Conflict(`repository '${repository.name}' changed while this package was being saved; send the request again`);
    }
  }

  /** A package that took the same identity at the same moment is named, as when it existed before. */
  private async namingDuplicates(self: string, fingerprint: string, work: () => Promise<MaterialPackage>): Promise<MaterialPackage> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DuplicateIdentity) await this.refuseDuplicateIdentity(fingerprint, self);
      throw error;
    }
  }

  /** Deletes a package without history; one with revisions is archived, keeping them and their promotions. */
  async delete(id: string, ifMatch: string | undefined, actor: Actor): Promise<void> {
    await this.refuseIfUsed(id, 'deleted');
    await this.db.knex.transaction(async (trx) => {
      const current = await this.packages.get(id, trx, true);
      if (!current) throw new NotFound(`no package with id ${id}`);
      refuseArchived(current, 'package');
      checkVersion(current.configVersion, ifMatch);
      await retirePackage(trx, { packages: this.packages, audit: this.audit }, current, actor);
    });
  }

  /** Pipelines name their packages by name: a rename or delete would break them. */
  private async refuseIfUsed(id: string, change: 'renamed' | 'deleted'): Promise<void> {
    const pipelines = await this.usage.pipelinesUsingPackage(id);
    if (pipelines.length > 0) throw new Conflict(`this package cannot be ${change}: pipeline(s) ${pipelines.map((p) => `'${p}'`).join(', ')} use it`);
  }

  async checkConnection(id: string): Promise<ConnectionCheck> {
    const pkg = await this.get(id);
    const repository = await this.repositories.find(pkg.repositoryId);
    const plugin = requirePlugin(this.plugins, repository.pluginId);
    return this.checkWith(repository, this.codec.plain(plugin.packageProperties, pkg.configuration, { resourceType: 'package', resourceId: id }));
  }

  /** Checks a configuration before it is saved (a new package's, or an edited one's); an invalid one is refused like on save. */
  async checkUnsaved(input: UnsavedPackageInput): Promise<ConnectionCheck> {
    const editing = input.package_id === undefined ? null : await this.live(input.package_id);
    if (editing !== null && editing.repositoryId !== input.repository_id) {
      throwIfInvalid({ package_id: [`package ${editing.id} is in another repository than repository_id`] });
    }
    const repository = await this.repositoryFor(input.repository_id);
    const { prepared } = await this.validated(repository, editing?.id ?? randomUUID(), input, editing?.configuration ?? null);
    return this.checkWith(repository, prepared.plain);
  }

  private checkWith(repository: PackageRepository, pkgPlain: Record<string, string>): Promise<ConnectionCheck> {
    const plugin = requirePlugin(this.plugins, repository.pluginId);
    const repoPlain = this.repositories.plainConfiguration(repository);
    const secrets = [...secureValues(plugin.repositoryProperties, repoPlain), ...secureValues(plugin.packageProperties, pkgPlain)];
    return connectionCheck(() => this.plugins.checkPackageConnection(plugin.id, repository.id, repoPlain, pkgPlain), secrets);
  }

  private async validated(
    repository: PackageRepository,
    id: string,
    input: Pick<PackageInput, 'configuration'>,
    previous: MaterialPackage['configuration'] | null,
  ): Promise<{ prepared: PreparedConfiguration; fingerprint: string }> {
    const plugin = requirePlugin(this.plugins, repository.pluginId, 'repository_id');
    const prepared = this.codec.prepare(plugin.packageProperties, input.configuration, { resourceType: 'package', resourceId: id }, previous);
    throwIfInvalid(prepared.errors);
    const repoPlain = this.repositories.plainConfiguration(repository);
    throwIfInvalid(
      await pluginValidation(
        () => this.plugins.validatePackage(plugin.id, repoPlain, prepared.plain),
        [...secureValues(plugin.repositoryProperties, repoPlain), ...secureValues(plugin.packageProperties, prepared.plain)],
      ),
    );
    const fingerprint = packageFingerprint(
      plugin.id,
      { properties: plugin.repositoryProperties, values: repoPlain },
      { properties: plugin.packageProperties, values: prepared.plain },
    );
    return { prepared, fingerprint };
  }

  private async refuseDuplicateIdentity(fingerprint: string, self: string | null): Promise<void> {
    const existing = await this.packages.withFingerprint(fingerprint);
    if (!existing || existing.id === self) return;
    const repository = await this.repositories.find(existing.repositoryId);
    throw new Conflict(`package '${existing.name}' (id ${existing.id}) in repository '${repository.name}' already has this identity`);
  }

  private async repositoryFor(repositoryId: string): Promise<PackageRepository> {
    try {
      const repository = await this.repositories.find(repositoryId);
      if (repository.deletedAt !== null)
        throw InvalidInput.field('repository_id', `repository '${repository.name}' is archived: packages go in a live repository`);
      return repository;
    } catch (error) {
      if (error instanceof NotFound) throw InvalidInput.field('repository_id', `no repository with id ${repositoryId}`);
      throw error;
    }
  }

  private pollErrors(input: PackageInput): FieldErrors {
    const interval = input.poll_interval_seconds;
    if (interval === undefined) return {};
    const min = this.rules.minPollIntervalSeconds;
    if (Number.isInteger(interval) && interval >= min && interval <= MAX_POLL_INTERVAL_SECONDS) return {};
    return { poll_interval_seconds: [`poll_interval_seconds must be a whole number from ${min} (the server's minimum) to ${MAX_POLL_INTERVAL_SECONDS}`] };
  }
}
