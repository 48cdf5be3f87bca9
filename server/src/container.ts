import 'reflect-metadata';
import { container as rootContainer, instanceCachingFactory, type DependencyContainer, type InjectionToken } from 'tsyringe';
import type { Logger } from 'pino';
import type { Settings } from './config/settings';
import type { Database } from './db/database';
import { TOKENS } from './injection-tokens';
import { ConfigurationCodec } from './materials/configuration-codec';
import { ConfigurationReview } from './materials/configuration-review';
import { PackageService } from './materials/package-service';
import { PackageStore } from './materials/package-store';
import { RepositoryPluginStateStore } from './materials/repository-plugin-state-store';
import { RepositoryService } from './materials/repository-service';
import { RepositoryStore } from './materials/repository-store';
import { PluginHost } from './plugins/plugin-host';
import { AuditStore } from './security/audit-store';
import type { SecretBox } from './security/secret-box';
import { TokenService } from './security/token-service';
import { registerPolling } from './container-polling';
import { registerPipelineDefinitions, registerRuns } from './container-runs';
import { registerAgents } from './container-agents';
import { JobConsoleStore } from './pipelines/jobs/job-console-store';
import { ConfigFiles } from './pipelines/config-files/config-files';
import { PipelineService } from './pipelines/definitions/pipeline-service';
import { PipelineMaterialUsage } from './pipelines/definitions/pipeline-material-usage';
import { PromotionQueries } from './pipelines/runs/promotion-queries';
import { RunService } from './pipelines/runs/run-service';
import { EventStore } from './events/event-store';
import { EventStream } from './events/event-stream';
import { STREAM_TOKEN_RECHECK_MS, StreamSessions } from './events/stream-sessions';
import type { ApiServices } from './http/routes';
import { PluginRestarts } from './materials/plugin-restarts';
import { Metrics } from './metrics/metrics';
import { DatabaseMaintenance } from './db/maintenance';
import { WebhookService } from './events/webhooks/webhook-service';
import { PollRequests } from './materials/polling/poll-requests';
import { PollStatusReader } from './materials/polling/poll-status';
import { RefreshHints } from './materials/polling/refresh-hints';
import { RevisionStore } from './materials/polling/revision-store';

/** What exists before the container: settings, the log, the open database and the secret key. */
export interface ContainerRoots {
  settings: Settings;
  logger: Logger;
  database: Database;
  secretBox: SecretBox;
}

/**
 * The composition root: the one place that decides which class gets which dependencies. Every
 * class receives its dependencies through its constructor and knows nothing of the container.
 */
