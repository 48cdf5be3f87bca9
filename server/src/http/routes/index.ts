import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../../injection-tokens';
import { ConfigurationReview } from '../../materials/configuration-review';
import { PackageService } from '../../materials/package-service';
import { RepositoryService } from '../../materials/repository-service';
import type { PluginHost } from '../../plugins/plugin-host';
import { AuditLog } from '../../security/audit-log';
import { TokenService } from '../../security/token-service';
import type { OpenApiDocument } from '../openapi';
import type { RouteDefinition } from '../route';
import { auditRoutes } from './audit';
import { eventRoutes } from './events';
import { pollingRoutes } from './polling';
import { EventLog } from '../../events/event-log';
import { EventStream } from '../../events/event-stream';
import { PollRequests } from '../../materials/polling/poll-requests';
import { PollStatusReader } from '../../materials/polling/poll-status';
import { RefreshHints } from '../../materials/polling/refresh-hints';
import { RevisionStore } from '../../materials/polling/revision-store';
import { healthRoutes, type Readiness } from './health';
import { packageRoutes } from './packages';
import { pluginRoutes } from './plugins';
import { repositoryRoutes } from './repositories';
import { tokenRoutes } from './tokens';

/** The whole route table, in the order express matches it. */
export function apiRoutes(c: DependencyContainer, readiness: Readiness, document: () => OpenApiDocument): RouteDefinition[] {
  const review = c.resolve(ConfigurationReview);
  const audit = c.resolve(AuditLog);
  return [
    ...healthRoutes(readiness, document),
    ...pluginRoutes(c.resolve<PluginHost>(TOKENS.pluginHost), audit),
    ...repositoryRoutes(c.resolve(RepositoryService), review),
    ...packageRoutes(c.resolve(PackageService), review, c.resolve(PollStatusReader)),
    ...pollingRoutes({
      packages: c.resolve(PackageService),
      repositories: c.resolve(RepositoryService),
      requests: c.resolve(PollRequests),
      hints: c.resolve(RefreshHints),
      revisions: c.resolve(RevisionStore),
    }),
    ...eventRoutes(c.resolve(EventLog), c.resolve(EventStream)),
    ...tokenRoutes(c.resolve(TokenService)),
    ...auditRoutes(audit),
  ];
}
