import { PluginHost } from '../server/src/plugins/plugin-host';
import { MemoryPluginStateStore } from '../server/src/plugins/memory-plugin-state-store';
import { PluginFolders, RecordingStore, captureLogger, eventually, failure, hostOptions, manifest } from './plugins/host-fixture';

/** A CommonJS plugin written on the spot; `body` runs when the module loads. */
function scratchPlugin(body: string, baton: unknown = { plugin: 'index.js', apiVersion: 1 }): Record<string, string> {
  return { 'package.json': manifest(baton), 'index.js': body };
}

const SERVER_SECRETS = { BATON_SECRET_KEY: 'c2VjcmV0', DATABASE_URL: 'postgres://baton:pw@db/baton', BATON_ADMIN_TOKEN: 'admin-token' };
const WORKER_VISIBLE = {
  HTTPS_PROXY: 'http://proxy.example.org:3128',
  no_proxy: 'localhost',
  TZ: 'UTC',
  BATON_PLUGIN_INSPECTOR_LIMIT: '7',
  BATON_PLUGIN_INSPECTOR_GREETING: 'hi',
  BATON_PLUGIN_INSPECTOR_VERBOSE: 'yes',
};
const OTHER_PLUGIN = { BATON_PLUGIN_JSON_FILE_LIMIT: '3', BATON_PLUGIN_INSPECTOR_UNKNOWN: 'x' };
/** What the inspector declares (a name and a prefix) and what an administrator adds for it. */
const DECLARED = { INSPECTOR_HOME: '/home/inspector', INSPECTOR_CFG_REGISTRY: 'http://registry.example.org/', inspector_cfg_token: '${TOKEN}' };
const PASSED = { INSPECTOR_TOKEN: 'tok', BATON_PLUGIN_INSPECTOR_PASS_ENV: 'INSPECTOR_TOKEN, DATABASE_URL BATON_ADMIN_TOKEN' };
const NOT_PASSED = { INSPECTOR_OTHER: 'x', CFG_INSPECTOR: 'y' };

