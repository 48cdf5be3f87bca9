import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Settings } from '../../server/src/config/settings';
import type { Database } from '../../server/src/db/database';
import { buildApp } from '../../server/src/http/app';
import { buildOpenApiDocument, type OpenApiDocument } from '../../server/src/http/openapi';
import { OpenApiValidator } from '../../server/src/http/openapi-validator';
import { apiRoutes, type ApiServices } from '../../server/src/http/routes';
import { TOKENS } from '../../server/src/injection-tokens';
import { ConfigurationCodec } from '../../server/src/materials/configuration-codec';
import { ConfigurationReview } from '../../server/src/materials/configuration-review';
import { PackageService } from '../../server/src/materials/package-service';
import { PackageStore } from '../../server/src/materials/package-store';
import { RepositoryService } from '../../server/src/materials/repository-service';
import { RepositoryStore } from '../../server/src/materials/repository-store';
import { ConfigFileSync } from '../../server/src/pipelines/config-files/config-file-sync';
import { ConfigFiles } from '../../server/src/pipelines/config-files/config-files';
import type { MaterialDirectory } from '../../server/src/pipelines/definitions/pipeline-material-directory';
import { PipelineLookups } from '../../server/src/pipelines/definitions/pipeline-lookups';
import { PipelineMaterialUsage } from '../../server/src/pipelines/definitions/pipeline-material-usage';
import { PipelineService } from '../../server/src/pipelines/definitions/pipeline-service';
import { PipelineStore } from '../../server/src/pipelines/definitions/pipeline-store';
import type { PluginHost } from '../../server/src/plugins/plugin-host';
import { AuditStore } from '../../server/src/security/audit-store';
import type { SecretBox } from '../../server/src/security/secret-box';
import { SignInSessions } from '../../server/src/security/sign-in-sessions';
import { TokenService } from '../../server/src/security/token-service';
import { ApiClient } from './api-client';
import type { TestServer } from './test-server';

export interface PipelinesApp {
  url: string;
  /** A client holding the admin token, checking answers against this app's OpenAPI document. */
  api: ApiClient;
  configFiles: ConfigFiles | null;
  close(): Promise<void>;
}

/**
 * The test server's API plus the pipeline routes, on a second port and over the same container:
 * pipelines, the material usage checks in repositories and packages, and (given a folder) the
 * configuration files, wired as the composition root wires them.
 */
export async function startPipelinesApp(baton: TestServer, options: { configDir?: string; rescanMs?: number } = {}): Promise<PipelinesApp> {
  const c = baton.server.dependencies;
  const db = c.resolve<Database>(TOKENS.database);
  const box = c.resolve<SecretBox>(TOKENS.secretBox);
  const settings = c.resolve<Settings>(TOKENS.settings);
  const logger = c.resolve<Logger>(TOKENS.logger);
  const plugins = c.resolve<PluginHost>(TOKENS.pluginHost);
  const audit = c.resolve(AuditStore);
  const store = new PipelineStore(db);
  const directory: MaterialDirectory = { repositories: c.resolve(RepositoryStore), packages: c.resolve(PackageStore) };
  const lookups = new PipelineLookups(store, directory, box);
  const pipelines = new PipelineService(db, store, lookups, audit, box);
  const usage = new PipelineMaterialUsage(store, directory);
  const codec = c.resolve(ConfigurationCodec);
  const repositories = new RepositoryService(
    db,
    c.resolve(RepositoryStore),
    c.resolve(PackageStore),
    plugins,
    codec,
    c.resolve(ConfigurationReview),
    audit,
    usage,
  );
  const packages = new PackageService(
    db,
    c.resolve(PackageStore),
    repositories,
    c.resolve(RepositoryStore),
    plugins,
    codec,
    audit,
    { minPollIntervalSeconds: settings.minPollIntervalSeconds },
    usage,
  );
  const configFiles = options.configDir
    ? new ConfigFiles({ dir: options.configDir, debounceMs: 100, rescanMs: options.rescanMs ?? 60_000 }, new ConfigFileSync(db, store, lookups, audit), logger)
    : null;
  await configFiles?.start();

  const services: ApiServices = {
    ...c.resolve<ApiServices>(TOKENS.apiServices),
    repositories,
    packages,
    pipelines,
    ...(configFiles ? { configFiles } : {}),
  };
  let document: OpenApiDocument | null = null;
  const routes = apiRoutes(services, { check: async () => ({ ready: true, reason: '' }) }, () => document!);
  document = buildOpenApiDocument(routes, 'test');
  const app = buildApp({
    routes,
    validator: new OpenApiValidator(document),
    tokens: c.resolve(TokenService),
    signIns: c.resolve(SignInSessions),
    logger,
    bodyLimitBytes: settings.bodyLimitBytes,
    trustProxy: false,
    isShuttingDown: () => false,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    api: await ApiClient.connect(url, baton.adminToken),
    configFiles,
    close: async () => {
      await configFiles?.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
