import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NewPluginRefusal, newPlugin } from '../scripts/src/new-plugin';
import { PROJECT_ROOT } from './support/databases';
import { buildProblems, conformanceTestProblems, listingProblems, manifestProblems, manifestOf, type ListedPlugin } from './support/plugin-folder-shape';
import { runCommand, runOrFail } from './support/run-command';
import { startTestServer } from './support/test-server';

const SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'dist', 'new-plugin.js');
const TSC = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TEMPLATE = path.join(PROJECT_ROOT, 'templates', 'plugin');

/**
 * A copy of the checkout's root, outside it, that the generator writes into: its own plugins/
 * and tsconfig.json, the rest linked to the checkout (packages, template, base configuration).
 */
function checkoutCopy(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-new-plugin-'));
  fs.copyFileSync(path.join(PROJECT_ROOT, 'tsconfig.json'), path.join(root, 'tsconfig.json'));
  // Linked, not copied: a newer tsconfig.base.json would make tsc -b build the linked packages again, in the checkout.
  fs.symlinkSync(path.join(PROJECT_ROOT, 'tsconfig.base.json'), path.join(root, 'tsconfig.base.json'));
  for (const linked of ['node_modules', 'plugin-api', 'plugin-kit', 'templates'])
    fs.symlinkSync(path.join(PROJECT_ROOT, linked), path.join(root, linked), 'dir');
  fs.mkdirSync(path.join(root, 'plugins', 'taken'), { recursive: true });
  return root;
}

/** Every file of a folder, relative to it. */
function filesOf(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('the plugin template', () => {
  it('has the shape of a plugin folder and is built by the root build', () => {
    expect([...manifestProblems(TEMPLATE), ...buildProblems(PROJECT_ROOT, TEMPLATE), ...conformanceTestProblems(TEMPLATE)]).toEqual([]);
  });
});

describe('npm run new-plugin', () => {
  let root: string;

  beforeAll(() => {
    root = checkoutCopy();
  });

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('given a good name', () => {
    let folder: string;
    let printed: string;

    beforeAll(async () => {
      printed = (await runOrFail(process.execPath, [SCRIPT, 'my-registry', '--root', root], { cwd: root })).stdout;
      folder = path.join(root, 'plugins', 'my-registry');
    });

    it("copies the template's sources, tests, fixtures and README, leaving its build output behind", () => {
      const expected = filesOf(TEMPLATE).filter((file) => !file.startsWith('dist') && file !== 'tsconfig.tsbuildinfo');

      expect(filesOf(folder)).toEqual(expected);
    });

    it('renames the package, the plugin id, the display name and the README title', () => {
      const index = fs.readFileSync(path.join(folder, 'src', 'index.ts'), 'utf8');
      const readme = fs.readFileSync(path.join(folder, 'README.md'), 'utf8');

      expect(manifestOf(folder).name).toBe('@baton/plugin-my-registry');
      expect(index).toContain("id: 'my-registry'");
      expect(index).toContain("displayName: 'My registry'");
      expect(readme.split('\n')[0]).toBe('# My registry plugin');
    });

    it("keeps nothing of the template's names, nor the README's words about the template", () => {
      const leftovers = filesOf(folder).filter((file) =>
        /json-index|JSON version index|template-only|new-plugin/.test(fs.readFileSync(path.join(folder, file), 'utf8')),
      );

      expect(leftovers).toEqual([]);
    });

    it('adds the folder to the root build, keeping tsconfig.json as it was formatted otherwise', () => {
      const before = fs.readFileSync(path.join(PROJECT_ROOT, 'tsconfig.json'), 'utf8');
      const after = fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8');

      expect(after.replace('    { "path": "plugins/my-registry" },\n', '')).toBe(before);
      expect(printed).toContain('Added { "path": "plugins/my-registry" } to the references of tsconfig.json');
    });

    it('says what to do next', () => {
      expect(printed).toMatch(/^Created plugins\/my-registry: package @baton\/plugin-my-registry, plugin id 'my-registry'/);
      expect(printed).toContain('npm install');
      expect(printed).toContain('npm test -- plugins/my-registry');
    });

    it('makes a folder with the shape every bundled plugin has, which builds and which the server loads', async () => {
      await runOrFail(process.execPath, [TSC, '-b', folder], { cwd: root });
      const baton = await startTestServer('embedded', { env: { BATON_PLUGINS_DIR: path.join(root, 'plugins') } });
      try {
        const listed = (await baton.api.get('/api/plugins')).body.plugins as ListedPlugin[];

        expect([
          ...manifestProblems(folder),
          ...buildProblems(root, folder),
          ...conformanceTestProblems(folder),
          ...listingProblems(folder, listed, 'external'),
        ]).toEqual([]);
      } finally {
        await baton.destroy();
      }
    });
  });

  describe('refuses', () => {
    it.each([
      ['upper case', 'My-Registry'],
      ['an underscore', 'my_registry'],
      ['a space', 'my registry'],
      ['a leading digit', '1registry'],
      ['a leading dash', '-registry'],
      ['a path', '../registry'],
      ['nothing', ''],
      ['64 characters', `r${'e'.repeat(63)}`],
    ])('a name with %s, saying what a name may hold', (_case, name) => {
      expect(() => newPlugin({ name, root })).toThrow(
        new NewPluginRefusal(
          `'${name}' is not a plugin name: use lower-case letters, digits and '-', starting with a letter, at most 63 characters (for example 'my-registry')`,
        ),
      );
    });

    it('the name of a folder that exists already', () => {
      expect(() => newPlugin({ name: 'taken', root })).toThrow(
        new NewPluginRefusal('plugins/taken exists already: choose another name, or remove that folder first'),
      );
    });

    it('on the command line with exit code 1 and the reason, creating nothing and leaving tsconfig.json alone', async () => {
      const tsconfig = fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8');
      const folders = fs.readdirSync(path.join(root, 'plugins')).sort();

      const result = await runCommand(process.execPath, [SCRIPT, 'Bad_Name', '--root', root], { cwd: root });

      expect(result.status).toBe(1);
      expect(result.stderr).toContain("new-plugin: 'Bad_Name' is not a plugin name");
      expect(fs.readdirSync(path.join(root, 'plugins')).sort()).toEqual(folders);
      expect(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')).toBe(tsconfig);
    });

    it('to run without a name, showing how to call it', async () => {
      const result = await runCommand(process.execPath, [SCRIPT, '--root', root], { cwd: root });

      expect(result.status).toBe(2);
      expect(result.stderr).toContain('usage: npm run new-plugin NAME');
    });
  });
});
