import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PluginMemory } from '../plugins/plugin-memory';
import { PipelineMetrics, STAGE_SERIES_LIMIT, type PipelineMetricsOptions } from './pipeline-metrics';

export type PollOutcome = 'new_revision' | 'no_change' | 'failed';
export type DeliveryOutcome = 'delivered' | 'failed';

const PREFIX = 'baton_';
// From a conditional request answered at once (5 ms) to a large metadata download (2 min).
const POLL_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
// The scheduling goal is a p99 under 2 s; the buckets are dense around it.
const SCHEDULING_LAG_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];
const DELIVERY_OUTCOMES: readonly DeliveryOutcome[] = ['delivered', 'failed'];

/**
 * What Baton counts for Prometheus. Each instance has a registry of its own, not the library's
 * global one, so that several servers in one process (as in tests) keep separate counts.
 */
export class Metrics {
  private readonly registry = new Registry();
  private readonly polls = new Counter({
    name: `${PREFIX}polls_total`,
    help: 'Polls of a package, by plugin and outcome.',
    labelNames: ['plugin', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly pollDuration = new Histogram({
    name: `${PREFIX}poll_duration_seconds`,
    help: 'How long one poll took, by plugin.',
    labelNames: ['plugin'] as const,
    buckets: POLL_DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly revisions = new Counter({
    name: `${PREFIX}revisions_detected_total`,
    help: 'New package revisions recorded, by plugin.',
    labelNames: ['plugin'] as const,
    registers: [this.registry],
  });
  private readonly lag = new Histogram({
    name: `${PREFIX}scheduling_lag_seconds`,
    help: 'How late a poll was claimed: the time between its next_poll_at and the claim.',
    buckets: SCHEDULING_LAG_BUCKETS,
    registers: [this.registry],
  });
  private readonly leases = new Gauge({
    name: `${PREFIX}leases_held`,
    help: 'Repository poll leases this process holds.',
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: `${PREFIX}webhook_deliveries_total`,
    help: 'Outbound webhook delivery attempts, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly workerMemory = new Gauge({
    name: `${PREFIX}plugin_worker_memory_bytes`,
    help: 'A plugin’s workers’ memory as last sampled inside them, added up, by kind (external includes array_buffers).',
    labelNames: ['plugin', 'kind'] as const,
    registers: [this.registry],
  });
  private readonly workerMemoryPeak = new Gauge({
    name: `${PREFIX}plugin_worker_memory_peak_bytes`,
    help: 'The most one of the plugin’s workers has held (heap used plus external) since it started.',
    labelNames: ['plugin'] as const,
    registers: [this.registry],
  });

  /** Runs, stages and jobs: what the pipelines tell as they change. */
  readonly pipelines: PipelineMetrics;

  constructor(options: Partial<PipelineMetricsOptions> = {}) {
    this.pipelines = new PipelineMetrics(this.registry, PREFIX, { activeJobs: null, stageSeriesLimit: STAGE_SERIES_LIMIT, ...options });
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    // Known outcomes start at zero, so that rate() sees the first failure.
    for (const outcome of DELIVERY_OUTCOMES) this.deliveries.labels(outcome).inc(0);
  }

  /** The Content-Type of `render()`: Prometheus' text format. */
  get contentType(): string {
    return this.registry.contentType;
  }

  pollFinished(pluginId: string, outcome: PollOutcome, durationSeconds: number): void {
    this.polls.labels(pluginId, outcome).inc();
    this.pollDuration.labels(pluginId).observe(durationSeconds);
  }

  revisionsDetected(pluginId: string, count: number): void {
    if (count > 0) this.revisions.labels(pluginId).inc(count);
  }

  /** `now − next_poll_at` when a poll is claimed; a poll claimed early (on request) counts as on time. */
  schedulingLag(seconds: number): void {
    this.lag.observe(Math.max(0, seconds));
  }

  leasesHeld(count: number): void {
    this.leases.set(count);
  }

  deliveryFinished(outcome: DeliveryOutcome): void {
    this.deliveries.labels(outcome).inc();
  }

  /** A plugin's latest memory figures; null (no worker has reported) removes its series. */
  pluginMemory(pluginId: string, memory: PluginMemory | null): void {
    const kinds = { heap_used: memory?.heapUsedBytes, external: memory?.externalBytes, array_buffers: memory?.arrayBuffersBytes };
    for (const [kind, bytes] of Object.entries(kinds)) {
      if (bytes === undefined) this.workerMemory.remove(pluginId, kind);
      else this.workerMemory.labels(pluginId, kind).set(bytes);
    }
    if (memory === null) this.workerMemoryPeak.remove(pluginId);
    else this.workerMemoryPeak.labels(pluginId).set(memory.peakTotalBytes);
  }

  /** Every metric in Prometheus' text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
