import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from './support/databases';
import { listingProblems, type ListedPlugin } from './support/plugin-folder-shape';
import { offlineLockfile, type PackedPackage } from './support/offline-lockfile';
import { runOrFail } from './support/run-command';
import { startTestServer } from './support/test-server';

/**
 * An author outside Baton's repository builds a plugin from the published packages alone: the
 * tarballs `npm pack` makes of plugin-api and plugin-kit, installed into a folder that is not
 * part of the workspace, compiled strictly under both module resolutions a project may use,
 * tested with the conformance kit, and loaded by a server from BATON_PLUGINS_DIR.
 */

const TEMPLATE = path.join(PROJECT_ROOT, 'templates', 'plugin');
const TSC = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const JEST = path.join(PROJECT_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
/** The npm that runs this test (`npm test`), else the one on the PATH. */
const NPM_CLI = process.env['npm_execpath'];

/** What the build's options are called in each resolution, beside what both share. */
const RESOLUTIONS = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  node10: { module: 'commonjs', moduleResolution: 'node' },
} as const;

/** The first TypeScript example of plugin-api's README that holds `marker`. */
function readmeExample(marker: string): string {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'plugin-api', 'README.md'), 'utf8');
  const example = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]).find((code) => code.includes(marker));
  if (example === undefined) throw new Error(`plugin-api/README.md has no TypeScript example with ${marker}`);
  return example;
}

/** plugin-api's README examples, a plugin and its conformance test, compiled with the template. */
function writeReadmeExamples(project: string): void {
  const folder = path.join(project, 'examples', 'static-list');
  fs.mkdirSync(path.join(folder, 'src'), { recursive: true });
  fs.mkdirSync(path.join(folder, 'test'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'src', 'index.ts'), readmeExample('import { definePlugin'));
  fs.writeFileSync(path.join(folder, 'test', 'conformance.test.ts'), readmeExample('import { describeConformance'));
}

interface PackResult {
  name: string;
  version: string;
  filename: string;
  integrity: string;
  files: { path: string }[];
}

/** Children run as from a plain shell: nothing of the npm or jest run this test is part of. */
const childEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_') && !name.startsWith('JEST_')));

const npm = (args: string[], cwd: string) =>
  NPM_CLI?.endsWith('.js') ? runOrFail(process.execPath, [NPM_CLI, ...args], { cwd, env: childEnv() }) : runOrFail('npm', args, { cwd, env: childEnv() });

async function pack(destination: string): Promise<PackResult[]> {
  const packages = ['plugin-api', 'plugin-kit'].map((folder) => path.join(PROJECT_ROOT, folder));
  const { stdout } = await npm(['pack', ...packages, '--pack-destination', destination, '--json', '--offline'], destination);
  return JSON.parse(stdout) as PackResult[];
}

/** The template as an author starts from it, depending on the tarballs, with a lock that pins the rest. */
function authorProject(root: string, packed: PackResult[]): string {
  const project = path.join(root, 'json-index');
  for (const part of ['package.json', 'README.md', 'src', 'test']) fs.cpSync(path.join(TEMPLATE, part), path.join(project, part), { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const tarballs: PackedPackage[] = packed.map((p) => ({
    name: p.name,
    version: p.version,
    resolved: `file:../${p.filename}`,
    integrity: p.integrity,
    manifest: JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, p.name.replace('@baton/', ''), 'package.json'), 'utf8')) as PackedPackage['manifest'],
  }));
  for (const tarball of tarballs) manifest.dependencies[tarball.name] = tarball.resolved;
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(offlineLockfile(manifest, tarballs), null, 2));
  return project;
}

function writeTsconfig(project: string, resolution: keyof typeof RESOLUTIONS): string {
  const file = path.join(project, `tsconfig.${resolution}.json`);
  const compilerOptions = {
    ...RESOLUTIONS[resolution],
    target: 'ES2022',
    lib: ['ES2022'],
    strict: true,
    // No skipLibCheck: every declaration file is checked, the packed packages' own included.
    esModuleInterop: true,
    types: ['node', 'jest'],
    rootDir: '.',
    outDir: `build/${resolution}`,
  };
  fs.writeFileSync(file, JSON.stringify({ compilerOptions, include: ['src', 'test', 'examples'] }, null, 2));
  return file;
}

