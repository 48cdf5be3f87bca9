import type { DependencyContainer } from 'tsyringe';
import { LocalAgent } from './agents/local-agent';
import type { Settings } from './config/settings';
import { DatabaseMaintenance } from './db/maintenance';
import { EventStream } from './events/event-stream';
import { Signals } from './events/signals';
import { WebhookDispatcher } from './events/webhooks/webhook-dispatcher';
import { TOKENS } from './injection-tokens';
import type { Lifecycle, LifecyclePart } from './lifecycle';
import { PollScheduler } from './materials/polling/poll-scheduler';
import { ConfigFiles } from './pipelines/config-files/config-files';
import { JobReaper } from './pipelines/jobs/job-reaper';
import { PipelineTimers } from './pipelines/triggers/pipeline-timers';
import { PipelineTriggers } from './pipelines/triggers/pipeline-triggers';
import type { PluginHost } from './plugins/plugin-host';

/** The parts the server itself holds: its listener, its readiness answer and the review after a start. */
export interface OwnParts {
  http: LifecyclePart;
  review: LifecyclePart;
  readiness: LifecyclePart;
}

/**
 * Baton's parts after the database, in start order; they stop in the reverse order. On a stop,
 * readiness turns 503 first and stays so for the shutdown delay; then the listener closes while
 * polls, webhooks, pipeline triggers and timers and jobs stop beside it, as connections drain.
 * Only then do the parts they use go: config files, the event stream, the review, maintenance
 * and the plugins (the database, added first, closes last).
 */
export function addServerParts(lifecycle: Lifecycle, c: DependencyContainer, own: OwnParts): void {
  const plugins = c.resolve<PluginHost>(TOKENS.pluginHost);
  const maintenance = c.resolve(DatabaseMaintenance);
  const stream = c.resolve(EventStream);
  const configFiles = c.resolve(ConfigFiles);
  lifecycle
    .add({ name: 'plugins', start: () => plugins.start(), stop: () => plugins.stop() })
    .add({ name: 'database maintenance', start: () => maintenance.start(), stop: () => maintenance.stop() })
    .add(own.review)
    // It starts following the events with its first subscriber.
    .add({ name: 'event stream', stop: () => stream.stop() })
    // Loaded before the listener opens, so that the pipelines are there when the server is.
    .add({ name: 'config files', start: () => configFiles.start(), stop: () => configFiles.stop() })
    .add(own.http, signalsPart(c), ...backgroundWork(c))
    .add(own.readiness);
}

/** Who looks at once when events were written in this process. */
function signalsPart(c: DependencyContainer): LifecyclePart {
  const signals = c.resolve(Signals);
  const readers = [c.resolve(EventStream), c.resolve(WebhookDispatcher), c.resolve(PipelineTriggers)];
  return {
    name: 'signals',
    start: () => {
      for (const reader of readers) signals.onEvents(() => reader.wake());
    },
  };
}

/** What works on its own schedule: it stops while connections drain, each part within the grace. */
function backgroundWork(c: DependencyContainer): LifecyclePart[] {
  const settings = c.resolve<Settings>(TOKENS.settings);
  const scheduler = c.resolve(PollScheduler);
  const webhooks = c.resolve(WebhookDispatcher);
  const triggers = c.resolve(PipelineTriggers);
  const timers = c.resolve(PipelineTimers);
  // The reaper runs always: another process's agent may die.
  const reaper = c.resolve(JobReaper);
  const parts: LifecyclePart[] = [
    { name: 'poll scheduler', start: () => scheduler.start(), stop: () => scheduler.stop(settings.shutdownGraceMs) },
    { name: 'webhook dispatcher', start: () => webhooks.start(), stop: () => webhooks.stop() },
    { name: 'pipeline triggers', start: () => triggers.start(), stop: () => triggers.stop() },
    { name: 'pipeline timers', start: () => timers.start(), stop: () => timers.stop() },
    { name: 'job reaper', start: () => reaper.start(), stop: () => reaper.stop() },
  ];
  if (settings.localAgent) parts.push(localAgentPart(c));
  return parts;
}

/** The built-in agent: running jobs finish within the shutdown grace. */
function localAgentPart(c: DependencyContainer): LifecyclePart {
  const agent = c.resolve(LocalAgent);
  const signals = c.resolve(Signals);
  return {
    name: 'local agent',
    start: () => {
      signals.onJobs(() => agent.wake());
      agent.start();
    },
    stop: () => agent.stop(),
  };
}
