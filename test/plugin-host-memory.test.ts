import { MemoryPluginStateStore } from '../server/src/plugins/memory-plugin-state-store';
import { PluginHost } from '../server/src/plugins/plugin-host';
import type { PluginMemory } from '../server/src/plugins/plugin-memory';
import { PluginFolders, captureLogger, eventually, hostOptions } from './plugins/host-fixture';

/** What the heap-hog test plugin keeps during a call in MODE hold. */
const HELD_BYTES = 48 * 1024 * 1024;
const SCOPE = 'repository-1';

describe('plugin host: worker memory sampled inside the worker', () => {
  const folders = new PluginFolders();
  const observed: [string, PluginMemory | null][] = [];
  let host: PluginHost;
  const memory = (): PluginMemory | null => host.plugin('heap-hog')?.memory ?? null;

  beforeAll(async () => {
    const bundledDir = folders.folder('bundled', ['heap-hog']);
    const observer = { memorySampled: (pluginId: string, sample: PluginMemory | null) => void observed.push([pluginId, sample]) };
    // One worker, so that the plugin's peak is that worker's.
    host = new PluginHost(hostOptions({ bundledDir, workersPerPlugin: 1, memorySampleMs: 20, observer }), new MemoryPluginStateStore(), captureLogger().logger);
    await host.start();
    await eventually(() => memory() !== null);
  });

  afterAll(async () => {
    await host.stop();
    folders.cleanup();
  });

  it("knows a started worker's memory before any call, with external counting array buffers", () => {
    const started = memory() as PluginMemory;

    expect(started.heapUsedBytes).toBeGreaterThan(0);
    expect(started.externalBytes).toBeGreaterThanOrEqual(started.arrayBuffersBytes);
    expect(started.peakTotalBytes).toBeGreaterThanOrEqual(started.heapUsedBytes + started.externalBytes);
    expect(observed.at(-1)).toEqual(['heap-hog', started]);
  });

  it('samples while a call runs and once after it: the peak grows by what the call held', async () => {
    const before = memory() as PluginMemory;
    const seen = observed.length;

    await host.latestRevision('heap-hog', SCOPE, {}, { MODE: 'hold' });
    const after = memory() as PluginMemory;
    const samples = observed.slice(seen).map(([, sample]) => sample as PluginMemory);

    // The call holds its bytes for 400 ms and samples are taken every 20 ms on the same event loop:
    // however late timers run on a busy machine, one of them runs while the bytes are held.
    expect(samples.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...samples.map((sample) => sample.arrayBuffersBytes))).toBeGreaterThanOrEqual(HELD_BYTES);
    // A collection during the call may free garbage counted before, at most the heap then in use.
    expect(after.peakTotalBytes - before.peakTotalBytes).toBeGreaterThanOrEqual(HELD_BYTES - before.heapUsedBytes);
    expect(observed.at(-1)).toEqual(['heap-hog', after]);
  });

  it('starts a new peak with a restarted worker', async () => {
    await host.latestRevision('heap-hog', SCOPE, {}, { MODE: 'hold' });
    const held = memory() as PluginMemory;

    await host.restart('heap-hog');
    await eventually(() => memory() !== null);
    const fresh = memory() as PluginMemory;

    expect(held.peakTotalBytes).toBeGreaterThanOrEqual(HELD_BYTES);
    expect(fresh.peakTotalBytes).toBeLessThan(HELD_BYTES);
    expect(observed).toContainEqual(['heap-hog', null]);
  });
});