describe('a plugin built outside the workspace from the packed plugin-api and plugin-kit', () => {
  let root: string;
  let packed: PackResult[];
  let project: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-plugin-author-'));
    packed = await pack(root);
    project = authorProject(root, packed);
    writeReadmeExamples(project);
  }, 300_000);

  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('packs both packages with their built entry points, typings and changelog, and no sources or tests', () => {
    const contents = packed.map((p) => ({ name: p.name, files: p.files.map((f) => f.path) }));

    for (const { files } of contents) {
      expect(files).toEqual(
        expect.arrayContaining([
          'package.json',
          'README.md',
          'CHANGELOG.md',
          'dist/index.js',
          'dist/index.d.ts',
          'dist/testing/index.js',
          'dist/testing/index.d.ts',
        ]),
      );
      expect(files.filter((file) => !file.startsWith('dist/') && !['package.json', 'README.md', 'CHANGELOG.md'].includes(file))).toEqual([]);
      expect(files.filter((file) => /\.test\.|tsbuildinfo/.test(file))).toEqual([]);
    }
    expect(contents.map((c) => c.name).sort()).toEqual(['@baton/plugin-api', '@baton/plugin-kit']);
  });

  it('installs offline, compiles strictly (with the README examples) under node16 and node (commonjs) resolution, passes its conformance test, and is loaded by a server', async () => {
    await npm(['install', '--offline', '--no-audit', '--no-fund'], project);
    for (const resolution of ['node16', 'node10'] as const) {
      await runOrFail(process.execPath, [TSC, '-p', writeTsconfig(project, resolution)], { cwd: project, env: childEnv() });
      fs.cpSync(path.join(project, 'test', 'fixtures'), path.join(project, 'build', resolution, 'test', 'fixtures'), { recursive: true });
    }

    // The template's tests only: the README's example has no fixtures to run against.
    const config = { rootDir: path.join(project, 'build'), testEnvironment: 'node', testMatch: ['<rootDir>/*/test/*.test.js'], transform: {}, watchman: false };
    const jest = await runOrFail(process.execPath, [JEST, '--ci', '--config', JSON.stringify(config)], { cwd: project, env: childEnv() });

    expect(jest.stderr).toMatch(/PASS .*build\/node16\/test\/conformance\.test\.js/);
    expect(jest.stderr).toMatch(/PASS .*build\/node10\/test\/conformance\.test\.js/);
    expect(jest.stderr).not.toMatch(/FAIL/);

    // The built package as an operator deploys it: package.json, README.md, dist/ and node_modules/.
    const pluginsDir = path.join(root, 'plugins');
    const deployed = path.join(pluginsDir, 'json-index');
    fs.mkdirSync(deployed, { recursive: true });
    for (const file of ['package.json', 'README.md']) fs.copyFileSync(path.join(project, file), path.join(deployed, file));
    fs.cpSync(path.join(project, 'build', 'node16', 'src'), path.join(deployed, 'dist'), { recursive: true });
    fs.symlinkSync(path.join(project, 'node_modules'), path.join(deployed, 'node_modules'), 'dir');
    const baton = await startTestServer('embedded', { env: { BATON_PLUGINS_DIR: pluginsDir } });
    try {
      const listed = (await baton.api.get('/api/plugins')).body.plugins as ListedPlugin[];
      const plugin = listed.find((p) => p.id === 'json-index');

      expect(listingProblems(deployed, listed, 'external')).toEqual([]);
      expect(plugin?.repository_configuration.map((p) => [p.key, p.type])).toEqual([['INDEX_URL', 'string']]);
      expect(plugin?.package_configuration.map((p) => [p.key, p.type])).toEqual([
        ['NAME', 'string'],
        ['INCLUDE_PRERELEASES', 'boolean'],
      ]);
    } finally {
      await baton.destroy();
    }
  }, 300_000);
});
