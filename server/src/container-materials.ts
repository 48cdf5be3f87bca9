import type { DependencyContainer } from 'tsyringe';
import { roots, singleton } from './container-registration';
import { TOKENS } from './injection-tokens';
import { ConfigurationCodec } from './materials/configuration-codec';
import { ConfigurationReview } from './materials/configuration-review';
import { PackageService } from './materials/package-service';
import { PackageStore } from './materials/package-store';
import { PluginRestarts } from './materials/plugin-restarts';
import { RepositoryPluginStateStore } from './materials/repository-plugin-state-store';
import { RepositoryService } from './materials/repository-service';
import { RepositoryStore } from './materials/repository-store';
import { Metrics } from './metrics/metrics';
import { PipelineMaterialUsage } from './pipelines/definitions/pipeline-material-usage';
import { PluginHost } from './plugins/plugin-host';
import { AuditStore } from './security/audit-store';
import { SignInSessions } from './security/sign-in-sessions';
import { TokenService } from './security/token-service';

/** Tokens and the audit log: part of the composition root. */
export function registerSecurity(c: DependencyContainer): void {
  const { database } = roots;
  singleton(c, AuditStore, (r) => new AuditStore(database(r)));
  singleton(c, TokenService, (r) => new TokenService(database(r), r.resolve(AuditStore)));
  singleton(c, SignInSessions, (r) => new SignInSessions(database(r), r.resolve(TokenService), { maxAgeSeconds: roots.settings(r).sessionMaxAgeSeconds }));
}

/** The plugin host, repositories and packages with their configurations: part of the composition root. */
export function registerMaterials(c: DependencyContainer): void {
  const { database, plugins, logger } = roots;
  singleton(c, TOKENS.pluginHost, (r) => pluginHost(r));
  singleton(c, PluginRestarts, (r) => new PluginRestarts(plugins(r), r.resolve(AuditStore)));
  singleton(c, RepositoryStore, (r) => new RepositoryStore(database(r)));
  singleton(c, PackageStore, (r) => new PackageStore(database(r)));
  singleton(c, ConfigurationCodec, (r) => new ConfigurationCodec(roots.secretBox(r)));
  singleton(c, ConfigurationReview, (r) => {
    const log = logger(r, 'materials');
    return new ConfigurationReview(r.resolve(RepositoryStore), r.resolve(PackageStore), plugins(r), r.resolve(ConfigurationCodec), log);
  });
  singleton(c, RepositoryService, (r) => {
    return new RepositoryService(
      database(r),
      r.resolve(RepositoryStore),
      r.resolve(PackageStore),
      plugins(r),
      r.resolve(ConfigurationCodec),
      r.resolve(ConfigurationReview),
      r.resolve(AuditStore),
      r.resolve(PipelineMaterialUsage),
    );
  });
  singleton(c, PackageService, (r) => {
    return new PackageService(
      database(r),
      r.resolve(PackageStore),
      r.resolve(RepositoryService),
      r.resolve(RepositoryStore),
      plugins(r),
      r.resolve(ConfigurationCodec),
      r.resolve(AuditStore),
      { minPollIntervalSeconds: roots.settings(r).minPollIntervalSeconds },
      r.resolve(PipelineMaterialUsage),
    );
  });
}

function pluginHost(r: DependencyContainer): PluginHost {
  const settings = roots.settings(r);
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
    // Only the host hands a plugin its store.
    new RepositoryPluginStateStore(roots.database(r)),
    roots.logger(r, 'plugins'),
  );
}
