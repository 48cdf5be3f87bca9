import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PluginRefusal, PluginSource } from './plugin-info';
import { readPluginManifest, type PluginManifest } from './plugin-manifest';

export interface Discovery {
  /** In load order: bundled plugins first, each folder by name. */
  manifests: PluginManifest[];
  refusals: PluginRefusal[];
}

/** Finds the plugin packages of the bundled and external folders and reads their manifests. */
export async function discoverPlugins(bundledDir: string, externalDir: string | null): Promise<Discovery> {
  const discovery: Discovery = { manifests: [], refusals: [] };
  const sources: [string, PluginSource][] = [[bundledDir, 'bundled']];
  if (externalDir !== null) sources.push([externalDir, 'external']);
  for (const [dir, source] of sources) {
    const folders = await pluginFolders(dir).catch((error: NodeJS.ErrnoException) => {
      discovery.refusals.push({ location: path.resolve(dir), message: `the plugin folder cannot be read: ${error.code ?? error.message}` });
      return [];
    });
    const results = await Promise.all(folders.map((folder) => manifestOrRefusal(folder, source)));
    for (const result of results) {
      if ('message' in result) discovery.refusals.push(result);
      else discovery.manifests.push(result);
    }
  }
  return discovery;
}

async function pluginFolders(dir: string): Promise<string[]> {
  const root = path.resolve(dir);
  const names = (await readdir(root)).filter((name) => !name.startsWith('.')).sort();
  const folders: string[] = [];
  for (const name of names) {
    const location = path.join(root, name);
    // stat, not the directory entry: a plugin folder may be a symbolic link.
    if ((await stat(location).catch(() => null))?.isDirectory()) folders.push(location);
  }
  return folders;
}

async function manifestOrRefusal(location: string, source: PluginSource): Promise<PluginManifest | PluginRefusal> {
  try {
    return await readPluginManifest(location, source);
  } catch (error) {
    return { location, message: (error as Error).message };
  }
}
