import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { currentPrivileges, lookUpJobUser, whyCannotSwitch, type JobUser, type Privileges } from './job-user';
import { DEFAULT_OUTBOUND_DENY, parseCidr, type OutboundRules } from './outbound-rules';

/** Everything Baton reads from its environment, validated once at start. */
export interface Settings {
  port: number;
  bindAddress: string;
  trustProxy: boolean;
  dataDir: string;
  databaseUrl: string | null;
  secretKey: Buffer | null;
  adminToken: string | null;
  pluginsDir: string | null;
  bundledPluginsDir: string;
  migrationsDir: string;
  /** The built web UI (`web/dist`), served at `/`; when it is missing, `/` says how to build it. */
  webDir: string;
  pluginWorkers: number;
  pluginCallTimeoutMs: number;
  pluginMaxHeapMb: number;
  /** How often a plugin worker samples its memory while a call runs. */
  pluginMemorySampleMs: number;
  /** A worker holding more than this outside its JavaScript heap after a call is restarted. */
  pluginMaxExternalMb: number;
  http: {
    connectTimeoutMs: number;
    idleTimeoutMs: number;
    maxBytes: number;
    maxDecompressedBytes: number;
    maxRedirects: number;
  };
  fileRepoRoots: string[];
  /** Addresses that outbound requests (repositories, webhooks, http tasks, downloads) may not connect to. */
  outbound: OutboundRules;
  minPollIntervalSeconds: number;
  poll: {
    concurrency: number;
    hostConcurrency: number;
    leaseSeconds: number;
    /** Refresh hints a repository may send in a burst, and per minute after that. */
    hintBurst: number;
    hintsPerMinute: number;
  };
  bodyLimitBytes: number;
  shutdownGraceMs: number;
  shutdownDelayMs: number;
  logLevel: string;
  /** Sent by plugins' HTTP clients. */
  userAgent: string;
  /** Events and webhook deliveries older than this are pruned. */
  eventRetentionDays: number;
  /** A webhook whose deliveries have failed for this long is marked failing until re-enabled. */
  webhookMaxFailingHours: number;
  /** An event stream is ended after this long (the client resumes with Last-Event-ID), so its token is checked anew. */
  eventStreamMaxAgeSeconds: number;
  /** A browser's sign-in session ends this long after sign-in. */
  sessionMaxAgeSeconds: number;
  /** YAML pipeline definitions (config as code); null: none. */
  configDir: string | null;
  /** Job working directories; never inside the data directory. */
  workDir: string;
  /** Jobs the built-in agent runs at once. */
  agentConcurrency: number;
  /** Whether the built-in agent runs jobs in this process. */
  localAgent: boolean;
  /** How long a running job's lease lasts without a heartbeat before it counts as lost. */
  jobLeaseSeconds: number;
  keepJobFolders: boolean;
  /** Whom jobs' processes run as; null: Baton's own user. */
  jobUser: JobUser | null;
}

