import { PluginError, definePlugin, type BatchAnswer, type Configuration, type PackageRevision, type PluginContext } from '@baton/plugin-api';
import { fetchDocument } from './client';
import { packageProperties, repositoryProperties, validatePackage, validateRepository } from './config';
import { parseDocument, type ListedPackage, type ListedVersion } from './parse-document';

async function readList(repository: Configuration, ctx: PluginContext): Promise<Map<string, ListedPackage>> {
  return parseDocument(await fetchDocument(repository, ctx), repository['URL']);
}

function toRevision(version: ListedVersion): PackageRevision {
  const data: Record<string, string> = {};
  if (version.url) data['LOCATION'] = version.url;
  if (version.sha256) data['CHECKSUM'] = `sha256:${version.sha256}`;
  return { revision: version.version, timestamp: version.published, comment: version.comment, data };
}

/** The last usable entry is the latest; skipped entries are reported as warnings. */
function latest(list: Map<string, ListedPackage>, name: string): { revision: PackageRevision | null; warnings: string[] } {
  const listed = list.get(name);
  const last = listed?.versions[listed.versions.length - 1];
  const warnings = listed && listed.skipped > 0 ? [`${listed.skipped} unusable entries of '${name}' were skipped`] : [];
  return { revision: last ? toRevision(last) : null, warnings };
}

function newerThan(answer: { revision: PackageRevision | null; warnings: string[] }, previous: PackageRevision | null) {
  const revision = answer.revision && answer.revision.revision !== previous?.revision ? answer.revision : null;
  return { revision, warnings: answer.warnings };
}

export default definePlugin({
  id: 'json-file',
  displayName: 'JSON package list',
  version: '1.0.0',
  capabilities: { batch: true },
  repository: { properties: repositoryProperties },
  package: { properties: packageProperties },
  validateRepository,
  validatePackage,

  async checkRepositoryConnection(repository, ctx) {
    try {
      const list = await readList(repository, ctx);
      return { ok: true, messages: [`Read the package list at ${repository['URL']}: ${list.size} packages.`] };
    } catch (error) {
      if (error instanceof PluginError) return { ok: false, messages: [error.message] };
      throw error;
    }
  },

  async checkPackageConnection(repository, pkg, ctx) {
    const name = pkg['NAME'];
    try {
      const { revision } = latest(await readList(repository, ctx), name);
      if (!revision) return { ok: false, messages: [`Package '${name}' is not in the package list at ${repository['URL']}.`], revision: null };
      return { ok: true, messages: [`Found package '${name}' at version ${revision.revision}.`], revision };
    } catch (error) {
      if (error instanceof PluginError) return { ok: false, messages: [error.message], revision: null };
      throw error;
    }
  },

  async latestRevision(repository, pkg, ctx) {
    return latest(await readList(repository, ctx), pkg['NAME']);
  },

  async latestRevisionSince(repository, pkg, previous, ctx) {
    return newerThan(latest(await readList(repository, ctx), pkg['NAME']), previous);
  },

  async latestRevisionsSince(repository, items, ctx): Promise<BatchAnswer[]> {
    const list = await readList(repository, ctx);
    return items.map((item) => ({ key: item.key, result: newerThan(latest(list, item.package['NAME']), item.previous) }));
  },
});