function setEnv(values: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

describe('plugin host: loading', () => {
  const folders = new PluginFolders();
  const { logger, lines } = captureLogger();
  const store = new RecordingStore();
  let restoreEnv: () => void;
  let host: PluginHost;

  beforeAll(async () => {
    restoreEnv = setEnv({ ...SERVER_SECRETS, ...WORKER_VISIBLE, ...OTHER_PLUGIN, ...DECLARED, ...PASSED, ...NOT_PASSED });
    const bundledDir = folders.folder('bundled', ['json-file', 'inspector', 'bad-definition', 'future-api', 'malformed', 'hanging']);
    const externalDir = folders.folder('external', ['duplicate-id'], {
      'no-manifest': { 'index.js': 'module.exports = {};' },
      'broken-manifest': { 'package.json': '{ "name": ', 'index.js': '' },
      'no-baton': { 'package.json': manifest(undefined), 'index.js': '' },
      'no-entry': { 'package.json': manifest({ plugin: 'dist/index.js', apiVersion: 1 }) },
      'escaping-entry': scratchPlugin('', { plugin: '../bundled/json-file/dist/index.js', apiVersion: 1 }),
      'throws-on-load': scratchPlugin("throw new Error('cannot start');"),
      'no-export': scratchPlugin('module.exports = undefined;'),
    });
    const options = hostOptions({ bundledDir, externalDir, extraWorkerEnv: { EXTRA_SETTING: 'on' } });
    host = new PluginHost(options, store, logger);
    await host.start();
  });

  afterAll(async () => {
    restoreEnv();
    await host.stop();
    folders.cleanup();
  });

  it('loads the good plugins, CommonJS and ESM, with the bundled one winning an id clash', () => {
    const loaded = host
      .plugins()
      .map((p) => `${p.id}:${p.source}:${p.status}`)
      .sort();

    expect(loaded).toEqual(['hanging:bundled:ok', 'inspector:bundled:ok', 'json-file:bundled:ok', 'malformed:bundled:ok']);
    expect(host.plugin('json-file')?.displayName).toBe('JSON package list');
    expect(host.plugin('json-file')?.location).toBe(`${folders.root}/bundled/json-file`);
  });

  it('refuses every broken package with a message that says why', () => {
    const refused = Object.fromEntries(host.refused().map((r) => [r.location.slice(folders.root.length + 1), r.message]));

    expect(Object.keys(refused).sort()).toEqual([
      'bundled/bad-definition',
      'bundled/future-api',
      'external/broken-manifest',
      'external/duplicate-id',
      'external/escaping-entry',
      'external/no-baton',
      'external/no-entry',
      'external/no-export',
      'external/no-manifest',
      'external/throws-on-load',
    ]);
    expect(refused['bundled/bad-definition']).toMatch(
      /^the plugin is not well defined: id must match .*; displayName must be a non-empty string; checkRepositoryConnection must be a function/,
    );
    expect(refused['bundled/future-api']).toBe('it was built for plugin API v99; this server speaks v1');
    expect(refused['external/duplicate-id']).toBe(`plugin id 'json-file' is already taken by the bundled plugin at ${folders.root}/bundled/json-file`);
    expect(refused['external/no-manifest']).toBe('it has no package.json');
    expect(refused['external/broken-manifest']).toMatch(/^its package.json is not valid JSON/);
    expect(refused['external/no-baton']).toMatch(/^its package.json has no "baton" section/);
    expect(refused['external/no-entry']).toBe('its entry file dist/index.js does not exist (is the plugin built?)');
    expect(refused['external/escaping-entry']).toMatch(/^baton.plugin in its package.json must be the built entry file, relative to the package/);
    expect(refused['external/throws-on-load']).toBe('its entry file failed to load: Error: cannot start');
    expect(refused['external/no-export']).toMatch(/neither a default export nor a `plugin` export/);
  });

  it('logs each refusal with its location', () => {
    const logged = lines.filter((line) => String(line['msg']).startsWith('plugin refused: '));

    expect(logged).toHaveLength(host.refused().length);
    expect(logged.map((line) => line['location'])).toContain(`${folders.root}/bundled/future-api`);
  });

  it('gives a worker no server secrets: only proxies, TZ, NODE_ENV, its own settings and the extra variables', async () => {
    const { messages: names } = await host.checkRepositoryConnection('inspector', null, {});

    for (const secret of Object.keys(SERVER_SECRETS)) expect(names).not.toContain(secret);
    expect(names).not.toContain('BATON_PLUGIN_JSON_FILE_LIMIT');
    expect(names).not.toContain('BATON_PLUGIN_INSPECTOR_UNKNOWN');
    expect(names).toEqual(expect.arrayContaining([...Object.keys(WORKER_VISIBLE), 'EXTRA_SETTING']));
    const allowed = new Set([
      ...Object.keys(WORKER_VISIBLE),
      ...Object.keys(DECLARED),
      'INSPECTOR_TOKEN',
      'EXTRA_SETTING',
      'NODE_ENV',
      'HTTP_PROXY',
      'NO_PROXY',
      'https_proxy',
      'http_proxy',
    ]);
    expect(names.filter((name) => !allowed.has(name))).toEqual([]);
  });

  it("gives a worker the variables its plugin declares (names, prefixes in any case) and the administrator's additions, never Baton's own", async () => {
    const { messages: names } = await host.checkRepositoryConnection('inspector', null, {});

    expect(names).toEqual(expect.arrayContaining([...Object.keys(DECLARED), 'INSPECTOR_TOKEN']));
    for (const name of [...Object.keys(NOT_PASSED), 'BATON_PLUGIN_INSPECTOR_PASS_ENV', 'DATABASE_URL', 'BATON_ADMIN_TOKEN']) expect(names).not.toContain(name);
    expect(host.plugin('inspector')?.environment).toEqual(['INSPECTOR_HOME', 'inspector_cfg_*']);
    const warned = lines.filter((line) => line['plugin'] === 'inspector' && String(line['msg']).includes('BATON_PLUGIN_INSPECTOR_PASS_ENV names'));
    expect(warned.map((line) => line['variable'])).toEqual(['DATABASE_URL', 'BATON_ADMIN_TOKEN']);
  });

  it("resolves the plugin's declared settings from its variables", async () => {
    const { messages } = await host.checkPackageConnection('inspector', null, {}, { ACTION: 'settings' });

    expect(JSON.parse(messages[0])).toEqual({ LIMIT: 7, GREETING: 'hi', VERBOSE: true });
    expect(host.plugin('inspector')?.settings['LIMIT']).toMatchObject({ type: 'integer', default: 5 });
  });

  it('warns about a variable of the plugin that matches no declared setting', () => {
    const warning = lines.find((line) => line['variable'] === 'BATON_PLUGIN_INSPECTOR_UNKNOWN');

    expect(warning).toMatchObject({ level: 40, plugin: 'inspector' });
  });

  it('forwards plugin logs with the plugin and request named, secure values masked', async () => {
    await host.checkRepositoryConnection('inspector', 'repository-9', { TOKEN: 'tok-SECRET-123' });

    const line = lines.filter((l) => l['plugin'] === 'inspector' && String(l['msg']).startsWith('connecting with token')).pop();
    expect(line).toMatchObject({
      level: 40,
      plugin: 'inspector',
      request: 'check-repository-connection',
      msg: 'connecting with token ***',
      token: '***',
      nested: { again: '***' },
    });
    expect(JSON.stringify(lines)).not.toContain('tok-SECRET-123');
  });

  it('masks secure values in what plugin code prints, too', async () => {
    const printed = () => lines.filter((l) => String(l['msg']).startsWith('printed token'));
    const before = printed().length;

    await host.checkRepositoryConnection('inspector', 'repository-9', { TOKEN: 'tok-PRINTED-456' });
    await eventually(() => printed().length > before);

    expect(printed().at(-1)).toMatchObject({ plugin: 'inspector', stream: 'stdout', msg: 'printed token ***' });
    expect(JSON.stringify(lines)).not.toContain('tok-PRINTED-456');
  });

  it("scopes the store to the call's repository, and gives calls about no repository an empty store", async () => {
    const ask = (scope: string | null, action: string) => host.checkPackageConnection('inspector', scope, {}, { ACTION: action });

    await ask('repository-1', 'count');
    const twice = await ask('repository-1', 'count');
    const once = await ask('repository-2', 'count');
    const unsaved = await ask(null, 'count');
    const forgotten = await ask('repository-1', 'forget');

    expect([twice.messages, once.messages, unsaved.messages, forgotten.messages]).toEqual([['2'], ['1'], ['null'], ['null']]);
    expect(await store.inner.get('repository-2', 'visits')).toBe('1');
    expect(new Set(store.calls.map((c) => c.scope))).toEqual(new Set(['repository-1', 'repository-2']));
    expect(store.calls.filter((c) => c.scope === 'repository-1').map((c) => c.op)).toEqual(['get', 'set', 'get', 'get', 'set', 'get', 'delete', 'get']);
  });

  it('refuses store keys over 200 characters and values over 8 MiB, with a clear error to the plugin', async () => {
    const longKey = await host.checkPackageConnection('inspector', 'repository-1', {}, { ACTION: 'long-key' });
    const bigValue = await host.checkPackageConnection('inspector', 'repository-1', {}, { ACTION: 'big-value' });

    expect(longKey.messages).toEqual(['RangeError: store keys must be 1 to 200 characters long; this one has 201']);
    expect(bigValue.messages).toEqual(["RangeError: the value stored under 'big' is 8.0 MiB; values may be at most 8 MiB"]);
    expect(store.calls.filter((c) => c.key !== 'visits')).toEqual([]);
  });

  it('turns malformed revisions into bug errors that say what is wrong', async () => {
    const kinds = ['lower-case-data-key', 'string-timestamp', 'empty-label', 'number-value'];

    const errors = await Promise.all(kinds.map((KIND) => failure(host.latestRevision('malformed', null, {}, { KIND }))));
    const inCheck = await failure(host.checkPackageConnection('malformed', null, {}, { KIND: 'empty-label' }));
    const good = await host.latestRevision('malformed', null, {}, { KIND: 'good' });

    expect(errors.map((e) => [e.wire.kind, e.wire.code])).toEqual(Array(4).fill(['bug', 'malformed_revision']));
    expect(errors.map((e) => e.message.replace("plugin 'malformed' returned a malformed revision: ", ''))).toEqual([
      "data key 'location' must match [A-Z][A-Z0-9_]*",
      'timestamp must be a valid Date',
      'revision must be a non-empty string',
      "data value of 'SIZE' must be a string",
    ]);
    expect(inCheck.wire.kind).toBe('bug');
    expect(good.revision).toMatchObject({
      revision: '1.0.0',
      timestamp: '2024-05-01T10:00:00.000Z',
      data: { LOCATION: 'https://repo.example.org/a-1.0.0.tgz' },
    });
  });

  it('turns an answer that breaks the protocol into a bug error', async () => {
    const error = await failure(host.checkRepositoryConnection('malformed', null, {}));

    expect(error.wire).toMatchObject({ kind: 'bug', code: 'malformed_answer' });
    expect(error.message).toBe("plugin 'malformed' returned an answer to check-repository-connection whose ok is not true or false");
  });

  it('makes a batch answer cover each key once: duplicates dropped, unknown keys ignored, missing keys bug errors', async () => {
    const item = (key: string, KIND: string) => ({ key, package_configuration: { KIND }, previous_revision: null });

    const { results } = await host.latestRevisionsSince('malformed', null, {}, [
      item('a', 'good'),
      item('b', 'twice'),
      item('c', 'skip'),
      item('d', 'lower-case-data-key'),
      item('a', 'good'),
    ]);

    expect(results.map((r) => r.key)).toEqual(['a', 'b', 'c', 'd']);
    expect(results[0]?.result?.revision?.revision).toBe('1.0.0');
    expect(results[1]?.result?.revision?.revision).toBe('1.0.0');
    expect(results[2]?.error).toMatchObject({ kind: 'bug', code: 'missing_answer' });
    expect(results[3]?.error).toMatchObject({ kind: 'bug', code: 'malformed_revision' });
  });

  it('rejects calls to unknown plugins, and batch calls to plugins that do not batch', async () => {
    const unknown = await failure(host.latestRevision('nope', null, {}, {}));
    const noBatch = await failure(host.latestRevisionsSince('inspector', null, {}, []));

    expect(unknown.wire).toMatchObject({ kind: 'permanent', code: 'unknown_plugin' });
    expect(noBatch.wire).toMatchObject({ kind: 'permanent', code: 'batch_not_supported' });
  });
});

describe('plugin host: settings and stopping', () => {
  const folders = new PluginFolders();

  afterAll(() => folders.cleanup());

  it('refuses a plugin that does not become ready in time', async () => {
    // Alone on its host, so the short ready timeout meets only the plugin that never gets ready.
    const bundledDir = folders.folder('never-ready', [], { 'slow-load': scratchPlugin('for (;;) {}') });
    const host = new PluginHost(hostOptions({ bundledDir, readyTimeoutMs: 1500 }), new MemoryPluginStateStore(), captureLogger().logger);

    await host.start();
    await host.stop();

    expect(host.plugins()).toEqual([]);
    expect(host.refused()).toEqual([{ location: `${bundledDir}/slow-load`, message: 'the plugin did not become ready within 1500 ms' }]);
  });

  it('refuses a plugin whose setting has a bad value, naming the variable', async () => {
    const restoreEnv = setEnv({ BATON_PLUGIN_INSPECTOR_LIMIT: 'many' });
    const host = new PluginHost(
      hostOptions({ bundledDir: folders.folder('bad-setting', ['inspector', 'hanging']) }),
      new MemoryPluginStateStore(),
      captureLogger().logger,
    );

    await host.start();
    restoreEnv();
    await host.stop();

    expect(host.plugins().map((p) => p.id)).toEqual(['hanging']);
    expect(host.refused()).toEqual([
      {
        location: `${folders.root}/bad-setting/inspector`,
        message: "plugin 'inspector' did not start: BATON_PLUGIN_INSPECTOR_LIMIT must be an integer between 1 and 100, not 'many'",
      },
    ]);
  });

  it('fails pending calls on stop(), and every call after it', async () => {
    const host = new PluginHost(hostOptions({ bundledDir: folders.folder('stopping', ['hanging']) }), new MemoryPluginStateStore(), captureLogger().logger);
    await host.start();
    const pending = failure(host.latestRevision('hanging', 'repository-1', {}, { MODE: 'wait' }));

    await host.stop();
    const after = await failure(host.latestRevision('hanging', 'repository-1', {}, { MODE: 'ok' }));

    expect((await pending).wire).toMatchObject({ kind: 'transient', code: 'host_stopped' });
    expect(after.wire).toMatchObject({ kind: 'transient', code: 'host_stopped' });
  });

  it('starts with no plugins when its folders are missing, and says so', async () => {
    const host = new PluginHost(hostOptions({ bundledDir: `${folders.root}/absent`, externalDir: null }), new MemoryPluginStateStore(), captureLogger().logger);

    await host.start();
    await host.stop();

    expect(host.plugins()).toEqual([]);
    expect(host.refused()).toEqual([{ location: `${folders.root}/absent`, message: 'the plugin folder cannot be read: ENOENT' }]);
  });
});