/** Thrown when a variable has a value Baton cannot use; the message names the variable. */
export class SettingsError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and checks every setting; the first bad variable stops the start with its name. */
export function loadSettings(env: Env = process.env, projectRoot = defaultProjectRoot(), privileges: () => Privileges = currentPrivileges): Settings {
  const read = new EnvReader(env);
  const dataDir = path.resolve(read.string('BATON_DATA_DIR', './data'));
  const databaseUrl = read.optional('DATABASE_URL');
  const secretKey = read.secretKey('BATON_SECRET_KEY');
  if (databaseUrl !== null && secretKey === null) {
    throw new SettingsError('BATON_SECRET_KEY is required when DATABASE_URL is set: 32 random bytes, base64 (openssl rand -base64 32)');
  }
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new SettingsError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  return {
    port: read.integer('BATON_PORT', 8153, 0, 65535),
    bindAddress: read.address('BATON_BIND_ADDRESS', '127.0.0.1'),
    trustProxy: read.boolean('BATON_TRUST_PROXY', false),
    dataDir,
    databaseUrl,
    secretKey,
    adminToken: read.adminToken('BATON_ADMIN_TOKEN'),
    pluginsDir: read.optionalPath('BATON_PLUGINS_DIR'),
    bundledPluginsDir: path.join(projectRoot, 'plugins'),
    migrationsDir: path.join(projectRoot, 'migrations', 'dist'),
    webDir: read.optionalPath('BATON_WEB_DIR') ?? path.join(projectRoot, 'web', 'dist'),
    pluginWorkers: read.integer('BATON_PLUGIN_WORKERS', 2, 1, 32),
    pluginCallTimeoutMs: read.integer('BATON_PLUGIN_CALL_TIMEOUT_SECONDS', 60, 1, 3600) * 1000,
    pluginMaxHeapMb: read.integer('BATON_PLUGIN_MAX_HEAP_MB', 512, 32, 16384),
    pluginMemorySampleMs: read.integer('BATON_PLUGIN_MEMORY_SAMPLE_MS', 250, 10, 60000),
    pluginMaxExternalMb: read.integer('BATON_PLUGIN_MAX_EXTERNAL_MB', 512, 32, 65536),
    http: {
      connectTimeoutMs: read.integer('BATON_HTTP_CONNECT_TIMEOUT_SECONDS', 10, 1, 600) * 1000,
      idleTimeoutMs: read.integer('BATON_HTTP_IDLE_TIMEOUT_SECONDS', 30, 1, 3600) * 1000,
      maxBytes: read.integer('BATON_HTTP_MAX_BYTES', 512 * 1024 * 1024, 1024, Number.MAX_SAFE_INTEGER),
      maxDecompressedBytes: read.integer('BATON_HTTP_MAX_DECOMPRESSED_BYTES', 1024 * 1024 * 1024, 1024, Number.MAX_SAFE_INTEGER),
      maxRedirects: read.integer('BATON_HTTP_MAX_REDIRECTS', 5, 0, 20),
    },
    fileRepoRoots: read.pathList('BATON_FILE_REPO_ROOTS'),
    outbound: { deny: read.cidrList('BATON_OUTBOUND_DENY', DEFAULT_OUTBOUND_DENY), allow: read.cidrList('BATON_OUTBOUND_ALLOW', []) },
    minPollIntervalSeconds: read.integer('BATON_MIN_POLL_INTERVAL_SECONDS', 10, 1, 86400),
    poll: pollSettings(read),
    bodyLimitBytes: read.integer('BATON_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    shutdownGraceMs: read.integer('BATON_SHUTDOWN_GRACE_SECONDS', 10, 0, 600) * 1000,
    shutdownDelayMs: read.integer('BATON_SHUTDOWN_DELAY_SECONDS', 2, 0, 600) * 1000,
    logLevel: read.oneOf('BATON_LOG_LEVEL', 'info', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    userAgent: `Baton/${serverVersion(projectRoot)}`,
    eventRetentionDays: read.integer('BATON_EVENT_RETENTION_DAYS', 30, 1, 36500),
    webhookMaxFailingHours: read.integer('BATON_WEBHOOK_MAX_FAILING_HOURS', 24, 1, 8760),
    eventStreamMaxAgeSeconds: read.integer('BATON_EVENT_STREAM_MAX_AGE_SECONDS', 3600, 1, 86400),
    sessionMaxAgeSeconds: read.integer('BATON_SESSION_MAX_AGE_SECONDS', 43200, 60, 604800),
    configDir: read.optionalPath('BATON_CONFIG_DIR'),
    workDir: workDirSetting(read, dataDir),
    agentConcurrency: read.integer('BATON_AGENT_CONCURRENCY', 2, 1, 64),
    localAgent: read.boolean('BATON_LOCAL_AGENT', true),
    jobLeaseSeconds: read.integer('BATON_JOB_LEASE_SECONDS', 60, 2, 86400),
    keepJobFolders: read.boolean('BATON_KEEP_JOB_FOLDERS', false),
    jobUser: jobUserSetting(read, privileges),
  };
}

/** BATON_JOB_USER and BATON_JOB_GROUP: a user Baton can switch to, or none; never a silent fallback to its own. */
function jobUserSetting(read: EnvReader, privileges: () => Privileges): JobUser | null {
  const user = read.optional('BATON_JOB_USER');
  const group = read.optional('BATON_JOB_GROUP');
  if (user === null) {
    if (group !== null) throw new SettingsError('BATON_JOB_GROUP is set without BATON_JOB_USER: set both, or neither');
    return null;
  }
  let jobUser: JobUser;
  try {
    jobUser = lookUpJobUser(user, group);
  } catch (error) {
    throw new SettingsError((error as Error).message);
  }
  const why = whyCannotSwitch(jobUser, privileges());
  if (why !== null) throw new SettingsError(`BATON_JOB_USER (${user}) cannot be used: ${why}`);
  return jobUser;
}

function pollSettings(read: EnvReader): Settings['poll'] {
  const callTimeoutSeconds = read.integer('BATON_PLUGIN_CALL_TIMEOUT_SECONDS', 60, 1, 3600);
  const leaseSeconds = read.integer('BATON_POLL_LEASE_SECONDS', Math.max(120, callTimeoutSeconds * 2), 2, 86400);
  // A lease that ran out during a call would let a second process poll the same repository.
  if (leaseSeconds <= callTimeoutSeconds) {
    throw new SettingsError(`BATON_POLL_LEASE_SECONDS (${leaseSeconds}) must be longer than BATON_PLUGIN_CALL_TIMEOUT_SECONDS (${callTimeoutSeconds})`);
  }
  return {
    concurrency: read.integer('BATON_POLL_CONCURRENCY', 16, 1, 1024),
    hostConcurrency: read.integer('BATON_POLL_HOST_CONCURRENCY', 4, 1, 1024),
    leaseSeconds,
    hintBurst: read.integer('BATON_HINT_BURST', 5, 1, 1000),
    hintsPerMinute: read.integer('BATON_HINTS_PER_MINUTE', 30, 1, 60000),
  };
}

/**
 * Jobs run untrusted commands: their folders stay apart from the data directory, which holds keys
 * and tokens — neither inside it nor holding it. The default, `<data dir>-work`, is beside it and
 * as unique as the data directory itself, so two installations never share job folders.
 */
function workDirSetting(read: EnvReader, dataDir: string): string {
  const workDir = read.optionalPath('BATON_WORK_DIR') ?? `${path.resolve(dataDir)}-work`;
  if (contains(dataDir, workDir) || contains(workDir, dataDir)) {
    throw new SettingsError(`BATON_WORK_DIR (${workDir}) and BATON_DATA_DIR (${dataDir}) must not contain one another`);
  }
  return workDir;
}

function contains(outer: string, inner: string): boolean {
  const relative = path.relative(path.resolve(outer), path.resolve(inner));
  return relative === '' || !(relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative));
}

/** The server's version, from its package.json. */
export function serverVersion(projectRoot = defaultProjectRoot()): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(projectRoot, 'server', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** The folder holding package.json, server/ and plugins/, whether running from src or dist. */
export function defaultProjectRoot(): string {
  return path.resolve(__dirname, '..', '..', '..');
}

class EnvReader {
  constructor(private readonly env: Env) {}

  optional(name: string): string | null {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? null : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  address(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    if (isIP(value) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(value)) {
      throw new SettingsError(`${name} must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name, not '${value}'`);
    }
    return value;
  }

  optionalPath(name: string): string | null {
    const value = this.optional(name);
    return value === null ? null : path.resolve(value);
  }

  pathList(name: string): string[] {
    const value = this.optional(name);
    if (value === null) return [];
    return value
      .split(path.delimiter)
      .filter((p) => p.trim() !== '')
      .map((p) => path.resolve(p.trim()));
  }

  /** Comma-separated CIDR ranges (or single addresses), IPv4 or IPv6. */
  cidrList(name: string, fallback: readonly string[]): string[] {
    const value = this.optional(name);
    if (value === null) return [...fallback];
    const cidrs = value
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '');
    const bad = cidrs.find((c) => parseCidr(c) === null);
    if (bad !== undefined) throw new SettingsError(`${name} must list CIDR ranges separated by commas (169.254.0.0/16, fe80::/10), not '${bad}'`);
    return cidrs;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.optional(name);
    if (value === null) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new SettingsError(`${name} must be a whole number from ${min} to ${max}, not '${value}'`);
    }
    return parsed;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.optional(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    throw new SettingsError(`${name} must be true or false, not '${value}'`);
  }

  oneOf(name: string, fallback: string, allowed: string[]): string {
    const value = this.optional(name) ?? fallback;
    if (!allowed.includes(value)) throw new SettingsError(`${name} must be one of ${allowed.join(', ')}, not '${value}'`);
    return value;
  }

  secretKey(name: string): Buffer | null {
    const value = this.optional(name);
    if (value === null) return null;
    const key = Buffer.from(value, 'base64');
    if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
      throw new SettingsError(`${name} must be 32 bytes encoded in base64 (openssl rand -base64 32)`);
    }
    return key;
  }

  adminToken(name: string): string | null {
    const value = this.optional(name);
    if (value !== null && value.length < 24) throw new SettingsError(`${name} must be at least 24 characters long`);
    return value;
  }
}
