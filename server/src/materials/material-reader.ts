import type { FetchCredentials, ResolvedProperty } from '@baton/plugin-api';
import type { DbConfigurationEntry } from '../db/tables';
import type { ConfigurationCodec, ConfigurationOwner } from './configuration-codec';
import type { PackageStore } from './package-store';
import type { RepositoryStore } from './repository-store';

/** Plain configuration values (secure ones decrypted, defaults applied) and which keys are secure. */
export interface PlainConfiguration {
  values: Record<string, string>;
  secureKeys: string[];
}

/** A package and its repository as they are configured now. */
export interface PackageMaterialConfiguration {
  repositoryId: string;
  repositoryName: string;
  pluginId: string;
  repository: PlainConfiguration;
  packageId: string;
  packageName: string;
  package: PlainConfiguration;
  /** Which repository values fetch_package sends, and where, as the plugin declares it; null: the default. */
  fetchCredentials: FetchCredentials | null;
}

/**
 * What other areas may read of the materials: lookups only, no changes. Pipelines read the
 * current configuration of a job's packages through it, so rotated credentials apply at once.
 */
export interface MaterialReader {
  /** Null when the package no longer exists. Throws UndecryptableSecret when a secure value cannot be read. */
  packageConfiguration(packageId: string): Promise<PackageMaterialConfiguration | null>;
}

/** The plugin properties a configuration is read with; none when the plugin is not loaded. */
export interface PluginProperties {
  plugin(id: string): { repositoryProperties: ResolvedProperty[]; packageProperties: ResolvedProperty[]; fetchCredentials: FetchCredentials | null } | null;
}

/** The materials' stores behind the reader port. */
export class StoredMaterialReader implements MaterialReader {
  constructor(
    private readonly repositories: RepositoryStore,
    private readonly packages: PackageStore,
    private readonly codec: ConfigurationCodec,
    private readonly plugins: PluginProperties,
  ) {}

  async packageConfiguration(packageId: string): Promise<PackageMaterialConfiguration | null> {
    const pkg = await this.packages.get(packageId);
    if (!pkg) return null;
    const repository = await this.repositories.get(pkg.repositoryId);
    if (!repository) return null;
    // Without its plugin, stored values are still readable: encrypted ones are the secure ones.
    const plugin = this.plugins.plugin(repository.pluginId);
    return {
      repositoryId: repository.id,
      repositoryName: repository.name,
      pluginId: repository.pluginId,
      repository: this.plain(plugin?.repositoryProperties ?? [], repository.configuration, { resourceType: 'repository', resourceId: repository.id }),
      packageId: pkg.id,
      packageName: pkg.name,
      package: this.plain(plugin?.packageProperties ?? [], pkg.configuration, { resourceType: 'package', resourceId: pkg.id }),
      fetchCredentials: plugin?.fetchCredentials ?? null,
    };
  }

  private plain(properties: readonly ResolvedProperty[], stored: readonly DbConfigurationEntry[], owner: ConfigurationOwner): PlainConfiguration {
    const values = this.codec.plain(properties, stored, owner);
    const secure = new Set([...properties.filter((p) => p.secure).map((p) => p.key), ...stored.filter((e) => 'encrypted_value' in e).map((e) => e.key)]);
    return { values, secureKeys: [...secure].filter((key) => key in values) };
  }
}