export function buildContainer(roots: ContainerRoots): DependencyContainer {
  const c = rootContainer.createChildContainer();
  c.registerInstance(TOKENS.settings, roots.settings);
  c.registerInstance(TOKENS.logger, roots.logger);
  c.registerInstance(TOKENS.database, roots.database);
  c.registerInstance(TOKENS.secretBox, roots.secretBox);

  const single = <T>(token: InjectionToken<T>, make: (r: DependencyContainer) => T) => c.register(token, { useFactory: instanceCachingFactory(make) });
  const db = (r: DependencyContainer) => r.resolve<Database>(TOKENS.database);

  single(AuditStore, (r) => new AuditStore(db(r)));
  single(TokenService, (r) => new TokenService(db(r), r.resolve(AuditStore)));
  single(StreamSessions, (r) => {
    const maxAgeMs = r.resolve<Settings>(TOKENS.settings).eventStreamMaxAgeSeconds * 1000;
    return new StreamSessions(
      r.resolve(TokenService),
      { maxAgeMs, recheckMs: STREAM_TOKEN_RECHECK_MS },
      r.resolve<Logger>(TOKENS.logger).child({ area: 'events' }),
    );
  });
  single(RepositoryStore, (r) => new RepositoryStore(db(r)));
  single(PackageStore, (r) => new PackageStore(db(r)));
  single(ConfigurationCodec, (r) => new ConfigurationCodec(r.resolve(TOKENS.secretBox)));
  single(ConfigurationReview, (r) => {
    const plugins = r.resolve<PluginHost>(TOKENS.pluginHost);
    const log = r.resolve<Logger>(TOKENS.logger).child({ area: 'materials' });
    return new ConfigurationReview(r.resolve(RepositoryStore), r.resolve(PackageStore), plugins, r.resolve(ConfigurationCodec), log);
  });
  single(TOKENS.pluginHost, (r) => {
    const settings = r.resolve<Settings>(TOKENS.settings);
    const metrics = r.resolve(Metrics);
    return new PluginHost(
      {
        bundledDir: settings.bundledPluginsDir,
        externalDir: settings.pluginsDir,
        workersPerPlugin: settings.pluginWorkers,
        callTimeoutMs: settings.pluginCallTimeoutMs,
        maxHeapMb: settings.pluginMaxHeapMb,
        http: { ...settings.http, userAgent: settings.userAgent, fileRoots: settings.fileRepoRoots, outbound: settings.outbound },
        memorySampleMs: settings.pluginMemorySampleMs,
        maxExternalMb: settings.pluginMaxExternalMb,
        observer: { memorySampled: (pluginId, memory) => metrics.pluginMemory(pluginId, memory) },
      },
      new RepositoryPluginStateStore(db(r)),
      r.resolve<Logger>(TOKENS.logger).child({ area: 'plugins' }),
    );
  });
  single(RepositoryService, (r) => {
    return new RepositoryService(
      db(r),
      r.resolve(RepositoryStore),
      r.resolve(PackageStore),
      r.resolve<PluginHost>(TOKENS.pluginHost),
      r.resolve(ConfigurationCodec),
      r.resolve(ConfigurationReview),
      r.resolve(AuditStore),
      r.resolve(PipelineMaterialUsage),
    );
  });
  single(PackageService, (r) => {
    return new PackageService(
      db(r),
      r.resolve(PackageStore),
      r.resolve(RepositoryService),
      r.resolve(RepositoryStore),
      r.resolve<PluginHost>(TOKENS.pluginHost),
      r.resolve(ConfigurationCodec),
      r.resolve(AuditStore),
      { minPollIntervalSeconds: r.resolve<Settings>(TOKENS.settings).minPollIntervalSeconds },
      r.resolve(PipelineMaterialUsage),
    );
  });
  registerPolling(c);
  registerRuns(c);
  registerPipelineDefinitions(c);
  registerAgents(c);
  single(Metrics, () => new Metrics());
  single(DatabaseMaintenance, (r) => new DatabaseMaintenance(db(r), r.resolve<Logger>(TOKENS.logger).child({ area: 'db' })));
  single(PluginRestarts, (r) => new PluginRestarts(r.resolve<PluginHost>(TOKENS.pluginHost), r.resolve(AuditStore)));
  single(TOKENS.apiServices, (r): ApiServices => ({
    plugins: r.resolve<PluginHost>(TOKENS.pluginHost),
    restarts: r.resolve(PluginRestarts),
    repositories: r.resolve(RepositoryService),
    packages: r.resolve(PackageService),
    polls: r.resolve(PollStatusReader),
    requests: r.resolve(PollRequests),
    hints: r.resolve(RefreshHints),
    revisions: r.resolve(RevisionStore),
    events: r.resolve(EventStore),
    stream: r.resolve(EventStream),
    streamSessions: r.resolve(StreamSessions),
    tokens: r.resolve(TokenService),
    audit: r.resolve(AuditStore),
    metrics: r.resolve(Metrics),
    webhooks: r.resolve(WebhookService),
    runs: r.resolve(RunService),
    pipelines: r.resolve(PipelineService),
    configFiles: r.resolve(ConfigFiles),
    promotions: r.resolve(PromotionQueries),
    jobConsole: r.resolve(JobConsoleStore),
    extra: [],
  }));
  return c;
}
