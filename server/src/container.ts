import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { Logger } from 'pino';
import type { Settings } from './config/settings';
import type { Database } from './db/database';
import { TOKENS } from './injection-tokens';
import { registerAgents } from './container-agents';
import { registerMaterials, registerSecurity } from './container-materials';
import { registerPolling } from './container-polling';
import { roots, singleton } from './container-registration';
import { registerPipelineDefinitions, registerRuns } from './container-runs';
import { DatabaseMaintenance } from './db/maintenance';
import { EventStore } from './events/event-store';
import { EventStream } from './events/event-stream';
import { STREAM_TOKEN_RECHECK_MS, StreamSessions } from './events/stream-sessions';
import { WebhookService } from './events/webhooks/webhook-service';
import type { ApiServices } from './http/routes';
import { PackageService } from './materials/package-service';
import { PluginRestarts } from './materials/plugin-restarts';
import { PollRequests } from './materials/polling/poll-requests';
import { PollStatusReader } from './materials/polling/poll-status';
import { RefreshHints } from './materials/polling/refresh-hints';
import { RevisionStore } from './materials/polling/revision-store';
import { RepositoryService } from './materials/repository-service';
import { Metrics } from './metrics/metrics';
import { ConfigFiles } from './pipelines/config-files/config-files';
import { JobConsoleStore } from './pipelines/jobs/job-console-store';
import { JobRunStore } from './pipelines/jobs/job-run-store';
import { PipelineService } from './pipelines/definitions/pipeline-service';
import { PipelineStates } from './pipelines/state/pipeline-states';
import { PromotionQueries } from './pipelines/runs/promotion-queries';
import { RunService } from './pipelines/runs/run-service';
import { AuditStore } from './security/audit-store';
import type { SecretBox } from './security/secret-box';
import { SignInSessions } from './security/sign-in-sessions';
import { TokenService } from './security/token-service';

/** What exists before the container: settings, the log, the open database and the secret key. */
export interface ContainerRoots {
  settings: Settings;
  logger: Logger;
  database: Database;
  secretBox: SecretBox;
}

/**
 * The composition root: the one place that decides which class gets which dependencies. It is
 * split by area (container-materials, -polling, -runs, -agents) and this function alone
 * assembles it. Every class receives its dependencies through its constructor and knows nothing
 * of the container; only this root and the server's start (baton-server.ts, server-parts.ts) resolve from it.
 *
 * Why tsyringe: each singleton is registered once, under its class or a token, and built on
 * first need after what it needs. Registrations may so come in any order and from several
 * files, parts a configuration leaves unused (the local agent turned off) are never built, and
 * tests reach the running instances through the same classes and tokens.
 *
 * Why factories rather than decorated classes (`@injectable`, `@inject`): the classes stay free
 * of the container, and tests build them with `new` as easily; and most constructors take values
 * made here (options from settings, a logger per area, observers feeding metrics), which a
 * factory states in a line where decorators would need a token for each. A helper with a single
 * user (a webhook store, an outbound policy) is plainly built in that user's factory.
 */
export function buildContainer(given: ContainerRoots): DependencyContainer {
  const c = rootContainer.createChildContainer();
  c.registerInstance(TOKENS.settings, given.settings);
  c.registerInstance(TOKENS.logger, given.logger);
  c.registerInstance(TOKENS.database, given.database);
  c.registerInstance(TOKENS.secretBox, given.secretBox);
  registerServer(c);
  registerSecurity(c);
  registerMaterials(c);
  registerPolling(c);
  registerRuns(c);
  registerPipelineDefinitions(c);
  registerAgents(c);
  registerApi(c);
  return c;
}

/** What serves the whole server: metrics and the embedded database's upkeep. */
function registerServer(c: DependencyContainer): void {
  singleton(c, Metrics, (r) => {
    const knex = roots.database(r).knex;
    const jobs = new JobRunStore();
    const activeJobs = async () => {
      const { scheduled, running } = await jobs.countActive(knex);
      return { waiting: scheduled, running };
    };
    return new Metrics({ activeJobs });
  });
  singleton(c, DatabaseMaintenance, (r) => new DatabaseMaintenance(roots.database(r), roots.logger(r, 'db')));
}

/** The services the HTTP routes are given, and the sessions of event streams. */
function registerApi(c: DependencyContainer): void {
  singleton(c, StreamSessions, (r) => {
    const maxAgeMs = roots.settings(r).eventStreamMaxAgeSeconds * 1000;
    return new StreamSessions(r.resolve(TokenService), r.resolve(SignInSessions), { maxAgeMs, recheckMs: STREAM_TOKEN_RECHECK_MS }, roots.logger(r, 'events'));
  });
  singleton(c, TOKENS.apiServices, (r): ApiServices => ({
    plugins: roots.plugins(r),
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
    signIns: r.resolve(SignInSessions),
    audit: r.resolve(AuditStore),
    metrics: r.resolve(Metrics),
    webhooks: r.resolve(WebhookService),
    runs: r.resolve(RunService),
    pipelines: r.resolve(PipelineService),
    pipelineStates: r.resolve(PipelineStates),
    configFiles: r.resolve(ConfigFiles),
    promotions: r.resolve(PromotionQueries),
    jobConsole: r.resolve(JobConsoleStore),
    extra: [],
  }));
}
