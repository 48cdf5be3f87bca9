import type { PipelineDefinition } from '../server/src/pipelines/definitions/definition';
import { createTestDatabase, DATABASE_KINDS, describeOnPostgres, type TestDatabase } from './support/databases';
import { eventually } from './support/eventually';
import { awaitGate, Gates } from './support/gates';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { sample } from './support/metric-samples';
import { registerUpstreamApp } from './support/pipeline-runs';
import { startTestServer, type TestServer } from './support/test-server';

const APP = { name: 'app', package: { repository: 'upstream', package: 'app' } };
const BY_HAND = { ...APP, auto_trigger: false };
const sh = (script: string) => [{ exec: { command: 'sh', arguments: ['-c', script] } }];

const METERED: PipelineDefinition = {
  name: 'metered',
  materials: [APP],
  stages: [
    { name: 'build', jobs: [{ name: 'compile', tasks: sh('sleep 0.3') }] },
    { name: 'release', approval: { type: 'manual' }, jobs: [{ name: 'ship', tasks: sh('true') }] },
  ],
};
const METERED_DOCS: PipelineDefinition = {
  name: 'metered-docs',
  materials: [{ pipeline: 'metered', stage: 'build' }],
  stages: [{ name: 'publish', jobs: [{ name: 'docs', tasks: sh('true') }] }],
};
const BREAKING: PipelineDefinition = { name: 'breaking', materials: [BY_HAND], stages: [{ name: 'test', jobs: [{ name: 'unit', tasks: sh('exit 3') }] }] };
const QUEUED: PipelineDefinition = { name: 'queued', materials: [BY_HAND], stages: [{ name: 'check', jobs: [{ name: 'lint', tasks: sh('true') }] }] };
/** A job that runs until the file `gate` names exists. */
const gated = (gate: string): PipelineDefinition => ({
  name: 'gated',
  materials: [BY_HAND],
  environment: { GATE: gate },
  stages: [{ name: 'hold', jobs: [{ name: 'wait', tasks: sh(awaitGate('GATE')) }] }],
});

interface StageView {
  name: string;
  state: string;
  scheduled_at: string | null;
  approved_at: string | null;
  completed_at: string | null;
  jobs: { name: string; state: string; started_at: string | null; completed_at: string | null }[];
}

const secondsBetween = (from: string | null, to: string | null) => (Date.parse(to!) - Date.parse(from!)) / 1000;

/** What one server's API and /metrics show, as the tests below ask it. */
function viewOf(baton: TestServer) {
  const scrape = async () => (await baton.api.get<string>('/metrics')).body;
  const stage = async (pipeline: string, counter: number, name: string): Promise<StageView | undefined> =>
    (await baton.api.get(`/api/pipelines/${pipeline}/runs/${counter}`)).body.stages?.find((s: StageView) => s.name === name);
  return {
    scrape,
    stage,
    stageReaches: (pipeline: string, counter: number, name: string, states: string[]) =>
      eventually(
        async () => {
          const found = await stage(pipeline, counter, name);
          return found && states.includes(found.state) ? found : undefined;
        },
        60_000,
        `${pipeline}/${counter}/${name} to be ${states.join(' or ')}`,
      ),
    /** The metrics once `ready` holds for them: what a commit made is told just after it. */
    metricsWhen: (ready: (text: string) => boolean, what: string) =>
      eventually(
        async () => {
          const text = await scrape();
          return ready(text) ? text : undefined;
        },
        60_000,
        what,
      ),
    create: async (definition: PipelineDefinition) => {
      const created = await baton.api.post('/api/pipelines', definition);
      if (created.status !== 201) throw new Error(`could not create ${definition.name}: ${JSON.stringify(created.body)}`);
    },
    trigger: async (pipeline: string, headers: Record<string, string> = {}) => {
      const response = await baton.api.post(`/api/pipelines/${pipeline}/runs`, {}, { headers });
      if (response.status !== 201 && response.status !== 200) throw new Error(`could not trigger ${pipeline}: ${JSON.stringify(response.body)}`);
      return response.body.counter as number;
    },
  };
}

const jobsTimed = (text: string, result: string) => sample(text, 'baton_job_duration_seconds_count', { result }) ?? 0;
const runsCreated = (text: string, trigger: string) => sample(text, 'baton_pipeline_runs_created_total', { trigger });

/**
 * Runs through one server and its built-in agent (one job at a time), and the metrics they leave:
 * what was counted, and durations equal to the times the API shows for the same stages and jobs.
 */
