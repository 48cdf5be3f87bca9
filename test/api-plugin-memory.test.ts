import { eventually } from './support/eventually';
import { startTestServer, type TestServer } from './support/test-server';

/** What the heap-hog test plugin keeps during a call in MODE hold. */
const HELD_BYTES = 48 * 1024 * 1024;

/** The value of a sample line of the Prometheus text, or null. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

/** A plugin's worker memory, as the plugin list, the plugin and the metrics show it. */
describe('plugin worker memory through the API', () => {
  let baton: TestServer;
  let packageId: string;

  beforeAll(async () => {
    baton = await startTestServer('embedded', {
      plugins: ['heap-hog'],
      env: { BATON_PLUGIN_WORKERS: '1', BATON_PLUGIN_MEMORY_SAMPLE_MS: '20' },
    });
    const repository = await baton.api.post('/api/repositories', { name: 'memory-repo', plugin_id: 'heap-hog', configuration: [] });
    const pkg = await baton.api.post('/api/packages', {
      name: 'memory-hold',
      repository_id: repository.body.id,
      auto_update: false,
      configuration: [{ key: 'MODE', value: 'hold' }],
    });
    packageId = pkg.body.id;
  });

  afterAll(async () => {
    await baton?.destroy();
  });

  it('shows the peak grown by what a call held, in the plugin, the list and the metrics', async () => {
    const before = (await baton.api.get('/api/plugins/heap-hog')).body.memory;

    const checked = await baton.api.post(`/api/packages/${packageId}/check-connection`);
    // The worker takes one more sample a moment after the call: the three are read between two samples.
    const { after, listed, metrics } = await eventually(
      async () => {
        const read = {
          after: (await baton.api.get('/api/plugins/heap-hog')).body.memory,
          listed: (await baton.api.get('/api/plugins')).body.plugins.find((p: { id: string }) => p.id === 'heap-hog'),
          metrics: (await baton.api.get('/metrics')).body as string,
        };
        const again = (await baton.api.get('/api/plugins/heap-hog')).body.memory;
        return again.sampled_at === read.after.sampled_at ? read : undefined;
      },
      60_000,
      'the memory read between two samples',
    );

    expect(checked.body.ok).toBe(true);
    expect(before).toMatchObject({ heap_used_bytes: expect.any(Number), sampled_at: expect.any(String) });
    // A collection during the call may free garbage counted before, at most the heap then in use.
    expect(after.peak_total_bytes - before.peak_total_bytes).toBeGreaterThanOrEqual(HELD_BYTES - before.heap_used_bytes);
    expect(listed.memory).toEqual(after);
    expect(sample(metrics, 'baton_plugin_worker_memory_peak_bytes{plugin="heap-hog"}')).toBe(after.peak_total_bytes);
    expect(sample(metrics, 'baton_plugin_worker_memory_bytes{plugin="heap-hog",kind="heap_used"}')).toBe(after.heap_used_bytes);
  });
});
