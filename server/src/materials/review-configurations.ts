import type { Logger } from 'pino';
import type { ConfigurationCodec } from './configuration-codec';
import type { ConfigurationReview } from './configuration-review';
import type { PackageStore } from './package-store';
import { pluginValidation, type PluginCalls } from './plugin-calls';
import type { RepositoryStore } from './repository-store';

export interface ReviewDependencies {
  repositories: RepositoryStore;
  packages: PackageStore;
  plugins: PluginCalls;
  codec: ConfigurationCodec;
  review: ConfigurationReview;
  logger: Logger;
}

/**
 * Validates every stored configuration again with its plugin (a plugin may have been upgraded
 * and grown stricter) and records what it finds; one plugin failing does not stop the rest.
 */
export async function reviewConfigurations(deps: ReviewDependencies): Promise<{ checked: number; withProblems: number }> {
  const { repositories, packages, plugins, codec, review, logger } = deps;
  const repositoryList = await repositories.all();
  const repositoryPlain = new Map<string, Record<string, string>>();
  let checked = 0;
  let withProblems = 0;
  const note = (id: string, errors: Record<string, string[]>) => {
    checked += 1;
    if (Object.keys(errors).length > 0) withProblems += 1;
    review.record(id, errors);
  };
  for (const repository of repositoryList) {
    const plugin = plugins.plugin(repository.pluginId);
    if (!plugin) {
      note(repository.id, { plugin_id: [`plugin '${repository.pluginId}' is not loaded`] });
      continue;
    }
    const plain = codec.plain(plugin.repositoryProperties, repository.configuration, { resourceType: 'repository', resourceId: repository.id });
    repositoryPlain.set(repository.id, plain);
    note(repository.id, await safely(() => pluginValidation(() => plugins.validateRepository(plugin.id, plain)), logger));
  }
  const byId = new Map(repositoryList.map((r) => [r.id, r]));
  for (const pkg of await packages.all()) {
    const repository = byId.get(pkg.repositoryId);
    const plugin = repository ? plugins.plugin(repository.pluginId) : undefined;
    const repoPlain = repositoryPlain.get(pkg.repositoryId);
    if (!plugin || !repoPlain) continue;
    const plain = codec.plain(plugin.packageProperties, pkg.configuration, { resourceType: 'package', resourceId: pkg.id });
    note(pkg.id, await safely(() => pluginValidation(() => plugins.validatePackage(plugin.id, repoPlain, plain)), logger));
  }
  logger.info({ checked, withProblems }, 'configurations validated again by their plugins');
  return { checked, withProblems };
}

async function safely(work: () => Promise<Record<string, string[]>>, logger: Logger): Promise<Record<string, string[]>> {
  try {
    return await work();
  } catch (error) {
    logger.warn({ err: error }, 'a configuration could not be validated');
    return {};
  }
}