describe.each(DATABASE_KINDS)('pipeline metrics [%s]', (kind) => {
  let upstream: JsonRepository;
  let baton: TestServer;
  let view: ReturnType<typeof viewOf>;
  let gates: Gates;
  let packageId: string;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    baton = await startTestServer(kind, { env: { BATON_AGENT_CONCURRENCY: '1' } });
    view = viewOf(baton);
    gates = new Gates();
    packageId = await registerUpstreamApp(baton.api, upstream.url);
    for (const definition of [METERED, METERED_DOCS, BREAKING, QUEUED, gated(gates.path('open'))]) await view.create(definition);
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
    gates?.remove();
  });

  it('counts the runs a revision and an upstream stage create, and times stages and jobs by the database’s clock', async () => {
    const before = await view.scrape();

    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    const build = await view.stageReaches('metered', 1, 'build', ['passed', 'failed']);
    const publish = await view.stageReaches('metered-docs', 1, 'publish', ['passed', 'failed']);
    const text = await view.metricsWhen((t) => jobsTimed(t, 'passed') === jobsTimed(before, 'passed') + 2, 'the build and publish jobs to be timed');

    const buildLabels = { pipeline: 'metered', stage: 'build' };
    expect([build.state, publish.state]).toEqual(['passed', 'passed']);
    expect(runsCreated(text, 'revision')! - runsCreated(before, 'revision')!).toBe(1);
    expect(runsCreated(text, 'upstream')! - runsCreated(before, 'upstream')!).toBe(1);
    expect(runsCreated(text, 'manual')).toBe(runsCreated(before, 'manual'));
    expect(sample(text, 'baton_stage_runs_completed_total', { ...buildLabels, result: 'passed' })).toBe(1);
    expect(sample(text, 'baton_stage_runs_completed_total', { ...buildLabels, result: 'failed' })).toBe(0);
    expect(sample(text, 'baton_stage_duration_seconds_count', { ...buildLabels, result: 'passed' })).toBe(1);
    expect(sample(text, 'baton_stage_duration_seconds_sum', { ...buildLabels, result: 'passed' })).toBeCloseTo(
      secondsBetween(build.scheduled_at, build.completed_at),
      2,
    );
    const jobSeconds = [build, publish].map((s) => secondsBetween(s.jobs[0].started_at, s.jobs[0].completed_at));
    const timedBefore = sample(before, 'baton_job_duration_seconds_sum', { result: 'passed' })!;
    expect(sample(text, 'baton_job_duration_seconds_sum', { result: 'passed' })! - timedBefore).toBeCloseTo(jobSeconds[0] + jobSeconds[1], 2);
    // The build job slept 0.3 s, so its time is no rounding error.
    expect(jobSeconds[0]).toBeGreaterThanOrEqual(0.3);
  });

  it('observes the wait for an approval when the stage is approved, and only then', async () => {
    const build = (await view.stage('metered', 1, 'build'))!;
    await view.stageReaches('metered', 1, 'release', ['awaiting_approval']);
    const waiting = await view.scrape();

    const approved = await baton.api.post('/api/pipelines/metered/runs/1/stages/release/approve');
    const again = await baton.api.post('/api/pipelines/metered/runs/1/stages/release/approve');
    const release = await view.stageReaches('metered', 1, 'release', ['passed', 'failed']);
    const releaseLabels = { pipeline: 'metered', stage: 'release' };
    const text = await view.metricsWhen(
      (t) => sample(t, 'baton_stage_runs_completed_total', { ...releaseLabels, result: 'passed' }) === 1,
      'the release stage to be counted',
    );

    expect(sample(waiting, 'baton_stage_approval_wait_seconds_count', releaseLabels)).toBeNull();
    expect([approved.status, again.status, release.state]).toEqual([200, 409, 'passed']);
    // The stage began to wait in the transaction that ended build, so build's end is its start.
    expect(sample(text, 'baton_stage_approval_wait_seconds_count', releaseLabels)).toBe(1);
    expect(sample(text, 'baton_stage_approval_wait_seconds_sum', releaseLabels)).toBeCloseTo(secondsBetween(build.completed_at, release.approved_at), 2);
    expect(sample(text, 'baton_stage_duration_seconds_sum', { ...releaseLabels, result: 'passed' })).toBeCloseTo(
      secondsBetween(release.scheduled_at, release.completed_at),
      2,
    );
    expect(release.scheduled_at).toBe(release.approved_at);
  });

  it('counts a manual run once however often its request is repeated, and its failed stage and job', async () => {
    const before = await view.scrape();

    const counter = await view.trigger('breaking', { 'idempotency-key': 'break-1' });
    const repeated = await view.trigger('breaking', { 'idempotency-key': 'break-1' });
    const stage = await view.stageReaches('breaking', counter, 'test', ['passed', 'failed']);
    const testLabels = { pipeline: 'breaking', stage: 'test' };
    const text = await view.metricsWhen((t) => jobsTimed(t, 'failed') > jobsTimed(before, 'failed'), 'the failed job to be timed');

    expect(repeated).toBe(counter);
    expect(stage.state).toBe('failed');
    expect(runsCreated(text, 'manual')! - runsCreated(before, 'manual')!).toBe(1);
    expect(sample(text, 'baton_stage_runs_completed_total', { ...testLabels, result: 'failed' })).toBe(1);
    expect(sample(text, 'baton_stage_runs_completed_total', { ...testLabels, result: 'passed' })).toBe(0);
    expect(jobsTimed(text, 'failed') - jobsTimed(before, 'failed')).toBe(1);
    expect(
      sample(text, 'baton_job_duration_seconds_sum', { result: 'failed' })! - sample(before, 'baton_job_duration_seconds_sum', { result: 'failed' })!,
    ).toBeCloseTo(secondsBetween(stage.jobs[0].started_at, stage.jobs[0].completed_at), 2);
  });

  it('shows the jobs waiting and running as the database holds them, and a cancelled stage but not its job’s time', async () => {
    const gatedRun = await view.trigger('gated');
    await view.stageReaches('gated', gatedRun, 'hold', ['running']);
    const queuedRun = await view.trigger('queued');
    const queued = await view.stageReaches('queued', queuedRun, 'check', ['scheduled']);
    const busy = await view.metricsWhen(
      (t) => sample(t, 'baton_jobs_running') === 1 && sample(t, 'baton_jobs_waiting') === 1,
      'one job running and one waiting',
    );

    const cancelled = await baton.api.post(`/api/pipelines/gated/runs/${gatedRun}/stages/hold/cancel`);
    await view.stageReaches('queued', queuedRun, 'check', ['passed']);
    const idle = await view.metricsWhen((t) => sample(t, 'baton_jobs_running') === 0 && sample(t, 'baton_jobs_waiting') === 0, 'no job running or waiting');
    const text = await view.metricsWhen(
      (t) => sample(t, 'baton_stage_runs_completed_total', { pipeline: 'queued', stage: 'check', result: 'passed' }) === 1,
      'the queued stage to be counted',
    );

    const holdLabels = { pipeline: 'gated', stage: 'hold' };
    expect(queued.jobs.map((j) => j.state)).toEqual(['scheduled']);
    expect(cancelled.status).toBe(200);
    expect(sample(text, 'baton_stage_runs_completed_total', { ...holdLabels, result: 'cancelled' })).toBe(1);
    expect(sample(text, 'baton_stage_duration_seconds_count', { ...holdLabels, result: 'cancelled' })).toBe(1);
    // The lint job alone was timed: a cancelled job has no result of its own to time.
    expect(jobsTimed(text, 'passed') - jobsTimed(busy, 'passed')).toBe(1);
    expect(jobsTimed(text, 'failed')).toBe(jobsTimed(busy, 'failed'));
    expect(sample(idle, 'baton_jobs_running')).toBe(0);
  });
});

