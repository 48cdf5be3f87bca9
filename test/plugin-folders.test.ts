import fs from 'node:fs';
import path from 'node:path';
import { PLUGIN_API_VERSION } from '../plugin-api/src/api-version';
import { PROJECT_ROOT } from './support/databases';
import { startTestServer, type TestServer } from './support/test-server';

const PLUGINS_DIR = path.join(PROJECT_ROOT, 'plugins');
const FOLDERS = fs
  .readdirSync(PLUGINS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

interface Manifest {
  name?: string;
  baton?: { plugin?: unknown; apiVersion?: unknown };
  dependencies?: Record<string, string>;
}

interface ListedPlugin {
  id: string;
  source: string;
  repository_configuration: { key: string }[];
  package_configuration: { key: string }[];
}

const manifestOf = (folder: string): Manifest => JSON.parse(fs.readFileSync(path.join(PLUGINS_DIR, folder, 'package.json'), 'utf8')) as Manifest;

/** The keys a plugin's README lists in its table of keys, by scope (`| repository | `KEY` | …`). */
function documentedKeys(folder: string): { repository: string[]; package: string[] } {
  const readme = fs.readFileSync(path.join(PLUGINS_DIR, folder, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\|\s*(repository|package)\s*\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)];
  const of = (scope: string) => rows.filter((row) => row[1] === scope).map((row) => row[2]);
  return { repository: of('repository').sort(), package: of('package').sort() };
}

/**
 * Every folder in plugins/ is held to one shape, so that adding a plugin needs no edit outside
 * its folder but one: its line in the root tsconfig.json's references, which this test names.
 */
describe('the bundled plugin folders', () => {
  let baton: TestServer;
  let listed: ListedPlugin[];

  beforeAll(async () => {
    baton = await startTestServer('embedded');
    listed = (await baton.api.get('/api/plugins')).body.plugins as ListedPlugin[];
  });

  afterAll(async () => {
    await baton?.destroy();
  });

  it('are there', () => {
    expect(FOLDERS.length).toBeGreaterThan(0);
  });

  it.each(FOLDERS)('%s declares its entry file and the plugin API it speaks in package.json', (folder) => {
    const manifest = manifestOf(folder);

    expect(manifest.baton?.plugin).toEqual(expect.stringMatching(/^dist\/.+\.js$/));
    expect(manifest.baton?.apiVersion).toBe(PLUGIN_API_VERSION);
    expect(Object.keys(manifest.dependencies ?? {})).toContain('@baton/plugin-api');
  });

  it.each(FOLDERS)('%s is built by the root build (a reference in tsconfig.json) and its entry file exists', (folder) => {
    const references = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'tsconfig.json'), 'utf8')) as { references: { path: string }[] }).references;

    expect(references.map((r) => r.path)).toContain(`plugins/${folder}`);
    expect(fs.existsSync(path.join(PLUGINS_DIR, folder, String(manifestOf(folder).baton?.plugin)))).toBe(true);
  });

  it.each(FOLDERS)('%s has a conformance test', (folder) => {
    const tests = fs.readdirSync(path.join(PLUGINS_DIR, folder, 'test')).filter((name) => name.endsWith('.test.ts'));
    const usesKit = tests.some((name) => fs.readFileSync(path.join(PLUGINS_DIR, folder, 'test', name), 'utf8').includes('@baton/plugin-api/testing'));

    expect(usesKit).toBe(true);
  });

  it.each(FOLDERS)("%s is loaded under its folder's name, and its README lists exactly the keys it declares", (folder) => {
    const plugin = listed.find((p) => p.source === 'bundled' && p.id === folder);

    expect(plugin).toBeDefined();
    expect(documentedKeys(folder)).toEqual({
      repository: plugin!.repository_configuration.map((p) => p.key).sort(),
      package: plugin!.package_configuration.map((p) => p.key).sort(),
    });
  });
});
