import path from 'node:path';
import { loadSettings, SettingsError } from './settings';

describe('loadSettings', () => {
  it('applies the documented defaults', () => {
    const settings = loadSettings({}, '/opt/baton');

    expect(settings).toMatchObject({
      port: 8153,
      bindAddress: '127.0.0.1',
      trustProxy: false,
      dataDir: path.resolve('./data'),
      databaseUrl: null,
      pluginWorkers: 2,
      pluginCallTimeoutMs: 60_000,
      pluginMemorySampleMs: 250,
      minPollIntervalSeconds: 10,
      bodyLimitBytes: 1024 * 1024,
      bundledPluginsDir: '/opt/baton/plugins',
      migrationsDir: '/opt/baton/migrations/dist',
    });
  });

  it('reads every variable it is given', () => {
    const key = Buffer.alloc(32, 7).toString('base64');

    const settings = loadSettings({
      BATON_PORT: '9000',
      BATON_BIND_ADDRESS: '0.0.0.0',
      BATON_TRUST_PROXY: 'true',
      BATON_DATA_DIR: '/var/lib/baton',
      DATABASE_URL: 'postgres://baton@db.example.org/baton',
      BATON_SECRET_KEY: key,
      BATON_PLUGINS_DIR: '/opt/plugins',
      BATON_FILE_REPO_ROOTS: `/srv/a${path.delimiter}/srv/b`,
    });

    expect(settings).toMatchObject({
      port: 9000,
      bindAddress: '0.0.0.0',
      trustProxy: true,
      dataDir: '/var/lib/baton',
      databaseUrl: 'postgres://baton@db.example.org/baton',
      pluginsDir: '/opt/plugins',
      fileRepoRoots: ['/srv/a', '/srv/b'],
    });
    expect(settings.secretKey?.equals(Buffer.alloc(32, 7))).toBe(true);
  });

  it.each([
    [{ BATON_PORT: '80a' }, 'BATON_PORT'],
    [{ BATON_PORT: '70000' }, 'BATON_PORT'],
    [{ BATON_PLUGIN_CALL_TIMEOUT_SECONDS: '0' }, 'BATON_PLUGIN_CALL_TIMEOUT_SECONDS'],
    [{ BATON_PLUGIN_MEMORY_SAMPLE_MS: '5' }, 'BATON_PLUGIN_MEMORY_SAMPLE_MS'],
    [{ BATON_TRUST_PROXY: 'sometimes' }, 'BATON_TRUST_PROXY'],
    [{ BATON_SECRET_KEY: Buffer.alloc(16).toString('base64') }, 'BATON_SECRET_KEY'],
    [{ DATABASE_URL: 'postgres://db/baton' }, 'BATON_SECRET_KEY'],
    [{ DATABASE_URL: 'mysql://db/baton', BATON_SECRET_KEY: Buffer.alloc(32).toString('base64') }, 'DATABASE_URL'],
    [{ BATON_ADMIN_TOKEN: 'short' }, 'BATON_ADMIN_TOKEN'],
    [{ BATON_LOG_LEVEL: 'loud' }, 'BATON_LOG_LEVEL'],
  ])('refuses %j with a message naming %s', (env, variable) => {
    expect(() => loadSettings(env)).toThrow(SettingsError);
    expect(() => loadSettings(env)).toThrow(variable);
  });

  it('ends event streams after an hour unless BATON_EVENT_STREAM_MAX_AGE_SECONDS says otherwise, from 1 s to a day', () => {
    expect(loadSettings({}).eventStreamMaxAgeSeconds).toBe(3600);
    expect(loadSettings({ BATON_EVENT_STREAM_MAX_AGE_SECONDS: '2' }).eventStreamMaxAgeSeconds).toBe(2);
    for (const value of ['0', '86401', 'soon']) {
      expect(() => loadSettings({ BATON_EVENT_STREAM_MAX_AGE_SECONDS: value })).toThrow('BATON_EVENT_STREAM_MAX_AGE_SECONDS');
    }
  });
});
