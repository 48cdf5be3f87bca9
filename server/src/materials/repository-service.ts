import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Database } from '../db/database';
import type { Page, PageRequest } from '../db/pagination';
import { Conflict, NotFound } from '../domain-errors';
import type { AuditStore } from '../security/audit-store';
import type { Actor } from '../security/roles';
import type { ConfigurationCodec } from './configuration-codec';
import type { RepositoryInput, UnsavedRepositoryInput } from './input-schemas';
import type { ConfigurationReview } from './configuration-review';
import { NO_MATERIAL_USAGE, type MaterialUsage } from './material-usage';
import { packageFingerprint } from './fingerprint';
import type { MaterialPackage, PackageReference, PackageRepository } from './model';
import type { PackageStore } from './package-store';
import { connectionCheck, nameErrors, pluginValidation, requirePlugin, throwIfInvalid, type ConnectionCheck, type PluginCalls } from './plugin-calls';
import type { RepositoryStore } from './repository-store';
import { secureValues } from './secret-mask';
import { refuseArchived, retirePackage } from './archiving';
import { checkVersion } from '../versions';

export interface RepositoryView {
  repository: PackageRepository;
  packages: PackageReference[];
}

/** Registering, changing and checking package repositories. */
export class RepositoryService {
  constructor(
    private readonly db: Database,
    private readonly repositories: RepositoryStore,
    private readonly packages: PackageStore,
    private readonly plugins: PluginCalls,
    private readonly codec: ConfigurationCodec,
    private readonly review: ConfigurationReview,
    private readonly audit: AuditStore,
    private readonly usage: MaterialUsage = NO_MATERIAL_USAGE,
  ) {}

  async list(page: PageRequest, includeDeleted = false): Promise<Page<RepositoryView>> {
    const result = await this.repositories.list(page, includeDeleted);
    const packages = await this.repositories.packagesOf(result.items.map((r) => r.id));
    return { items: result.items.map((repository) => ({ repository, packages: packages.get(repository.id) ?? [] })), nextCursor: result.nextCursor };
  }

  async get(id: string): Promise<RepositoryView> {
    const repository = await this.find(id);
    const packages = await this.repositories.packagesOf([id]);
    return { repository, packages: packages.get(id) ?? [] };
  }

  /** A repository that is not archived: one that is polled and may change. */
  async live(id: string): Promise<PackageRepository> {
    return refuseArchived(await this.find(id), 'repository');
  }

  async create(input: RepositoryInput, actor: Actor): Promise<RepositoryView> {
    throwIfInvalid(nameErrors(input.name));
    const plugin = requirePlugin(this.plugins, input.plugin_id);
    const id = randomUUID();
    const prepared = this.codec.prepare(plugin.repositoryProperties, input.configuration, { resourceType: 'repository', resourceId: id }, null);
    throwIfInvalid(prepared.errors);
    throwIfInvalid(
      await pluginValidation(() => this.plugins.validateRepository(plugin.id, prepared.plain), secureValues(plugin.repositoryProperties, prepared.plain)),
    );
    const repository = await this.db.knex.transaction(async (trx) => {
      const created = await this.repositories.insert(trx, { id, name: input.name, pluginId: plugin.id, configuration: prepared.stored });
      await this.audit.record(
        { actor: actor.name, action: 'repository.create', resourceType: 'repository', resourceId: id, details: { name: input.name, plugin_id: plugin.id } },
        trx,
      );
      return created;
    });
    return { repository, packages: [] };
  }

  async update(id: string, input: RepositoryInput, ifMatch: string | undefined, actor: Actor): Promise<RepositoryView> {
    const current = await this.find(id);
    refuseArchived(current, 'repository');
    checkVersion(current.configVersion, ifMatch);
    throwIfInvalid(nameErrors(input.name));
    if (input.plugin_id !== current.pluginId) throwIfInvalid({ plugin_id: [`plugin_id cannot change (this repository uses '${current.pluginId}')`] });
    if (input.name !== current.name) await this.refuseIfUsed(id, 'renamed');
    const plugin = requirePlugin(this.plugins, current.pluginId);
    const owner = { resourceType: 'repository', resourceId: id } as const;
    const prepared = this.codec.prepare(plugin.repositoryProperties, input.configuration, owner, current.configuration);
    throwIfInvalid(prepared.errors);
    throwIfInvalid(
      await pluginValidation(() => this.plugins.validateRepository(plugin.id, prepared.plain), secureValues(plugin.repositoryProperties, prepared.plain)),
    );
    const repository = await this.db.knex.transaction(async (trx) => {
      const locked = await this.repositories.get(id, trx, 'update');
      if (!locked) throw new NotFound(`no repository with id ${id}`);
      checkVersion(locked.configVersion, ifMatch);
      const updated = await this.repositories.update(trx, id, { name: input.name, configuration: prepared.stored });
      await this.refingerprintPackages(trx, id, plugin.id, prepared.plain);
      await this.audit.record(
        {
          actor: actor.name,
          action: 'repository.update',
          resourceType: 'repository',
          resourceId: id,
          details: { name: input.name, keys: input.configuration.map((e) => e.key) },
        },
        trx,
      );
      return updated;
    });
    await this.review.reviewPackagesOf(repository);
    return this.withPackages(repository);
  }

