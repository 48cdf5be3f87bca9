import { PipelineTimers } from '../server/src/pipelines/triggers/pipeline-timers';
import { eventually } from './support/eventually';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { startTestServer, type TestServer } from './support/test-server';
import { registerUpstreamApp } from './support/pipeline-runs';

/** A timer runs the pipeline on schedule; with only_on_changes, only when a material has moved. */
describe('timer-triggered runs', () => {
  let baton: TestServer;
  let upstream: JsonRepository;
  let packageId: string;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    baton = await startTestServer('embedded', { env: { BATON_LOCAL_AGENT: 'false' } });
    packageId = await registerUpstreamApp(baton.api, upstream.url);
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
  });

  const runs = async () =>
    (await baton.api.get('/api/pipelines/nightly/runs')).body.runs as { counter: number; build_cause: { trigger: { kind: string; fired_at?: string } } }[];

  it('runs on schedule, once per fire, and not again until a material changes', async () => {
    const created = await baton.api.post('/api/pipelines', {
      name: 'nightly',
      materials: [{ name: 'app', package: { repository: 'upstream', package: 'app' }, auto_trigger: false }],
      timer: { spec: '* * * * * *', timezone: 'UTC', only_on_changes: true },
      stages: [{ name: 'build', jobs: [{ name: 'compile', tasks: [{ exec: { command: 'true' } }] }] }],
    });
    await baton.server.dependencies.resolve(PipelineTimers).refresh();

    const first = await eventually(async () => ((await runs()).length > 0 ? (await runs())[0] : undefined));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const unchanged = await runs();
    upstream.publish(listOf('app', '1.0.0', '1.1.0'));
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    const afterChange = await eventually(async () => ((await runs()).length > 1 ? await runs() : undefined));

    expect(created.status).toBe(201);
    expect(first.build_cause.trigger.kind).toBe('timer');
    expect(first.build_cause.trigger.fired_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(unchanged).toHaveLength(1);
    expect(afterChange[0].build_cause.trigger.kind).toBe('timer');
  });

  it('creates one run for one fire time, however often it fires', async () => {
    const timers = baton.server.dependencies.resolve(PipelineTimers);
    // The schedule stops ticking, so that only the fires below can create the run.
    await timers.stop();
    upstream.publish(listOf('app', '1.0.0', '1.1.0', '1.2.0'));
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    const before = (await runs()).length;
    const at = new Date(Date.UTC(2030, 0, 1, 22, 0, 0));

    const created = await Promise.all([timers.fire('nightly', at), timers.fire('nightly', at), timers.fire('nightly', new Date(at.getTime() + 400))]);

    expect(created.filter(Boolean)).toHaveLength(1);
    expect((await runs()).length).toBe(before + 1);
  });

  it('with only_on_changes, runs for a revision no run has had, not for one an older run had', async () => {
    const timers = baton.server.dependencies.resolve(PipelineTimers);
    const promoted = await baton.api.post('/api/pipelines/nightly/runs', { revisions: { app: '1.0.0' } });

    const afterOlderRun = await timers.fire('nightly', new Date(Date.UTC(2030, 0, 2, 22, 0, 0)));
    upstream.publish(listOf('app', '1.0.0', '1.1.0', '1.2.0', '1.3.0'));
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    const afterNewRevision = await timers.fire('nightly', new Date(Date.UTC(2030, 0, 3, 22, 0, 0)));

    expect(promoted.status).toBe(201);
    expect(afterOlderRun).toBe(false);
    expect(afterNewRevision).toBe(true);
  });
});
