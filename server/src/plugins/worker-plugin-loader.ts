import { pathToFileURL } from 'node:url';
import { PLUGIN_API_VERSION, definePlugin, resolveProperty, specProblems } from '@baton/plugin-api';
import type { PluginDefinition, PluginSpec } from '@baton/plugin-api';
import type { PluginDescriptor } from './protocol';

/**
 * Imports a plugin's entry file inside its worker and checks what it exports. A real dynamic
 * `import()`, so CommonJS and ESM plugins both load. Throws an error that says what is wrong.
 */
export async function loadPluginDefinition(entryFile: string): Promise<PluginDefinition> {
  const namespace = await importEntry(entryFile);
  const exported = pickExport(namespace);
  if (exported === undefined || exported === null) {
    throw new Error('the entry file has neither a default export nor a `plugin` export');
  }
  const problems = specProblems(exported);
  if (problems.length > 0) throw new Error(`the plugin is not well defined: ${problems.join('; ')}`);
  const apiVersion = (exported as { apiVersion?: unknown }).apiVersion;
  if (apiVersion !== undefined && apiVersion !== PLUGIN_API_VERSION) {
    throw new Error(`the plugin was built for plugin API v${JSON.stringify(apiVersion)}; this server speaks v${PLUGIN_API_VERSION}`);
  }
  // Defined again with the host's own helper, so a hand-written spec (or one built by another
  // copy of the API package) gets resolved properties and the generic validation all the same.
  return definePlugin(exported as PluginSpec);
}

async function importEntry(entryFile: string): Promise<unknown> {
  try {
    return await import(pathToFileURL(entryFile).href);
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    throw new Error(`its entry file failed to load: ${name}: ${message}`);
  }
}

function pickExport(namespace: unknown): unknown {
  const ns = namespace as Record<string, unknown>;
  const main = ns['default'];
  // A CommonJS module compiled from `export default` arrives as `{ default: module.exports }`.
  if (typeof main === 'object' && main !== null && (main as Record<string, unknown>)['__esModule'] === true) {
    const exports = main as Record<string, unknown>;
    return exports['default'] ?? exports['plugin'];
  }
  return main ?? ns['plugin'];
}

/** What the host learns of a loaded plugin. */
export function describePlugin(definition: PluginDefinition): PluginDescriptor {
  return {
    id: definition.id,
    displayName: definition.displayName,
    version: definition.version,
    apiVersion: definition.apiVersion,
    capabilities: { batch: definition.capabilities.batch },
    repositoryProperties: definition.repository.properties.map(resolveProperty),
    packageProperties: definition.package.properties.map(resolveProperty),
    settings: definition.settings,
    environment: definition.environment,
    fetchCredentials: definition.fetchCredentials,
  };
}
