import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './support/databases';
import { buildProblems, conformanceTestProblems, listingProblems, manifestProblems, type ListedPlugin } from './support/plugin-folder-shape';
import { startTestServer, type TestServer } from './support/test-server';

const PLUGINS_DIR = path.join(PROJECT_ROOT, 'plugins');
const FOLDERS = fs
  .readdirSync(PLUGINS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const folder = (name: string) => path.join(PLUGINS_DIR, name);

/**
 * Every folder in plugins/ is held to one shape, so that adding a plugin needs no edit outside
 * its folder but one: its line in the root tsconfig.json's references, which `npm run new-plugin`
 * adds and this test names.
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

  it.each(FOLDERS)('%s declares its entry file and the plugin API it speaks in package.json', (name) => {
    expect(manifestProblems(folder(name))).toEqual([]);
  });

  it.each(FOLDERS)('%s is built by the root build (a reference in tsconfig.json) and its entry file exists', (name) => {
    expect(buildProblems(PROJECT_ROOT, folder(name))).toEqual([]);
  });

  it.each(FOLDERS)('%s has a conformance test', (name) => {
    expect(conformanceTestProblems(folder(name))).toEqual([]);
  });

  it.each(FOLDERS)("%s is loaded under its folder's name, and its README lists exactly the keys it declares", (name) => {
    expect(listingProblems(folder(name), listed, 'bundled')).toEqual([]);
  });
});
