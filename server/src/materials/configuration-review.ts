import type { Logger } from 'pino';
import type { FieldErrors } from '../domain-errors';
import type { ConfigurationCodec } from './configuration-codec';
import type { PackageRepository } from './model';
import type { PackageStore } from './package-store';
import { pluginValidation, type PluginCalls } from './plugin-calls';
import type { RepositoryStore } from './repository-store';
import { secureValues } from './secret-mask';

const CONCURRENCY = 4;

/**
 * Validates stored configurations again with their plugins and records what a plugin objects to
 * — at every start (a plugin may have been upgraded and grown stricter) and for a repository's
 * packages when the repository changes. Kept in the database, so every process shows the same.
 * One configuration that cannot be checked never stops the others.
 */
export class ConfigurationReview {
  constructor(
    private readonly repositories: RepositoryStore,
    private readonly packages: PackageStore,
    private readonly plugins: PluginCalls,
    private readonly codec: ConfigurationCodec,
    private readonly logger: Logger,
  ) {}

  async reviewAll(): Promise<{ checked: number; withProblems: number }> {
    const repositories = await this.repositories.all();
    let withProblems = 0;
    const counted = (errors: FieldErrors) => {
      if (Object.keys(errors).length > 0) withProblems += 1;
    };
    await inBatches(repositories, async (repository) => counted(await this.reviewRepository(repository)));
    let checked = repositories.length;
    for (const repository of repositories) {
      const results = await this.reviewPackagesOf(repository);
      checked += results.length;
      results.forEach(counted);
    }
    this.logger.info({ checked, withProblems }, 'configurations validated again by their plugins');
    return { checked, withProblems };
  }

  /** Validates every package of a repository against the repository's current configuration. */
  async reviewPackagesOf(repository: PackageRepository): Promise<FieldErrors[]> {
    const plugin = this.plugins.plugin(repository.pluginId);
    if (!plugin) return [];
    const packages = await this.packages.ofRepository(repository.id);
    const results: FieldErrors[] = [];
    await inBatches(packages, async (pkg) => {
      const errors = await this.safely(async () => {
        const repoPlain = this.codec.plain(plugin.repositoryProperties, repository.configuration, { resourceType: 'repository', resourceId: repository.id });
        const plain = this.codec.plain(plugin.packageProperties, pkg.configuration, { resourceType: 'package', resourceId: pkg.id });
        const secrets = [...secureValues(plugin.repositoryProperties, repoPlain), ...secureValues(plugin.packageProperties, plain)];
        return pluginValidation(() => this.plugins.validatePackage(plugin.id, repoPlain, plain), secrets);
      });
      await this.packages.setConfigurationErrors(pkg.id, errors);
      results.push(errors);
    });
    return results;
  }

  private async reviewRepository(repository: PackageRepository): Promise<FieldErrors> {
    const plugin = this.plugins.plugin(repository.pluginId);
    const errors = plugin
      ? await this.safely(async () => {
          const plain = this.codec.plain(plugin.repositoryProperties, repository.configuration, { resourceType: 'repository', resourceId: repository.id });
          return pluginValidation(() => this.plugins.validateRepository(plugin.id, plain), secureValues(plugin.repositoryProperties, plain));
        })
      : { plugin_id: [`plugin '${repository.pluginId}' is not loaded`] };
    await this.repositories.setConfigurationErrors(repository.id, errors);
    return errors;
  }

  private async safely(work: () => Promise<FieldErrors>): Promise<FieldErrors> {
    try {
      return await work();
    } catch (error) {
      this.logger.warn({ err: error }, 'a stored configuration could not be validated');
      return { configuration: [`could not be validated: ${(error as Error).message}`] };
    }
  }
}

async function inBatches<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
}
