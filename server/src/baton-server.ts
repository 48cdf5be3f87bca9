import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { DependencyContainer } from 'tsyringe';
import { serverVersion, type Settings } from './config/settings';
import { buildContainer } from './container';
import { openDatabase, type Database } from './db/database';
import { secureDataDir } from './db/data-dir-modes';
import type { LockHolder } from './db/data-dir-lock';
import { Migrator } from './db/migrator';
import { Lifecycle, type LifecyclePart } from './lifecycle';
import { addServerParts } from './server-parts';
import { buildApp } from './http/app';
import { buildOpenApiDocument, type OpenApiDocument } from './http/openapi';
import { OpenApiValidator } from './http/openapi-validator';
import { apiRoutes, type ApiServices } from './http/routes';
import { TOKENS } from './injection-tokens';
import { ConfigurationReview } from './materials/configuration-review';
import { SecretBox } from './security/secret-box';
import { resolveSecretKey, verifySecretKey } from './security/secret-key';
import { SignInSessions } from './security/sign-in-sessions';
import { TokenService } from './security/token-service';

const READINESS_QUERY_TIMEOUT_MS = 2000;

/** One running Baton: database, plugins, polling and HTTP API, from start to a clean stop. */
export class BatonServer {
  private shuttingDown = false;
  private stopping: Promise<void> | null = null;
  private reviewing: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly settings: Settings,
    private readonly logger: Logger,
    private readonly db: Database,
    private readonly container: DependencyContainer,
    private readonly server: http.Server,
    private readonly lifecycle: Lifecycle,
  ) {}

  /** The HTTP server it listens with, for those who embed Baton and watch its connections. */
  get httpServer(): http.Server {
    return this.server;
  }

  /** Opens the database, migrates, prepares secrets and the admin token, loads plugins, listens, polls. */
  static async start(settings: Settings, logger: Logger): Promise<BatonServer> {
    // The secret key, the admin token and the embedded database: no other local user's to read.
    secureDataDir(settings.dataDir);
    const onStaleLock = (holder: LockHolder) =>
      logger.warn({ holder }, 'the data directory’s lock was stale (its process is gone, or the pid is now another process’s): taken over');
    const log = logger.child({ area: 'database' });
    const db = await openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, onStaleLock, log });
    // The first part, open before the others can even be built (the container needs it): it closes last.
    const lifecycle = new Lifecycle(logger.child({ area: 'lifecycle' })).add({ name: 'database', stop: () => db.close() });
    await lifecycle.start();
    try {
      const container = await prepareContainer(settings, logger, db);
      const baton = new BatonServer(settings, logger, db, container, http.createServer(), lifecycle);
      addServerParts(lifecycle, container, { http: baton.httpPart(), review: baton.reviewPart(), readiness: baton.readinessPart() });
      await lifecycle.start();
      return baton;
    } catch (error) {
      await lifecycle.stop().catch(() => undefined);
      throw error;
    }
  }

  get url(): string {
    const address = this.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  get dependencies(): DependencyContainer {
    return this.container;
  }

  /** Resolves once the stored configurations have been validated again after the start. */
  reviewed(): Promise<unknown> {
    return this.reviewing;
  }

  /**
   * Readiness turns 503 at once and stays reachable for the shutdown delay, so that load
   * balancers see it; then the server stops accepting, requests in flight drain, and after the
   * grace period remaining connections (long-lived streams) are cut. Polls under way finish or
   * give their leases back; plugins stop; the database closes cleanly (see addServerParts).
   */
  stop(): Promise<void> {
    this.stopping ??= this.lifecycle.stop().then(() => this.logger.info('stopped'));
    return this.stopping;
  }

  private readinessPart(): LifecyclePart {
    return {
      name: 'readiness',
      stop: async () => {
        this.shuttingDown = true;
        this.logger.info({ delayMs: this.settings.shutdownDelayMs }, 'shutting down: readiness is now 503');
        await new Promise((resolve) => setTimeout(resolve, this.settings.shutdownDelayMs));
      },
    };
  }

  private httpPart(): LifecyclePart {
    return {
      name: 'http server',
      start: async () => {
        this.server.on('request', this.app());
        await listen(this.server, this.settings.port, this.settings.bindAddress);
        this.logger.info({ address: this.url }, 'Baton is listening');
      },
      stop: async () => {
        this.server.closeIdleConnections();
        const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
        const grace = setTimeout(() => this.server.closeAllConnections(), this.settings.shutdownGraceMs);
        await closed;
        clearTimeout(grace);
      },
    };
  }

  /** Stored configurations are validated again in the background; plugins stop only after it. */
  private reviewPart(): LifecyclePart {
    return {
      name: 'configuration review',
      start: () => {
        this.reviewing = this.container
          .resolve(ConfigurationReview)
          .reviewAll()
          .catch((error: unknown) => this.logger.error({ err: error }, 'configurations could not be validated again'));
      },
      stop: () => this.reviewing,
    };
  }

  private app(): ReturnType<typeof buildApp> {
    let document: OpenApiDocument | null = null;
    const routes = apiRoutes(this.container.resolve<ApiServices>(TOKENS.apiServices), { check: () => this.readiness() }, () => document!);
    document = buildOpenApiDocument(routes, serverVersion());
    return buildApp({
      routes,
      validator: new OpenApiValidator(document),
      tokens: this.container.resolve(TokenService),
      signIns: this.container.resolve(SignInSessions),
      logger: this.logger,
      bodyLimitBytes: this.settings.bodyLimitBytes,
      trustProxy: this.settings.trustProxy,
      webDir: this.settings.webDir,
      isShuttingDown: () => this.shuttingDown,
    });
  }

  private async readiness(): Promise<{ ready: boolean; reason: string }> {
    if (this.shuttingDown) return { ready: false, reason: 'shutting down' };
    try {
      await this.db.knex.raw('SELECT 1').timeout(READINESS_QUERY_TIMEOUT_MS, { cancel: this.db.kind === 'postgres' });
      return { ready: true, reason: '' };
    } catch (error) {
      return { ready: false, reason: `database unreachable: ${(error as Error).message}` };
    }
  }
}

/** Migrates, checks the secret key, builds the container and makes sure an admin token exists. */
async function prepareContainer(settings: Settings, logger: Logger, db: Database): Promise<DependencyContainer> {
  const applied = await new Migrator(db, settings.migrationsDir).latest();
  logger.info({ applied, database: db.kind }, applied.length > 0 ? 'migrations applied' : 'database schema is current');
  const secretBox = new SecretBox(resolveSecretKey(settings.secretKey, db, settings.dataDir));
  await verifySecretKey(db, secretBox);
  const container = buildContainer({ settings, logger, database: db, secretBox });
  await announceAdminToken(container.resolve(TokenService), settings, logger);
  return container;
}

async function announceAdminToken(tokens: TokenService, settings: Settings, logger: Logger): Promise<void> {
  const outcome = await tokens.bootstrapAdmin(settings.adminToken, settings.dataDir);
  if (!outcome.created) {
    if (settings.adminToken !== null) logger.warn('BATON_ADMIN_TOKEN is ignored: it only sets the first admin token, and admin tokens exist');
    const file = path.join(settings.dataDir, 'admin-token');
    if (fs.existsSync(file)) logger.info({ file }, `the first admin token is in ${file}`);
    return;
  }
  if (outcome.source === 'environment') logger.info('admin token created from BATON_ADMIN_TOKEN');
  else logger.info({ file: outcome.file }, `admin token created: it is in ${outcome.file} (readable by this user only)`);
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
