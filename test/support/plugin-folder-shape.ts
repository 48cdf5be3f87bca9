// The one shape every plugin folder has, as checks that each answer what is wrong (nothing when
// all is well): the bundled plugins are held to it, and so is what `npm run new-plugin` makes.

import fs from 'node:fs';
import path from 'node:path';
import { PLUGIN_API_VERSION } from '../../plugin-api/src/api-version';

interface Manifest {
  name?: string;
  baton?: { plugin?: unknown; apiVersion?: unknown };
  dependencies?: Record<string, string>;
}

/** A plugin as `GET /api/plugins` lists it. */
export interface ListedPlugin {
  id: string;
  source: string;
  repository_configuration: { key: string; type: string }[];
  package_configuration: { key: string; type: string }[];
}

export const manifestOf = (folder: string): Manifest => JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')) as Manifest;

/** The keys a plugin's README lists in its table of keys, by scope (`| repository | `KEY` | …`). */
export function documentedKeys(folder: string): { repository: string[]; package: string[] } {
  const readme = fs.readFileSync(path.join(folder, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\|\s*(repository|package)\s*\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)];
  const of = (scope: string) => rows.filter((row) => row[1] === scope).map((row) => row[2]);
  return { repository: of('repository').sort(), package: of('package').sort() };
}

/** package.json names the built entry file, the plugin API it speaks, and depends on that API. */
export function manifestProblems(folder: string): string[] {
  const manifest = manifestOf(folder);
  const problems: string[] = [];
  if (!/^dist\/.+\.js$/.test(String(manifest.baton?.plugin))) problems.push(`baton.plugin is ${String(manifest.baton?.plugin)}, not a dist/….js file`);
  if (manifest.baton?.apiVersion !== PLUGIN_API_VERSION) problems.push(`baton.apiVersion is ${String(manifest.baton?.apiVersion)}, not ${PLUGIN_API_VERSION}`);
  if (!Object.keys(manifest.dependencies ?? {}).includes('@baton/plugin-api')) problems.push('@baton/plugin-api is not among its dependencies');
  return problems;
}

/**
 * The root build builds the folder: `tsc -b` cannot find projects by a pattern, so the root
 * tsconfig.json must list it (`npm run new-plugin` adds the line); its entry file exists.
 */
export function buildProblems(root: string, folder: string): string[] {
  const reference = path.relative(root, folder).split(path.sep).join('/');
  const config = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')) as { references: { path: string }[] };
  const problems: string[] = [];
  if (!config.references.some((r) => r.path === reference)) problems.push(`the root tsconfig.json has no reference to ${reference}`);
  const entry = String(manifestOf(folder).baton?.plugin);
  if (!fs.existsSync(path.join(folder, entry))) problems.push(`its entry file ${entry} does not exist`);
  return problems;
}

/** Some test file of test/ runs the conformance kit. */
export function conformanceTestProblems(folder: string): string[] {
  const testDir = path.join(folder, 'test');
  const tests = fs.existsSync(testDir) ? fs.readdirSync(testDir).filter((name) => name.endsWith('.test.ts')) : [];
  const usesKit = tests.some((name) => fs.readFileSync(path.join(testDir, name), 'utf8').includes('@baton/plugin-api/testing'));
  return usesKit ? [] : ['no test in test/ runs the conformance kit of @baton/plugin-api/testing'];
}

/** The server lists the plugin under the folder's name, and its README lists exactly the keys it declares. */
export function listingProblems(folder: string, listed: ListedPlugin[], source: 'bundled' | 'external'): string[] {
  const id = path.basename(folder);
  const plugin = listed.find((p) => p.source === source && p.id === id);
  if (plugin === undefined) return [`no ${source} plugin '${id}' is listed by GET /api/plugins`];
  const declared = {
    repository: plugin.repository_configuration.map((p) => p.key).sort(),
    package: plugin.package_configuration.map((p) => p.key).sort(),
  };
  const documented = documentedKeys(folder);
  return JSON.stringify(documented) === JSON.stringify(declared)
    ? []
    : [`its README lists the keys ${JSON.stringify(documented)}, the plugin declares ${JSON.stringify(declared)}`];
}