  /**
   * Deletes a repository with its packages. Packages with revisions are archived, not deleted, and
   * a repository that keeps any archived package is archived with them, so history never goes.
   */
  async delete(id: string, ifMatch: string | undefined, actor: Actor): Promise<void> {
    await this.refuseIfUsed(id, 'deleted');
    await this.db.knex.transaction(async (trx) => {
      const current = await this.repositories.get(id, trx, 'update');
      if (!current) throw new NotFound(`no repository with id ${id}`);
      refuseArchived(current, 'repository');
      checkVersion(current.configVersion, ifMatch);
      for (const pkg of await this.packages.ofRepository(id, trx, true)) {
        await retirePackage(trx, { packages: this.packages, audit: this.audit }, pkg, actor, { with_repository: id });
      }
      const archived = await this.packages.anyOfRepository(id, trx);
      if (archived) await this.repositories.archive(trx, id);
      else await this.repositories.delete(trx, id);
      const action = archived ? 'repository.archive' : 'repository.delete';
      await this.audit.record({ actor: actor.name, action, resourceType: 'repository', resourceId: id, details: { name: current.name } }, trx);
    });
  }

  /** Pipelines name their packages by repository name: a rename or delete would break them. */
  private async refuseIfUsed(id: string, change: 'renamed' | 'deleted'): Promise<void> {
    const pipelines = await this.usage.pipelinesUsingRepository(id);
    if (pipelines.length > 0) throw new Conflict(`this repository cannot be ${change}: pipeline(s) ${pipelines.map((p) => `'${p}'`).join(', ')} use it`);
  }

  async checkConnection(id: string): Promise<ConnectionCheck> {
    const repository = await this.find(id);
    const plugin = requirePlugin(this.plugins, repository.pluginId);
    const plain = this.codec.plain(plugin.repositoryProperties, repository.configuration, { resourceType: 'repository', resourceId: id });
    return connectionCheck(() => this.plugins.checkRepositoryConnection(plugin.id, id, plain), secureValues(plugin.repositoryProperties, plain));
  }

  /** Checks a configuration before it is saved; an invalid one is refused like on create. */
  async checkUnsaved(input: UnsavedRepositoryInput): Promise<ConnectionCheck> {
    const plugin = requirePlugin(this.plugins, input.plugin_id);
    const prepared = this.codec.prepare(plugin.repositoryProperties, input.configuration, { resourceType: 'repository', resourceId: randomUUID() }, null);
    throwIfInvalid(prepared.errors);
    throwIfInvalid(
      await pluginValidation(() => this.plugins.validateRepository(plugin.id, prepared.plain), secureValues(plugin.repositoryProperties, prepared.plain)),
    );
    return connectionCheck(
      () => this.plugins.checkRepositoryConnection(plugin.id, null, prepared.plain),
      secureValues(plugin.repositoryProperties, prepared.plain),
    );
  }

  /** A repository's plain configuration, for calls about its packages. */
  plainConfiguration(repository: PackageRepository): Record<string, string> {
    const plugin = requirePlugin(this.plugins, repository.pluginId);
    return this.codec.plain(plugin.repositoryProperties, repository.configuration, { resourceType: 'repository', resourceId: repository.id });
  }

  async find(id: string): Promise<PackageRepository> {
    const repository = await this.repositories.get(id);
    if (!repository) throw new NotFound(`no repository with id ${id}`);
    return repository;
  }

  /** A repository's identity is part of its packages' identities: they move with it, unless one has history. */
  private async refingerprintPackages(trx: Knex.Transaction, id: string, pluginId: string, repositoryValues: Record<string, string>): Promise<void> {
    const packages = await this.packages.ofRepository(id, trx, true);
    for (const pkg of packages) {
      const fingerprint = this.fingerprintWith(pluginId, repositoryValues, pkg);
      if (fingerprint === pkg.fingerprint) continue;
      if (await this.packages.hasHistory(pkg.id, trx)) {
        throw new Conflict(`this change alters the identity of package '${pkg.name}', which has revision history; create a new repository instead`);
      }
      await this.packages.updateFingerprint(trx, pkg.id, fingerprint);
    }
  }

  private fingerprintWith(pluginId: string, repositoryValues: Record<string, string>, pkg: MaterialPackage): string {
    const plugin = requirePlugin(this.plugins, pluginId);
    const pkgValues = this.codec.plain(plugin.packageProperties, pkg.configuration, { resourceType: 'package', resourceId: pkg.id });
    return packageFingerprint(
      pluginId,
      { properties: plugin.repositoryProperties, values: repositoryValues },
      { properties: plugin.packageProperties, values: pkgValues },
    );
  }

  private async withPackages(repository: PackageRepository): Promise<RepositoryView> {
    const packages = await this.repositories.packagesOf([repository.id]);
    return { repository, packages: packages.get(repository.id) ?? [] };
  }
}