// Several processes need a server they can share: PostgreSQL, when the run has one.
describeOnPostgres('pipeline metrics of two processes sharing one PostgreSQL', () => {
  let upstream: JsonRepository;
  let database: TestDatabase;
  let runner: TestServer;
  let front: TestServer;
  let gates: Gates;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    database = await createTestDatabase('postgres');
    runner = await startTestServer('postgres', { database, env: { BATON_AGENT_CONCURRENCY: '1' } });
    front = await startTestServer('postgres', { database, env: { BATON_LOCAL_AGENT: 'false' } });
    gates = new Gates();
  });

  afterAll(async () => {
    await front?.stop();
    await runner?.destroy();
    await upstream?.close();
    gates?.remove();
  });

  it('counts in the process that made each change, and shows both the same jobs from the database', async () => {
    const frontView = viewOf(front);
    const runnerView = viewOf(runner);
    const packageId = await registerUpstreamApp(front.api, upstream.url);
    await front.api.post(`/api/packages/${packageId}/poll?wait=120`);
    await frontView.create(gated(gates.path('open')));

    const counter = await frontView.trigger('gated');
    await frontView.stageReaches('gated', counter, 'hold', ['running']);
    const [frontBusy, runnerBusy] = await Promise.all(
      [frontView, runnerView].map((v) => v.metricsWhen((t) => sample(t, 'baton_jobs_running') === 1, 'the running job to show')),
    );
    gates.open('open');
    await frontView.stageReaches('gated', counter, 'hold', ['passed']);
    const holdPassed = { pipeline: 'gated', stage: 'hold', result: 'passed' };
    const runnerDone = await runnerView.metricsWhen((t) => sample(t, 'baton_stage_runs_completed_total', holdPassed) === 1, 'the runner to count the stage');
    const frontDone = await frontView.scrape();

    expect(sample(frontBusy, 'baton_jobs_waiting')).toBe(0);
    expect(sample(runnerBusy, 'baton_jobs_waiting')).toBe(0);
    expect(runsCreated(frontDone, 'manual')).toBe(1);
    expect(runsCreated(runnerDone, 'manual')).toBe(0);
    expect(jobsTimed(runnerDone, 'passed')).toBe(1);
    expect(jobsTimed(frontDone, 'passed')).toBe(0);
    expect(sample(frontDone, 'baton_stage_runs_completed_total', holdPassed)).toBeNull();
  });
});
