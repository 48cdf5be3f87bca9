import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { DependencyContainer } from 'tsyringe';
import { serverVersion, type Settings } from './config/settings';
import { buildContainer } from './container';
import { openDatabase, type Database } from './db/database';
import { Migrator } from './db/migrator';
import { buildApp } from './http/app';
import { buildOpenApiDocument, type OpenApiDocument } from './http/openapi';
import { OpenApiValidator } from './http/openapi-validator';
import { apiRoutes } from './http/routes';
import { TOKENS } from './injection-tokens';
import { ConfigurationCodec } from './materials/configuration-codec';
import { ConfigurationReview } from './materials/configuration-review';
import { PackageStore } from './materials/package-store';
import { RepositoryStore } from './materials/repository-store';
import { reviewConfigurations } from './materials/review-configurations';
import { PollScheduler } from './materials/polling/poll-scheduler';
import { EventStream } from './events/event-stream';
import type { PluginHost } from './plugins/plugin-host';
import { SecretBox } from './security/secret-box';
import { resolveSecretKey, verifySecretKey } from './security/secret-key';
import { TokenService } from './security/token-service';

const READINESS_QUERY_TIMEOUT_MS = 2000;

/** One running Baton: database, plugins and HTTP API, from start to a clean stop. */
export class BatonServer {
  private shuttingDown = false;
  private stopping: Promise<void> | null = null;

  private constructor(
    private readonly settings: Settings,
    private readonly logger: Logger,
    private readonly db: Database,
    private readonly container: DependencyContainer,
    private readonly server: http.Server,
  ) {}

  /** Opens the database, migrates, prepares secrets and the admin token, loads plugins, listens. */
  static async start(settings: Settings, logger: Logger): Promise<BatonServer> {
    const db = await openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir });
    try {
      const applied = await new Migrator(db, settings.migrationsDir).latest();
      logger.info({ applied, database: db.kind }, applied.length > 0 ? 'migrations applied' : 'database schema is current');
      const secretBox = new SecretBox(resolveSecretKey(settings.secretKey, db, settings.dataDir));
      await verifySecretKey(db, secretBox);
      const container = buildContainer({ settings, logger, database: db, secretBox });
      await announceAdminToken(container.resolve(TokenService), settings, logger);
      await container.resolve<PluginHost>(TOKENS.pluginHost).start();
      const server = http.createServer();
      const baton = new BatonServer(settings, logger, db, container, server);
      server.on('request', baton.app());
      await baton.reviewConfigurations();
      await listen(server, settings.port, settings.bindAddress);
      logger.info({ address: baton.url }, 'Baton is listening');
      container.resolve(PollScheduler).start();
      return baton;
    } catch (error) {
      await db.close().catch(() => undefined);
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

  /**
   * Readiness turns 503 at once; requests in flight drain; after the grace period the remaining
   * connections (long-lived streams) are cut; plugins stop; the database closes cleanly.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.logger.info('shutting down: readiness is now 503, draining requests');
    this.server.closeIdleConnections();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const grace = setTimeout(() => this.server.closeAllConnections(), this.settings.shutdownGraceMs);
    await closed;
    clearTimeout(grace);
    await this.container.resolve(PollScheduler).stop(this.settings.shutdownGraceMs);
    this.container.resolve(EventStream).stop();
    await this.container.resolve<PluginHost>(TOKENS.pluginHost).stop();
    await this.db.close();
    this.logger.info('stopped');
  }

  private app(): ReturnType<typeof buildApp> {
    let document: OpenApiDocument | null = null;
    const routes = apiRoutes(this.container, { check: () => this.readiness() }, () => document!);
    document = buildOpenApiDocument(routes, serverVersion());
    return buildApp({
      routes,
      validator: new OpenApiValidator(document),
      tokens: this.container.resolve(TokenService),
      logger: this.logger,
      bodyLimitBytes: this.settings.bodyLimitBytes,
      trustProxy: this.settings.trustProxy,
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

  /** Before serving, so that every answer already shows what the plugins think of the stored configurations. */
  private async reviewConfigurations(): Promise<void> {
    try {
      await reviewConfigurations({
        repositories: this.container.resolve(RepositoryStore),
        packages: this.container.resolve(PackageStore),
        plugins: this.container.resolve<PluginHost>(TOKENS.pluginHost),
        codec: this.container.resolve(ConfigurationCodec),
        review: this.container.resolve(ConfigurationReview),
        logger: this.logger,
      });
    } catch (error) {
      this.logger.error({ err: error }, 'configurations could not be validated again');
    }
  }
}

async function announceAdminToken(tokens: TokenService, settings: Settings, logger: Logger): Promise<void> {
  const outcome = await tokens.bootstrapAdmin(settings.adminToken, settings.dataDir);
  if (!outcome.created) {
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
