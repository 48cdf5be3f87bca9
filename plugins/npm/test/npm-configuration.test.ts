import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadNpmConfiguration } from '../src/npm-configuration';
import { contextFor, plugin } from './support/plugin-calls';
import { fixturePackuments, startRegistry, type RegistryServer } from './support/registry-server';

const TOKEN = 's3cret-from-env';
let main: RegistryServer;
let corp: RegistryServer;
let home: string;
let emptyHome: string;
const saved = { ...process.env };

/** An .npmrc naming a loopback registry, a scoped registry on another port, and a token for the first only. */
function writeNpmrc(dir: string): void {
  const nerfed = main.url.replace(/^http:/, '');
  writeFileSync(
    path.join(dir, '.npmrc'),
    [`registry=${main.url}`, `@corp:registry=${corp.url}`, `${nerfed}:_authToken=\${NPM_TEST_TOKEN}`, 'globalconfig=/nonexistent/npmrc', ''].join('\n'),
  );
}

beforeAll(async () => {
  main = await startRegistry(fixturePackuments(), { authorization: `Bearer ${TOKEN}` });
  const corpPackuments = new Map([['@corp/tool', fixturePackuments().get('@tootallnate/once') ?? '']]);
  corp = await startRegistry(corpPackuments, {}, '/corp/');
  home = mkdtempSync(path.join(os.tmpdir(), 'baton-npm-home-'));
  emptyHome = mkdtempSync(path.join(os.tmpdir(), 'baton-npm-empty-'));
  writeNpmrc(home);
});
afterAll(async () => {
  await main.close();
  await corp.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(emptyHome, { recursive: true, force: true });
});

/** The environment of these tests alone: a temporary HOME, the token variable, no npm_config_* of whoever runs them. */
beforeEach(() => {
  for (const name of Object.keys(process.env)) if (/^npm_config_/i.test(name)) delete process.env[name];
  process.env['HOME'] = home;
  process.env['NPM_TEST_TOKEN'] = TOKEN;
  process.env['npm_config_globalconfig'] = '/nonexistent/npmrc';
  main.requests.length = 0;
  corp.requests.length = 0;
});
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

describe("with REGISTRY_URL empty, the registry of npm's configuration", () => {
  it('is the .npmrc registry, asked with the .npmrc token resolved from the environment', async () => {
    const { revision } = await plugin.latestRevision({}, { PACKAGE_NAME: 'left-pad' }, contextFor());

    expect(revision?.revision).toBe('1.3.0');
    expect(main.requests.map((r) => [r.path, r.headers.authorization])).toEqual([['/npm/left-pad', `Bearer ${TOKEN}`]]);
  });

  it("is the scope's registry for a scoped name, and the token of the other registry never reaches it", async () => {
    const { revision } = await plugin.latestRevision({}, { PACKAGE_NAME: '@corp/tool' }, contextFor());

    expect(revision?.revision).toBe('3.0.1');
    expect(corp.requests.map((r) => [r.path, r.headers.authorization])).toEqual([['/corp/@corp%2ftool', undefined]]);
    expect(main.requests).toEqual([]);
  });

  it("gives the repository's own credentials precedence over the .npmrc token", async () => {
    const { revision } = await plugin.latestRevision({ AUTH_TOKEN: 'repository-token' }, { PACKAGE_NAME: '@corp/tool' }, contextFor());

    expect(revision?.revision).toBe('3.0.1');
    expect(corp.requests[0].headers.authorization).toBe('Bearer repository-token');
  });

  it('is npm_config_registry when set, which takes the .npmrc token only if it names the same registry', async () => {
    process.env['npm_config_registry'] = corp.url;

    await plugin.latestRevision({}, { PACKAGE_NAME: '@corp/tool' }, contextFor());
    const unscoped = await plugin.latestRevision({}, { PACKAGE_NAME: 'left-pad' }, contextFor());

    expect(unscoped.revision).toBeNull();
    expect(corp.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/corp/@corp%2ftool', undefined],
      ['/corp/left-pad', undefined],
    ]);
  });

  it('answers the repository connection check from the configured registry', async () => {
    const result = await plugin.checkRepositoryConnection({}, contextFor());

    expect(result).toEqual({ ok: true, messages: [`Registry ${main.url} answered ${main.url}-/ping (the registry of npm’s configuration)`] });
  });

  it("is npm's own default when nothing configures one, as npm itself says", async () => {
    const env = { PATH: process.env['PATH'], HOME: emptyHome, npm_config_globalconfig: '/nonexistent/npmrc' };
    const npmSays = execFileSync('npm', ['config', 'get', 'registry'], { env, cwd: emptyHome, encoding: 'utf8' }).trim();

    const configuration = await loadNpmConfiguration(env);

    expect(configuration.registryFor('left-pad')).toBe(npmSays.endsWith('/') ? npmSays : `${npmSays}/`);
    expect(configuration.registryFor('@corp/tool')).toBe(configuration.registryFor('left-pad'));
    expect(configuration.credentialsFor(configuration.registryFor('left-pad'))).toBeUndefined();
  });
});

