import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BatonServer } from '../../server/src/baton-server';
import { loadSettings } from '../../server/src/config/settings';
import { createLogger } from '../../server/src/logger';
import { ApiClient } from './api-client';
import { createTestDatabase, PROJECT_ROOT, type DatabaseKind, type TestDatabase } from './databases';

export const TEST_PLUGINS_DIR = path.join(PROJECT_ROOT, 'test', 'plugins');

/** A plugins folder holding just the named test plugins (as links), for BATON_PLUGINS_DIR. */
export function pluginsFolder(...names: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-plugins-'));
  for (const name of names) fs.symlinkSync(path.join(TEST_PLUGINS_DIR, name), path.join(dir, name), 'dir');
  return dir;
}

export interface TestServer {
  server: BatonServer;
  url: string;
  adminToken: string;
  /** A client holding the admin token. */
  api: ApiClient;
  database: TestDatabase;
  env: Record<string, string>;
  /** Stops the server, keeping the database (to start again on it); removes the plugins folder it made. */
  stop(): Promise<void>;
  /** Stops the server and removes its database. */
  destroy(): Promise<void>;
}

export interface TestServerOptions {
  /**
   * Test plugins to load (default: json-file), linked into a plugins folder made for this server;
   * ignored when `env` names BATON_PLUGINS_DIR.
   */
  plugins?: string[];
  env?: Record<string, string>;
  /** Start on an existing database instead of a new one. */
  database?: TestDatabase;
  /** Collects the server's log lines (JSON), at debug level. */
  logs?: string[];
}

/** Starts Baton in this process on a fresh database of the given kind, on a free loopback port. */
export async function startTestServer(kind: DatabaseKind, options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase(kind));
  const adminToken = keptBeside(database, 'test-admin-token', () => `test-admin-${randomBytes(16).toString('hex')}`);
  // Made only when the caller names no folder of its own, and removed when this server stops.
  const ownPlugins = options.env?.['BATON_PLUGINS_DIR'] === undefined ? pluginsFolder(...(options.plugins ?? ['json-file'])) : null;
  const removeOwnPlugins = () => {
    if (ownPlugins !== null) fs.rmSync(ownPlugins, { recursive: true, force: true });
  };
  const env: Record<string, string> = {
    BATON_DATA_DIR: database.dataDir,
    BATON_PORT: '0',
    BATON_ADMIN_TOKEN: adminToken,
    ...(ownPlugins === null ? {} : { BATON_PLUGINS_DIR: ownPlugins }),
    BATON_PLUGIN_CALL_TIMEOUT_SECONDS: '60',
    BATON_SHUTDOWN_GRACE_SECONDS: '2',
    BATON_SHUTDOWN_DELAY_SECONDS: '0',
    ...(database.databaseUrl
      ? { DATABASE_URL: database.databaseUrl, BATON_SECRET_KEY: keptBeside(database, 'test-secret-key', () => randomBytes(32).toString('base64')) }
      : {}),
    ...(options.env ?? {}),
  };
  const logger = options.logs
    ? createLogger('debug', { write: (line: string) => void options.logs!.push(line) })
    : createLogger(process.env['BATON_TEST_LOG'] ?? 'silent');
  let server: BatonServer;
  try {
    server = await BatonServer.start(loadSettings(env), logger);
  } catch (error) {
    removeOwnPlugins();
    if (options.database === undefined) await database.drop();
    throw error;
  }
  await server.reviewed();
  const api = await ApiClient.connect(server.url, env['BATON_ADMIN_TOKEN']);
  const stop = async () => {
    try {
      await server.stop();
    } finally {
      removeOwnPlugins();
    }
  };
  return {
    server,
    url: server.url,
    adminToken: env['BATON_ADMIN_TOKEN'],
    api,
    database,
    env,
    stop,
    destroy: async () => {
      await stop();
      await database.drop();
    },
  };
}

/** A value made once per test database and kept beside it, so that a restart finds it again. */
function keptBeside(database: TestDatabase, name: string, make: () => string): string {
  const file = path.join(database.dataDir, name);
  if (!fs.existsSync(file)) fs.writeFileSync(file, make(), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8');
}
