import { execFileSync } from 'node:child_process';
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
      pluginMaxExternalMb: 512,
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
    [{ BATON_PLUGIN_MAX_EXTERNAL_MB: '16' }, 'BATON_PLUGIN_MAX_EXTERNAL_MB'],
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

  it('denies outbound connections to link-local and cloud metadata addresses by default', () => {
    const settings = loadSettings({}, '/opt/baton');

    expect(settings.outbound).toEqual({
      deny: ['169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128', '100.100.100.200/32', '192.0.0.192/32'],
      allow: [],
    });
  });

  it('reads the outbound deny and allow lists, IPv4 and IPv6', () => {
    const settings = loadSettings({ BATON_OUTBOUND_DENY: ' 10.0.0.0/8, fd00::/8 ,', BATON_OUTBOUND_ALLOW: '10.1.2.3,fd00::1/128' });

    expect(settings.outbound).toEqual({ deny: ['10.0.0.0/8', 'fd00::/8'], allow: ['10.1.2.3', 'fd00::1/128'] });
  });

  it.each([
    [{ BATON_OUTBOUND_DENY: '169.254.0.0/33' }, 'BATON_OUTBOUND_DENY'],
    [{ BATON_OUTBOUND_DENY: 'metadata.example.org' }, 'BATON_OUTBOUND_DENY'],
    [{ BATON_OUTBOUND_DENY: '10.0.0.0/8/8' }, 'BATON_OUTBOUND_DENY'],
    [{ BATON_OUTBOUND_ALLOW: 'fe80::/129' }, 'BATON_OUTBOUND_ALLOW'],
    [{ BATON_OUTBOUND_ALLOW: '127.0.0.1/-1' }, 'BATON_OUTBOUND_ALLOW'],
  ])('refuses the outbound list %j naming %s', (env, variable) => {
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

  it('ends sign-in sessions after 12 hours unless BATON_SESSION_MAX_AGE_SECONDS says otherwise, from a minute to a week', () => {
    expect(loadSettings({}).sessionMaxAgeSeconds).toBe(43200);
    expect(loadSettings({ BATON_SESSION_MAX_AGE_SECONDS: '60' }).sessionMaxAgeSeconds).toBe(60);
    for (const value of ['59', '604801', '12h']) {
      expect(() => loadSettings({ BATON_SESSION_MAX_AGE_SECONDS: value })).toThrow('BATON_SESSION_MAX_AGE_SECONDS');
    }
  });
});

describe('BATON_JOB_USER', () => {
  const nobody = {
    uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' })),
  };
  const ALL_FOUR = (1n << 0n) | (1n << 5n) | (1n << 6n) | (1n << 7n);
  const asRoot = () => ({ uid: 0, capabilities: 0n });

  it('is the user and its own group, or the group BATON_JOB_GROUP names, by name or number', () => {
    const byName = loadSettings({ BATON_JOB_USER: 'nobody' }, '/opt/baton', asRoot).jobUser;
    const byNumbers = loadSettings({ BATON_JOB_USER: String(nobody.uid), BATON_JOB_GROUP: '4242' }, '/opt/baton', asRoot).jobUser;

    expect(byName).toEqual({ name: 'nobody', ...nobody });
    expect(byNumbers).toEqual({ name: String(nobody.uid), uid: nobody.uid, gid: 4242 });
    expect(loadSettings({}, '/opt/baton', asRoot).jobUser).toBeNull();
  });

  it('is accepted without root when the process holds the capabilities to switch users', () => {
    const settings = loadSettings({ BATON_JOB_USER: 'nobody' }, '/opt/baton', () => ({ uid: 1000, capabilities: ALL_FOUR }));

    expect(settings.jobUser?.uid).toBe(nobody.uid);
  });

  it.each([
    ['no capabilities', 0n],
    ['CAP_SETUID and CAP_SETGID but not CAP_CHOWN nor CAP_KILL', (1n << 6n) | (1n << 7n)],
  ])('refuses to start, naming the variable, when Baton cannot switch users: not root, %s', (_what, capabilities) => {
    const load = () => loadSettings({ BATON_JOB_USER: 'nobody' }, '/opt/baton', () => ({ uid: 1000, capabilities }));

    expect(load).toThrow(SettingsError);
    expect(load).toThrow(/BATON_JOB_USER \(nobody\) cannot be used: .*without the capabilities to switch users/);
  });

  it.each([
    [{ BATON_JOB_USER: 'no-such-user-for-baton' }, "BATON_JOB_USER names 'no-such-user-for-baton', which is no user"],
    [{ BATON_JOB_USER: 'nobody', BATON_JOB_GROUP: 'no-such-group-for-baton' }, "BATON_JOB_GROUP names 'no-such-group-for-baton', which is no group"],
    [{ BATON_JOB_GROUP: 'nogroup' }, 'BATON_JOB_GROUP is set without BATON_JOB_USER'],
    [{ BATON_JOB_USER: 'root' }, 'BATON_JOB_USER (root) cannot be used'],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => loadSettings(env, '/opt/baton', asRoot)).toThrow(SettingsError);
    expect(() => loadSettings(env, '/opt/baton', asRoot)).toThrow(message);
  });

  it('refuses Baton’s own user', () => {
    const load = () => loadSettings({ BATON_JOB_USER: 'nobody' }, '/opt/baton', () => ({ uid: nobody.uid, capabilities: ALL_FOUR }));

    expect(load).toThrow("BATON_JOB_USER (nobody) cannot be used: it is Baton's own user");
  });
});
