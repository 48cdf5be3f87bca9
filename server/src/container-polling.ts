import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { roots, singleton } from './container-registration';
import { EventStore } from './events/event-store';
import { EventStream } from './events/event-stream';
import { ConfigurationCodec } from './materials/configuration-codec';
import { PollClaims } from './materials/polling/poll-claims';
import { PollRecorder } from './materials/polling/poll-recorder';
import { PollRequests } from './materials/polling/poll-requests';
import { PollScheduler } from './materials/polling/poll-scheduler';
import { PollStatusReader } from './materials/polling/poll-status';
import { PollWorkQueries } from './materials/polling/poll-work-queries';
import { RefreshHints } from './materials/polling/refresh-hints';
import { RepositoryPoller } from './materials/polling/repository-poller';
import { RevisionStore } from './materials/polling/revision-store';
import { Metrics } from './metrics/metrics';
import { Signals } from './events/signals';
import { AuditStore } from './security/audit-store';
import { OutboundPolicy } from './security/outbound-policy';
import { EventRetention } from './events/webhooks/event-retention';
import { WebhookDeliveryStore } from './events/webhooks/webhook-delivery-store';
import { WebhookDispatcher } from './events/webhooks/webhook-dispatcher';
import { WebhookLeases } from './events/webhooks/webhook-leases';
import { WebhookService } from './events/webhooks/webhook-service';
import { WebhookStore } from './events/webhooks/webhook-store';
import type { PollObserver } from './materials/polling/poll-scheduler';

/** What a finished poll tells the rest of the server: metrics, and live event streams. */
function pollObserver(metrics: Metrics, signals: Signals): PollObserver {
  return {
    claimed: (claim, waitedSeconds) => {
      if (claim.dueAt) metrics.schedulingLag((claim.claimedAt.getTime() - claim.dueAt.getTime()) / 1000 + waitedSeconds);
    },
    polled: (_claim, report, durationSeconds) => {
      let detected = 0;
      for (const { outcome } of report.outcomes.values()) {
        metrics.pollFinished(report.pluginId, outcome, durationSeconds);
        if (outcome === 'new_revision') detected += 1;
      }
      metrics.revisionsDetected(report.pluginId, detected);
      if (report.eventIds.length > 0) signals.eventsWritten();
    },
    leasesHeld: (count) => metrics.leasesHeld(count),
  };
}

/** The polling engine, the events it writes and the webhooks that carry them: part of the composition root. */
export function registerPolling(c: DependencyContainer): void {
  const single = <T>(token: InjectionToken<T>, make: (r: DependencyContainer) => T) => singleton(c, token, make);
  const { database: db, settings, logger, plugins, secretBox } = roots;

  single(EventStore, (r) => new EventStore(db(r)));
  single(EventStream, (r) => new EventStream(r.resolve(EventStore), logger(r, 'events')));
  single(RevisionStore, (r) => new RevisionStore(db(r)));
  single(PollClaims, (r) => new PollClaims(db(r)));
  single(PollRecorder, (r) => new PollRecorder(db(r), r.resolve(EventStore)));
  single(PollWorkQueries, (r) => new PollWorkQueries(db(r)));
  single(PollStatusReader, (r) => new PollStatusReader(db(r), plugins(r)));
  single(RepositoryPoller, (r) => {
    const log = logger(r, 'polling');
    return new RepositoryPoller(r.resolve(PollWorkQueries), plugins(r), r.resolve(ConfigurationCodec), r.resolve(PollRecorder), log);
  });
  single(PollScheduler, (r) => {
    const { poll } = settings(r);
    return new PollScheduler(
      r.resolve(PollClaims),
      r.resolve(RepositoryPoller),
      {
        owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
        leaseSeconds: poll.leaseSeconds,
        concurrency: poll.concurrency,
        hostConcurrency: poll.hostConcurrency,
        // Only PostgreSQL can be shared by several processes; one process needs no turn-taking.
        tickJitterMs: db(r).kind === 'postgres' ? 250 : 0,
        alone: db(r).kind === 'embedded',
      },
      pollObserver(r.resolve(Metrics), r.resolve(Signals)),
      logger(r, 'polling'),
    );
  });
  single(WebhookDeliveryStore, (r) => new WebhookDeliveryStore(db(r)));
  single(WebhookService, (r) => {
    return new WebhookService(db(r), new WebhookStore(db(r)), r.resolve(WebhookDeliveryStore), secretBox(r), r.resolve(AuditStore));
  });
  single(WebhookDispatcher, (r) => {
    const s = settings(r);
    const deliveries = r.resolve(WebhookDeliveryStore);
    const events = r.resolve(EventStore);
    const metrics = r.resolve(Metrics);
    return new WebhookDispatcher(
      {
        leases: new WebhookLeases(db(r), deliveries),
        events,
        secretBox: secretBox(r),
        retention: new EventRetention(events, deliveries, s.eventRetentionDays, r.resolve(AuditStore)),
        logger: logger(r, 'webhooks'),
      },
      {
        userAgent: s.userAgent,
        maxFailingMs: s.webhookMaxFailingHours * 3_600_000,
        stopDeadlineMs: s.shutdownGraceMs,
        outbound: new OutboundPolicy(s.outbound),
      },
      { deliveryFinished: (outcome) => metrics.deliveryFinished(outcome) },
    );
  });
  single(PollRequests, (r) => new PollRequests(db(r), r.resolve(PollScheduler), r.resolve(RevisionStore)));
  single(RefreshHints, (r) => {
    const { poll } = settings(r);
    return new RefreshHints(db(r), secretBox(r), { burst: poll.hintBurst, perSecond: poll.hintsPerMinute / 60 });
  });
}
