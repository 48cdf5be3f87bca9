import { DATABASE_KINDS } from './support/databases';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { finishStage, registerUpstreamApp } from './support/pipeline-runs';
import { startTestServer, type TestServer } from './support/test-server';

/** Runs only when triggered, so that every run here is one the test made. */
const onApp = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  materials: [{ name: 'app', package: { repository: 'upstream', package: 'app' }, auto_trigger: false }],
  stages: [
    { name: 'build', jobs: [{ name: 'compile', tasks: [{ exec: { command: 'true' } }] }] },
    { name: 'ship', approval: { type: 'manual' }, jobs: [{ name: 'deploy', tasks: [{ exec: { command: 'true' } }] }] },
  ],
  ...extra,
});

interface DashboardEntry {
  pipeline: { name: string; group: string; status: { paused: { by: string } | null } };
  runs: { pipeline: string; counter: number }[];
}

describe.each(DATABASE_KINDS)('the dashboard in one request [%s]', (kind) => {
  let baton: TestServer;
  let upstream: JsonRepository;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    baton = await startTestServer(kind, { env: { BATON_LOCAL_AGENT: 'false' } });
    const packageId = await registerUpstreamApp(baton.api, upstream.url);
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    const triggered = { 'many-runs': 7, 'two-runs': 2, 'Mixed-Case': 1 } as Record<string, number>;
    await baton.api.post('/api/pipelines', onApp('many-runs', { group: 'releases' }));
    await baton.api.post('/api/pipelines', onApp('two-runs'));
    await baton.api.post('/api/pipelines', onApp('Mixed-Case', { group: 'builds' }));
    await baton.api.post('/api/pipelines?paused=true', onApp('no-runs', { group: 'builds' }));
    for (const [name, count] of Object.entries(triggered)) {
      for (let i = 0; i < count; i += 1) expect((await baton.api.post(`/api/pipelines/${name}/runs`)).status).toBe(201);
    }
    // Stages in several states: passed and waiting for approval, beside scheduled.
    await finishStage(baton, 'many-runs', 6, 'build', 'passed');
    await finishStage(baton, 'two-runs', 1, 'build', 'failed');
    // A deleted pipeline's runs are not the live one's: only the new pipeline of the name shows.
    await baton.api.post('/api/pipelines', onApp('reborn'));
    await baton.api.post('/api/pipelines/reborn/runs');
    await baton.api.deleteCurrent('/api/pipelines/reborn');
    await baton.api.post('/api/pipelines', onApp('reborn', { group: 'releases' }));
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
  });

  const dashboard = async (query = '') => {
    const response = await baton.api.get(`/api/dashboard${query}`);
    expect(response.status).toBe(200);
    return response.body as { pipelines: DashboardEntry[]; runs_per_pipeline: number };
  };

  it('answers every pipeline, by name, with its group and status', async () => {
    const { pipelines, runs_per_pipeline } = await dashboard();

    expect(runs_per_pipeline).toBe(5);
    expect(pipelines.map((p) => `${p.pipeline.group}/${p.pipeline.name}`)).toEqual([
      'releases/many-runs',
      'builds/Mixed-Case',
      'builds/no-runs',
      'releases/reborn',
      'default/two-runs',
    ]);
    expect(pipelines.find((p) => p.pipeline.name === 'no-runs')?.pipeline.status.paused?.by).toBe('admin');
  });

  it.each([[''], ['?runs=1'], ['?runs=20']])('answers the runs the per-pipeline endpoint answers [%s]', async (query) => {
    const { pipelines, runs_per_pipeline } = await dashboard(query);

    for (const entry of pipelines) {
      const alone = await baton.api.get(`/api/pipelines/${entry.pipeline.name}/runs?limit=${runs_per_pipeline}`);
      expect({ name: entry.pipeline.name, runs: entry.runs }).toEqual({ name: entry.pipeline.name, runs: alone.body.runs });
    }
    expect(pipelines.find((p) => p.pipeline.name === 'many-runs')?.runs.map((r) => r.counter)).toEqual([7, 6, 5, 4, 3, 2, 1].slice(0, runs_per_pipeline));
    expect(pipelines.find((p) => p.pipeline.name === 'reborn')?.runs).toEqual([]);
  });

  it('answers each pipeline as the pipelines list does', async () => {
    const { pipelines } = await dashboard();

    const listed = (await baton.api.get('/api/pipelines?limit=500')).body.pipelines;

    expect(pipelines.map((p) => p.pipeline)).toEqual(listed);
  });

  it.each([['0'], ['21'], ['five']])('refuses runs=%s, naming the field', async (runs) => {
    const response = await baton.api.get(`/api/dashboard?runs=${runs}`);

    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors)).toEqual(['runs']);
  });

  it('lets a viewer read it, and no one without a token', async () => {
    const viewer = (await baton.api.post('/api/tokens', { name: `dashboard-viewer-${kind}`, role: 'viewer' })).body.token as string;

    const asViewer = await baton.api.withToken(viewer).get('/api/dashboard');
    const anonymous = await fetch(`${baton.url}/api/dashboard`);

    expect(asViewer.status).toBe(200);
    expect(anonymous.status).toBe(401);
  });
});
