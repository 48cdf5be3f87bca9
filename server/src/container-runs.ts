import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { instanceCachingFactory, type DependencyContainer, type InjectionToken } from 'tsyringe';
import type { Logger } from 'pino';
import type { Database } from './db/database';
import { EventLog } from './events/event-log';
import { EventStream } from './events/event-stream';
import { Signals } from './events/signals';
import { WebhookDispatcher } from './events/webhooks/webhook-dispatcher';
import { TOKENS } from './injection-tokens';
import { MaterialResolver } from './pipelines/material-resolver';
import { PipelineTimers } from './pipelines/pipeline-timers';
import { PipelineTriggers } from './pipelines/pipeline-triggers';
import { PromotionQueries } from './pipelines/promotion-queries';
import { RunCreator } from './pipelines/run-creator';
import { RunReads } from './pipelines/run-reads';
import { RunService } from './pipelines/run-service';
import { StageMachine } from './pipelines/stage-machine';
import { AuditLog } from './security/audit-log';

/** Runs, their triggers and the promotion record: part of the composition root. */
export function registerRuns(c: DependencyContainer): void {
  const single = <T>(token: InjectionToken<T>, make: (r: DependencyContainer) => T) =>
    c.register(token, { useFactory: instanceCachingFactory(make) });
  const db = (r: DependencyContainer) => r.resolve<Database>(TOKENS.database);
  const logger = (r: DependencyContainer) => r.resolve<Logger>(TOKENS.logger).child({ area: 'pipelines' });
  const runCreated = (r: DependencyContainer) => () => {
    const signals = r.resolve(Signals);
    signals.jobsScheduled();
    signals.eventsWritten();
  };

  single(Signals, () => new Signals());
  single(StageMachine, (r) => new StageMachine(r.resolve(EventLog)));
  single(RunReads, (r) => new RunReads(db(r)));
  single(MaterialResolver, (r) => new MaterialResolver(r.resolve(RunReads)));
  single(RunCreator, (r) => new RunCreator(db(r), r.resolve(StageMachine), r.resolve(EventLog)));
  single(PromotionQueries, (r) => new PromotionQueries(db(r)));
  single(RunService, (r) => new RunService(db(r), r.resolve(MaterialResolver), r.resolve(RunCreator), r.resolve(StageMachine), r.resolve(AuditLog), r.resolve(Signals)));
  single(PipelineTriggers, (r) => {
    const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    return new PipelineTriggers(db(r), r.resolve(EventLog), r.resolve(MaterialResolver), r.resolve(RunCreator), owner, runCreated(r), logger(r));
  });
  single(PipelineTimers, (r) => new PipelineTimers(db(r), r.resolve(MaterialResolver), r.resolve(RunCreator), runCreated(r), logger(r)));
}

/** Who looks at once when events were written in this process. */
export function wireSignals(c: DependencyContainer): void {
  const signals = c.resolve(Signals);
  signals.onEvents(() => c.resolve(EventStream).wake());
  signals.onEvents(() => c.resolve(WebhookDispatcher).wake());
  signals.onEvents(() => c.resolve(PipelineTriggers).wake());
}
