import { definePlugin, type Configuration, type PluginContext, type RevisionResult } from '@baton/plugin-api';
import { fetchIndex } from './client';
import { includesPrereleases, indexUrl, packageProperties, repositoryProperties, validateRepository } from './config';
import { latestVersion } from './latest-version';
import { packageEntries } from './parse-index';
import { parseVersion } from './version';

async function latest(repository: Configuration, pkg: Configuration, ctx: PluginContext, newerThan: string | null): Promise<RevisionResult> {
  const url = indexUrl(repository);
  const found = packageEntries(await fetchIndex(url, ctx), pkg['NAME'] ?? '');
  if (found === null) return { revision: null };
  return latestVersion(found, url, { includePrereleases: includesPrereleases(pkg), newerThan: newerThan === null ? null : parseVersion(newerThan) });
}

/** Watches a JSON index served over HTTP that lists each package's versions. */
export default definePlugin({
  id: 'json-index',
  displayName: 'JSON version index',
  version: '1.0.0',
  capabilities: { batch: false },
  repository: { properties: repositoryProperties },
  package: { properties: packageProperties },
  validateRepository,

  async checkRepositoryConnection(repository, ctx) {
    const index = await fetchIndex(indexUrl(repository), ctx);
    return { ok: true, messages: [`The index lists ${Object.keys(index).length} packages`] };
  },

  async checkPackageConnection(repository, pkg, ctx) {
    const { revision } = await latest(repository, pkg, ctx, null);
    const name = pkg['NAME'] ?? '';
    return { ok: revision !== null, messages: [revision ? `Found ${name} ${revision.revision}` : `The index lists no version of ${name}`], revision };
  },

  latestRevision: (repository, pkg, ctx) => latest(repository, pkg, ctx, null),

  latestRevisionSince: (repository, pkg, previous, ctx) => latest(repository, pkg, ctx, previous.revision),
});
