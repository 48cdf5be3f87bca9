import { sample } from '../../../test/support/metric-samples';
import { Metrics } from './metrics';

describe('Metrics', () => {
  it('counts polls by plugin and outcome and times them', async () => {
    const metrics = new Metrics();

    metrics.pollFinished('npm', 'failed', 0.003);
    metrics.pollFinished('npm', 'failed', 0.7);
    metrics.pollFinished('yum', 'new_revision', 42);
    const text = await metrics.render();

    expect(sample(text, 'baton_polls_total', { plugin: 'npm', outcome: 'failed' })).toBe(2);
    expect(sample(text, 'baton_polls_total', { plugin: 'yum', outcome: 'new_revision' })).toBe(1);
    expect(sample(text, 'baton_polls_total', { plugin: 'yum', outcome: 'failed' })).toBeNull();
    expect(sample(text, 'baton_poll_duration_seconds_count', { plugin: 'npm' })).toBe(2);
    expect(sample(text, 'baton_poll_duration_seconds_sum', { plugin: 'npm' })).toBeCloseTo(0.703);
    expect(sample(text, 'baton_poll_duration_seconds_bucket', { plugin: 'npm', le: '0.005' })).toBe(1);
    expect(sample(text, 'baton_poll_duration_seconds_bucket', { plugin: 'yum', le: '30' })).toBe(0);
    expect(sample(text, 'baton_poll_duration_seconds_bucket', { plugin: 'yum', le: '120' })).toBe(1);
  });

  it('adds up revisions detected per plugin', async () => {
    const metrics = new Metrics();

    metrics.revisionsDetected('maven', 3);
    metrics.revisionsDetected('maven', 2);
    metrics.revisionsDetected('maven', 0);
    const text = await metrics.render();

    expect(sample(text, 'baton_revisions_detected_total', { plugin: 'maven' })).toBe(5);
  });

  it('records scheduling lag from 10 ms to 60 s, a poll claimed early as no lag', async () => {
    const metrics = new Metrics();

    metrics.schedulingLag(1.5);
    metrics.schedulingLag(-4);
    const text = await metrics.render();

    expect(sample(text, 'baton_scheduling_lag_seconds_count')).toBe(2);
    expect(sample(text, 'baton_scheduling_lag_seconds_sum')).toBe(1.5);
    expect(sample(text, 'baton_scheduling_lag_seconds_bucket', { le: '0.01' })).toBe(1);
    expect(sample(text, 'baton_scheduling_lag_seconds_bucket', { le: '1' })).toBe(1);
    expect(sample(text, 'baton_scheduling_lag_seconds_bucket', { le: '2' })).toBe(2);
    expect(sample(text, 'baton_scheduling_lag_seconds_bucket', { le: '60' })).toBe(2);
  });

  it('shows the leases held now, not a sum', async () => {
    const metrics = new Metrics();

    metrics.leasesHeld(7);
    metrics.leasesHeld(3);

    expect(sample(await metrics.render(), 'baton_leases_held')).toBe(3);
  });

  it('counts webhook deliveries by outcome, both outcomes from zero', async () => {
    const metrics = new Metrics();
    expect(sample(await metrics.render(), 'baton_webhook_deliveries_total', { outcome: 'failed' })).toBe(0);

    metrics.deliveryFinished('delivered');
    metrics.deliveryFinished('delivered');
    metrics.deliveryFinished('failed');
    const text = await metrics.render();

    expect(sample(text, 'baton_webhook_deliveries_total', { outcome: 'delivered' })).toBe(2);
    expect(sample(text, 'baton_webhook_deliveries_total', { outcome: 'failed' })).toBe(1);
  });

  it('includes the process metrics under the baton_ prefix, in the text format', async () => {
    const metrics = new Metrics();

    const text = await metrics.render();

    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toMatch(/^baton_process_cpu_user_seconds_total \d/m);
    expect(sample(text, 'baton_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE baton_poll_duration_seconds histogram');
    expect(text).not.toMatch(/^process_cpu/m);
  });

  it('keeps the counts of two instances apart', async () => {
    const first = new Metrics();
    const second = new Metrics();

    first.pollFinished('npm', 'no_change', 0.1);

    expect(sample(await first.render(), 'baton_polls_total', { plugin: 'npm', outcome: 'no_change' })).toBe(1);
    expect(sample(await second.render(), 'baton_polls_total', { plugin: 'npm', outcome: 'no_change' })).toBeNull();
  });

  it("shows a plugin's worker memory by kind and its peak, and drops them when no worker reports", async () => {
    const metrics = new Metrics();
    const memory = { heapUsedBytes: 30e6, externalBytes: 12e6, arrayBuffersBytes: 10e6, peakTotalBytes: 90e6, sampledAt: new Date() };

    metrics.pluginMemory('yum', memory);
    const shown = await metrics.render();
    metrics.pluginMemory('yum', null);
    const dropped = await metrics.render();

    expect(sample(shown, 'baton_plugin_worker_memory_bytes', { plugin: 'yum', kind: 'heap_used' })).toBe(30e6);
    expect(sample(shown, 'baton_plugin_worker_memory_bytes', { plugin: 'yum', kind: 'external' })).toBe(12e6);
    expect(sample(shown, 'baton_plugin_worker_memory_bytes', { plugin: 'yum', kind: 'array_buffers' })).toBe(10e6);
    expect(sample(shown, 'baton_plugin_worker_memory_peak_bytes', { plugin: 'yum' })).toBe(90e6);
    expect(sample(dropped, 'baton_plugin_worker_memory_bytes', { plugin: 'yum', kind: 'heap_used' })).toBeNull();
    expect(sample(dropped, 'baton_plugin_worker_memory_peak_bytes', { plugin: 'yum' })).toBeNull();
  });
});
