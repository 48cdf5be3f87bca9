import { definePlugin, type PackageCheckResult, type PluginContext } from '@baton/plugin-api';

/** Runs a store action and reports what the plugin saw, errors included. */
async function storeAction(action: string | undefined, ctx: PluginContext): Promise<PackageCheckResult> {
  try {
    if (action === 'long-key') await ctx.store.set('k'.repeat(201), 'v');
    if (action === 'big-value') await ctx.store.set('big', 'x'.repeat(8 * 1024 * 1024 + 1));
    if (action === 'count') await ctx.store.set('visits', String(Number((await ctx.store.get('visits')) ?? '0') + 1));
    if (action === 'forget') await ctx.store.delete('visits');
    return { ok: true, messages: [String(await ctx.store.get('visits'))] };
  } catch (error) {
    return { ok: false, messages: [`${(error as Error).name}: ${(error as Error).message}`] };
  }
}

export default definePlugin({
  id: 'inspector',
  displayName: 'Inspector (test)',
  version: '2.1.0',
  capabilities: { batch: false },
  repository: { properties: [{ key: 'TOKEN', displayName: 'Token', required: false, secure: true, partOfIdentity: false }] },
  package: { properties: [{ key: 'ACTION', displayName: 'Action' }] },
  settings: {
    LIMIT: { type: 'integer', default: 5, min: 1, max: 100, description: 'a number' },
    GREETING: { type: 'string', default: 'hello', description: 'a word' },
    VERBOSE: { type: 'boolean', default: false, description: 'a flag' },
  },
  environment: ['INSPECTOR_HOME', 'inspector_cfg_*'],
  async checkRepositoryConnection(repository, ctx) {
    // Printing is not logging, but it reaches the server's log all the same.
    console.log(`printed token ${repository['TOKEN']}`);
    ctx.log.warn(`connecting with token ${repository['TOKEN']}`, { token: repository['TOKEN'], nested: { again: repository['TOKEN'] }, plugin: 'forged' });
    return { ok: true, messages: Object.keys(process.env).sort() };
  },
  async checkPackageConnection(_repository, pkg, ctx) {
    if (pkg['ACTION'] === 'settings') return { ok: true, messages: [JSON.stringify(ctx.settings)] };
    return storeAction(pkg['ACTION'], ctx);
  },
  async latestRevision() {
    return { revision: null };
  },
  async latestRevisionSince() {
    return { revision: null };
  },
});
