import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PLUGIN_API_VERSION } from '@baton/plugin-api';
import type { PluginSource } from './plugin-info';

/** What a plugin package's `package.json` says about it, checked before any of its code runs. */
export interface PluginManifest {
  location: string;
  source: PluginSource;
  /** Absolute path of the built entry file. */
  entryFile: string;
  packageName: string | null;
  packageVersion: string | null;
}

const EXAMPLE = `"baton": { "plugin": "dist/index.js", "apiVersion": ${PLUGIN_API_VERSION} }`;

/** Reads and checks a plugin package's manifest; throws an error that says what is wrong. */
export async function readPluginManifest(location: string, source: PluginSource): Promise<PluginManifest> {
  const pkg = await readPackageJson(location);
  const baton = pkg['baton'];
  if (typeof baton !== 'object' || baton === null || Array.isArray(baton)) {
    throw new Error(`its package.json has no "baton" section; a plugin package declares ${EXAMPLE}`);
  }
  const { plugin, apiVersion } = baton as Record<string, unknown>;
  if (!Number.isInteger(apiVersion)) throw new Error(`baton.apiVersion in its package.json must be an integer (this server speaks v${PLUGIN_API_VERSION})`);
  if (apiVersion !== PLUGIN_API_VERSION) {
    throw new Error(`it was built for plugin API v${String(apiVersion)}; this server speaks v${PLUGIN_API_VERSION}`);
  }
  const entryFile = await checkEntryFile(location, plugin);
  return {
    location,
    source,
    entryFile,
    packageName: typeof pkg['name'] === 'string' ? pkg['name'] : null,
    packageVersion: typeof pkg['version'] === 'string' ? pkg['version'] : null,
  };
}

async function readPackageJson(location: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path.join(location, 'package.json'), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'it has no package.json' : `its package.json cannot be read: ${code ?? String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`its package.json is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('its package.json is not a JSON object');
  return parsed as Record<string, unknown>;
}

async function checkEntryFile(location: string, plugin: unknown): Promise<string> {
  const inside = typeof plugin === 'string' && plugin.trim() !== '' && !path.isAbsolute(plugin);
  const entryFile = inside ? path.resolve(location, plugin) : '';
  if (!inside || !entryFile.startsWith(location + path.sep)) {
    throw new Error(`baton.plugin in its package.json must be the built entry file, relative to the package (${EXAMPLE})`);
  }
  const found = await stat(entryFile).catch(() => null);
  if (!found?.isFile()) throw new Error(`its entry file ${plugin} does not exist (is the plugin built?)`);
  return entryFile;
}
