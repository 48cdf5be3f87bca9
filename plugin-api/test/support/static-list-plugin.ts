import {
  definePlugin,
  PermanentError,
  PluginError,
  type BatchAnswer,
  type Configuration,
  type PackageRevision,
  type PluginContext,
  type PluginDefinition,
  type PluginSpec,
} from '../../src';

/** One entry of the fixture's version list. */
interface ListedVersion {
  version: string;
  published: string;
  file: string;
  publisher?: string;
}

type VersionList = Record<string, ListedVersion[]>;

/** Reads the list, reusing the stored copy when the server answers 304 to its ETag. */
async function readList(repo: Configuration, ctx: PluginContext): Promise<VersionList> {
  const etag = await ctx.store.get('list.etag');
  const headers: Record<string, string> = etag ? { 'if-none-match': etag } : {};
  const maxBytes = Number(ctx.settings['MAX_LIST_BYTES']);
  const response = await ctx.http.get({ url: repo['URL'] ?? '', headers, maxBytes });
  if (response.status === 304) {
    response.discard();
    return JSON.parse((await ctx.store.get('list.body')) ?? '{}') as VersionList;
  }
  if (response.status !== 200) {
    response.discard();
    throw new PermanentError(response.status === 404 ? 'not_found' : `http_${response.status}`, `${response.url} answered ${response.status}`);
  }
  const text = await response.text();
  await ctx.store.set('list.body', text);
  await ctx.store.set('list.etag', response.headers['etag'] ?? '');
  return JSON.parse(text) as VersionList;
}

/** The newest published version whose label starts with PREFIX (every version when empty). */
function newest(list: VersionList, pkg: Configuration, base: string): PackageRevision | null {
  const candidates = (list[pkg['NAME'] ?? ''] ?? []).filter((v) => v.version.startsWith(pkg['PREFIX'] ?? ''));
  const latest = candidates.sort((a, b) => Date.parse(b.published) - Date.parse(a.published))[0];
  if (!latest) return null;
  const revision: PackageRevision = {
    revision: latest.version,
    timestamp: new Date(latest.published),
    data: { LOCATION: new URL(latest.file, base).href },
  };
  if (latest.publisher) revision.user = latest.publisher;
  return revision;
}

function newerThan(candidate: PackageRevision | null, previous: PackageRevision | null): PackageRevision | null {
  if (candidate === null || previous === null) return candidate;
  const same = candidate.revision === previous.revision || candidate.timestamp.getTime() <= previous.timestamp.getTime();
  return same ? null : candidate;
}

/**
 * A small, well-behaved plugin: package versions from a JSON list at a URL. The tests derive
 * broken plugins from it.
 */
export function staticListPlugin(): PluginDefinition {
  return definePlugin(staticListSpec());
}

/** The same plugin as its author writes it, before definePlugin. */
export function staticListSpec(): PluginSpec {
  return {
    id: 'static-list',
    displayName: 'Static version list',
    version: '1.0.0',
    capabilities: { batch: true },
    repository: { properties: [{ key: 'URL', displayName: 'List URL', description: 'URL of a JSON version list' }] },
    package: {
      properties: [
        { key: 'NAME', displayName: 'Package name' },
        { key: 'PREFIX', displayName: 'Version prefix', required: false, displayOrder: 1 },
      ],
    },
    settings: { MAX_LIST_BYTES: { type: 'integer', default: 1024 * 1024, description: 'largest list accepted' } },
    async validateRepository(repo) {
      const url = repo['URL'] ?? '';
      return url === '' || /^(https?|file):/.test(url) ? [] : [{ key: 'URL', message: 'URL must be an http, https or file URL' }];
    },
    async checkRepositoryConnection(repo, ctx) {
      try {
        const list = await readList(repo, ctx);
        return { ok: true, messages: [`Read ${Object.keys(list).length} packages from ${repo['URL']}`] };
      } catch (error) {
        if (error instanceof PluginError) return { ok: false, messages: [error.message] };
        throw error;
      }
    },
    async checkPackageConnection(repo, pkg, ctx) {
      const { revision } = await this.latestRevision(repo, pkg, ctx);
      return { ok: revision !== null, messages: [revision ? `Found ${revision.revision}` : `No package ${pkg['NAME']}`], revision };
    },
    async latestRevision(repo, pkg, ctx) {
      return { revision: newest(await readList(repo, ctx), pkg, repo['URL'] ?? '') };
    },
    async latestRevisionSince(repo, pkg, previous, ctx) {
      const { revision } = await this.latestRevision(repo, pkg, ctx);
      return { revision: newerThan(revision, previous) };
    },
    async latestRevisionsSince(repo, items, ctx) {
      const list = await readList(repo, ctx);
      const base = repo['URL'] ?? '';
      return items.map((item): BatchAnswer => ({ key: item.key, result: { revision: newerThan(newest(list, item.package, base), item.previous) } }));
    },
  };
}
