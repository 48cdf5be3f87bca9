import type { PipelineDefinition } from '../server/src/pipelines/definitions/definition';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { finishStage, registerUpstreamApp, storePipeline } from './support/pipeline-runs';
import { startTestServer, type TestServer } from './support/test-server';

const branch = (name: string): PipelineDefinition => ({
  name,
  materials: [{ name: 'app', package: { repository: 'upstream', package: 'app' } }],
  stages: [{ name: 'verify', jobs: [{ name: 'check', tasks: [{ exec: { command: 'true' } }] }] }],
});

const JOIN: PipelineDefinition = {
  name: 'join',
  materials: [
    { pipeline: 'left', stage: 'verify' },
    { pipeline: 'right', stage: 'verify' },
  ],
  stages: [{ name: 'ship', jobs: [{ name: 'ship', tasks: [{ exec: { command: 'true' } }] }] }],
};

/** Two upstream paths carry one package: the joining pipeline runs only when they carry the same revision. */
describe.each(DATABASE_KINDS)('fan-in [%s]', (kind) => {
  let baton: TestServer;
  let upstream: JsonRepository;
  let packageId: string;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    baton = await startTestServer(kind, { env: { BATON_LOCAL_AGENT: 'false' } });
    packageId = await registerUpstreamApp(baton.api, upstream.url);
    for (const definition of [branch('left'), branch('right'), JOIN]) await storePipeline(baton, definition);
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
  });

  const runsOf = async (pipeline: string) =>
    (await baton.api.get(`/api/pipelines/${pipeline}/runs`)).body.runs as {
      counter: number;
      build_cause: { materials: { name: string; revision?: string; type: string }[] };
    }[];
  const waitForRuns = (pipeline: string, count: number) => eventually(async () => ((await runsOf(pipeline)).length >= count ? true : undefined));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

  it('waits for both paths, then runs with the revision they agree on', async () => {
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    await waitForRuns('left', 1);
    await waitForRuns('right', 1);

    await finishStage(baton, 'left', 1, 'verify', 'passed');
    await settle();
    const afterOne = await runsOf('join');
    await finishStage(baton, 'right', 1, 'verify', 'passed');
    await waitForRuns('join', 1);
    const joined = (await runsOf('join'))[0];

    expect(afterOne).toEqual([]);
    expect(joined.build_cause.materials.map((m) => m.name).sort()).toEqual(['left', 'right']);
    const carried = (await baton.api.get(`/api/packages/${packageId}/revisions/1.0.0/promotions`)).body.runs.map((r: { pipeline: string }) => r.pipeline);
    expect(carried.sort()).toEqual(['join', 'left', 'right']);
  });

  it('does not run while the paths carry different revisions, and runs once they agree again', async () => {
    upstream.publish(listOf('app', '1.0.0', '1.1.0'));
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    await waitForRuns('left', 2);
    await waitForRuns('right', 2);

    await finishStage(baton, 'left', 2, 'verify', 'passed');
    await settle();
    const whileDisagreeing = await runsOf('join');
    await finishStage(baton, 'right', 2, 'verify', 'passed');
    await waitForRuns('join', 2);
    const promotions = (await baton.api.get(`/api/packages/${packageId}/revisions/1.1.0/promotions`)).body.runs;

    expect(whileDisagreeing).toHaveLength(1);
    expect(promotions.map((r: { pipeline: string; counter: number }) => `${r.pipeline}/${r.counter}`).sort()).toEqual(['join/2', 'left/2', 'right/2']);
  });

  it('runs with an older upstream run that agrees when the newest does not', async () => {
    upstream.publish(listOf('app', '1.0.0', '1.1.0', '1.2.0'));
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    await waitForRuns('left', 3);
    await waitForRuns('right', 3);
    upstream.publish(listOf('app', '1.0.0', '1.1.0', '1.2.0', '1.3.0'));
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    await waitForRuns('left', 4);
    await waitForRuns('right', 4);

    await finishStage(baton, 'left', 3, 'verify', 'passed');
    await finishStage(baton, 'left', 4, 'verify', 'passed');
    await settle();
    const beforeRight = await runsOf('join');
    await finishStage(baton, 'right', 3, 'verify', 'passed');
    await waitForRuns('join', 3);
    const joined = (await baton.api.get('/api/pipelines/join/runs/3')).body;

    expect(beforeRight).toHaveLength(2);
    expect(joined.build_cause.materials).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'left', counter: 3 }), expect.objectContaining({ name: 'right', counter: 3 })]),
    );
    const promotions = (await baton.api.get(`/api/packages/${packageId}/revisions/1.2.0/promotions`)).body.runs;
    expect(promotions.map((r: { pipeline: string; counter: number }) => `${r.pipeline}/${r.counter}`).sort()).toEqual(['join/3', 'left/3', 'right/3']);
  });
});