describe("credentials npm's configuration keeps for a registry", () => {
  it.each([
    ['//registry.example.org/npm/:_authToken=${NPM_TEST_TOKEN}', { scheme: 'bearer', token: TOKEN }],
    [`//registry.example.org/npm/:_auth=${Buffer.from('ci:pa:ss').toString('base64')}`, { scheme: 'basic', username: 'ci', password: 'pa:ss' }],
    [
      `//registry.example.org/npm/:username=ci\n//registry.example.org/npm/:_password=${Buffer.from('s3cret').toString('base64')}`,
      { scheme: 'basic', username: 'ci', password: 's3cret' },
    ],
  ])('%s is %j, for that registry only', async (line, expected) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'baton-npm-auth-'));
    writeFileSync(path.join(dir, '.npmrc'), `${line}\n`);

    const configuration = await loadNpmConfiguration({ HOME: dir, NPM_TEST_TOKEN: TOKEN, npm_config_globalconfig: '/nonexistent/npmrc' });
    rmSync(dir, { recursive: true, force: true });

    expect(configuration.credentialsFor('https://registry.example.org/npm/')).toEqual(expected);
    expect(configuration.credentialsFor('https://registry.example.org/other/')).toBeUndefined();
    expect(configuration.credentialsFor('https://mirror.example.org/npm/')).toBeUndefined();
  });
});

/** Runs the built plugin in a worker thread whose environment is `env` alone, as the server runs it. */
function inWorker(env: Record<string, string>, packageName: string): Promise<{ revision?: string | null; error?: string }> {
  const root = path.resolve(__dirname, '..', '..', '..');
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const plugin = require(workerData.entry).default;
    const { createTestContext } = require(workerData.testing);
    plugin.latestRevision({}, { PACKAGE_NAME: workerData.name }, createTestContext()).then(
      (result) => parentPort.postMessage({ revision: result.revision && result.revision.revision }),
      (error) => parentPort.postMessage({ error: String(error && error.message) }),
    );`;
  const workerData = {
    entry: path.join(root, 'plugins', 'npm', 'dist', 'index.js'),
    testing: path.join(root, 'plugin-api', 'dist', 'testing', 'index.js'),
    name: packageName,
  };
  const worker = new Worker(source, { eval: true, env, workerData });
  return new Promise((resolve, reject) => {
    worker.once('message', (message: { revision?: string | null; error?: string }) => {
      void worker.terminate();
      resolve(message);
    });
    worker.once('error', reject);
  });
}

describe("npm's configuration in a worker thread with its own environment", () => {
  it("reads the worker's HOME and token variable, not the process's", async () => {
    const answer = await inWorker({ HOME: home, NPM_TEST_TOKEN: TOKEN, npm_config_globalconfig: '/nonexistent/npmrc' }, 'left-pad');

    expect(answer).toEqual({ revision: '1.3.0' });
    expect(main.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`]);
  });

  it('sends no token when the variable the .npmrc names is not passed to the worker', async () => {
    const answer = await inWorker({ HOME: home, npm_config_globalconfig: '/nonexistent/npmrc' }, 'left-pad');

    expect(answer.error).toContain(`refused access (401); the registry refused the credentials npm's configuration keeps for ${main.url}`);
    expect(main.requests.map((r) => r.headers.authorization)).toEqual(['Bearer ${NPM_TEST_TOKEN}']);
  });
});
