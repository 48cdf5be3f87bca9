import type { EventStore } from '../../events/event-store';
import type { EventStream } from '../../events/event-stream';
import type { StreamSessions } from '../../events/stream-sessions';
import type { PackageService } from '../../materials/package-service';
import type { PluginRestarts } from '../../materials/plugin-restarts';
import type { PollRequests } from '../../materials/polling/poll-requests';
import type { PollStatusReader } from '../../materials/polling/poll-status';
import type { RefreshHints } from '../../materials/polling/refresh-hints';
import type { RevisionStore } from '../../materials/polling/revision-store';
import type { RepositoryService } from '../../materials/repository-service';
import type { AuditStore } from '../../security/audit-store';
import type { SignInSessions } from '../../security/sign-in-sessions';
import type { TokenService } from '../../security/token-service';
import type { OpenApiDocument } from '../openapi';
import type { RouteDefinition } from '../route';
import { auditRoutes } from './audit';
import { eventRoutes } from './events';
import { healthRoutes, type Readiness } from './health';
import { packageRoutes } from './packages';
import { pluginRoutes, type PluginAdministration } from './plugins';
import { pollingRoutes } from './polling';
import { repositoryRoutes } from './repositories';
import { sessionRoutes } from './session';
import { tokenRoutes } from './tokens';
import { metricsRoutes } from './metrics';
import { webhookRoutes } from './webhooks';
import { runRoutes } from './runs';
import { consoleRoutes } from './console';
import type { JobConsoleStore } from '../../pipelines/jobs/job-console-store';
import { configRoutes } from './config';
import { pipelineRoutes } from './pipelines';
import { dashboardRoutes } from './dashboard';
import type { ConfigFiles } from '../../pipelines/config-files/config-files';
import type { PipelineService } from '../../pipelines/definitions/pipeline-service';
import type { PipelineStates } from '../../pipelines/state/pipeline-states';
import type { RunService } from '../../pipelines/runs/run-service';
import type { PromotionQueries } from '../../pipelines/runs/promotion-queries';
import type { WebhookService } from '../../events/webhooks/webhook-service';
import type { Metrics } from '../../metrics/metrics';

/** Everything the routes call. */
export interface ApiServices {
  plugins: PluginAdministration;
  restarts: PluginRestarts;
  repositories: RepositoryService;
  packages: PackageService;
  polls: PollStatusReader;
  requests: PollRequests;
  hints: RefreshHints;
  revisions: RevisionStore;
  events: EventStore;
  stream: EventStream;
  streamSessions: StreamSessions;
  tokens: TokenService;
  signIns: SignInSessions;
  audit: AuditStore;
  metrics: Metrics;
  webhooks: WebhookService;
  runs: RunService;
  promotions: PromotionQueries;
  pipelines: PipelineService;
  pipelineStates: PipelineStates;
  configFiles: ConfigFiles;
  jobConsole: JobConsoleStore;
  extra: RouteDefinition[];
}

/** The whole route table, in the order express matches it. */
export function apiRoutes(services: ApiServices, readiness: Readiness, document: () => OpenApiDocument): RouteDefinition[] {
  return [
    ...healthRoutes(readiness, document),
    ...pluginRoutes(services.plugins, services.restarts),
    ...repositoryRoutes(services.repositories),
    ...packageRoutes(services.packages, services.polls),
    ...pollingRoutes(services),
    ...eventRoutes(services.events, services.stream, services.streamSessions),
    ...sessionRoutes(services.signIns),
    ...tokenRoutes(services.tokens),
    ...auditRoutes(services.audit),
    ...webhookRoutes(services.webhooks),
    ...pipelineRoutes(services.pipelines, services.pipelineStates),
    ...configRoutes(services.configFiles, services.pipelines),
    ...runRoutes(services.runs, services.promotions),
    ...dashboardRoutes(services.pipelines, services.pipelineStates, services.promotions),
    ...consoleRoutes(services.jobConsole),
    ...metricsRoutes(services.metrics),
    ...services.extra,
  ];
}
