import type { Database } from '../server/src/db/database';
import { TOKENS } from '../server/src/injection-tokens';
import type { PipelineDefinition } from '../server/src/pipelines/definitions/definition';
import { EventStore } from '../server/src/events/event-store';
import { allEvents, catalogueProblems } from './support/catalogue-check';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { finishStage, registerUpstreamApp, storePipeline } from './support/pipeline-runs';
import { startTestServer, type TestServer } from './support/test-server';

const RELEASE: PipelineDefinition = {
  name: 'app-release',
  label_template: '${COUNT}-${app}',
  overridable: ['REASON'],
  materials: [{ name: 'app', package: { repository: 'upstream', package: 'app' } }],
  stages: [
    { name: 'build', jobs: [{ name: 'compile', tasks: [{ exec: { command: 'true' } }] }] },
    { name: 'qa', jobs: [{ name: 'smoke', tasks: [{ exec: { command: 'true' } }] }] },
    {
      name: 'production',
      approval: { type: 'manual', roles: ['admin'], users: ['release-manager'] },
      jobs: [{ name: 'deploy', tasks: [{ exec: { command: 'true' } }] }],
    },
  ],
};

const DOWNSTREAM: PipelineDefinition = {
  name: 'app-docs',
  materials: [
    { pipeline: 'app-release', stage: 'qa' },
    { name: 'app', package: { repository: 'upstream', package: 'app' } },
  ],
  stages: [{ name: 'publish', jobs: [{ name: 'docs', tasks: [{ exec: { command: 'true' } }] }] }],
};

describe.each(DATABASE_KINDS)('package-triggered pipelines [%s]', (kind) => {
  let baton: TestServer;
  let upstream: JsonRepository;
  let packageId: string;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    baton = await startTestServer(kind, { env: { BATON_LOCAL_AGENT: 'false' } });
    packageId = await registerUpstreamApp(baton.api, upstream.url);
    await storePipeline(baton, RELEASE);
    await storePipeline(baton, DOWNSTREAM);
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
  });

  const run = async (pipeline: string, counter: number) => (await baton.api.get(`/api/pipelines/${pipeline}/runs/${counter}`)).body;
  const stageState = async (pipeline: string, counter: number, stage: string) =>
    (await run(pipeline, counter)).stages.find((s: { name: string }) => s.name === stage)?.state;

  it('runs a pipeline when its package gets a new revision, with the revision in its build cause and label', async () => {
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);

    const first = await eventually(async () => {
      const runs = (await baton.api.get('/api/pipelines/app-release/runs')).body.runs;
      return runs.length > 0 ? runs[0] : undefined;
    });

    expect(first).toMatchObject({ counter: 1, label: '1-1.0.0', status: 'active', build_cause: { trigger: { kind: 'revision', by: 'system' } } });
    expect(first.build_cause.materials[0]).toMatchObject({ name: 'app', type: 'package', revision: '1.0.0', changed: true });
    expect(first.stages.map((s: { name: string; state: string }) => `${s.name}:${s.state}`)).toEqual(['build:scheduled', 'qa:not_run', 'production:not_run']);
  });

  it('moves automatic stages on and stops at the manual one, waiting for approval', async () => {
    await finishStage(baton, 'app-release', 1, 'build', 'passed');
    const qa = await stageState('app-release', 1, 'qa');
    await finishStage(baton, 'app-release', 1, 'qa', 'passed');

    expect(qa).toBe('scheduled');
    expect(await stageState('app-release', 1, 'production')).toBe('awaiting_approval');
    const candidates = (await baton.api.get('/api/pipelines/app-release/stages/production/candidates')).body.runs;
    expect(candidates.map((r: { counter: number }) => r.counter)).toEqual([1]);
  });

  it('triggers the downstream pipeline with the same package revision (fan-in through the upstream)', async () => {
    const docs = await eventually(async () => {
      const runs = (await baton.api.get('/api/pipelines/app-docs/runs')).body.runs;
      return runs.length > 0 ? runs[0] : undefined;
    });

    expect(docs.build_cause.trigger).toMatchObject({ kind: 'upstream', upstream: { pipeline: 'app-release', counter: 1, stage: 'qa' } });
    expect(docs.build_cause.materials).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'pipeline', name: 'app-release', counter: 1, label: '1-1.0.0' }),
        expect.objectContaining({ type: 'package', name: 'app', revision: '1.0.0', via_upstream: true }),
      ]),
    );
  });

  it('refuses approval by a token the stage does not name, and takes it from one it does', async () => {
    const operator = (await baton.api.post('/api/tokens', { name: 'some-operator', role: 'operator' })).body.token;
    const manager = (await baton.api.post('/api/tokens', { name: 'release-manager', role: 'operator' })).body.token;

    const refused = await baton.api.withToken(operator).post('/api/pipelines/app-release/runs/1/stages/production/approve');
    const approved = await baton.api.withToken(manager).post('/api/pipelines/app-release/runs/1/stages/production/approve');
    const again = await baton.api.withToken(manager).post('/api/pipelines/app-release/runs/1/stages/production/approve');
    const refusedAgain = await baton.api.withToken(operator).post('/api/pipelines/app-release/runs/1/stages/production/approve');

    expect(refused.status).toBe(403);
    expect(refusedAgain.status).toBe(403);
    expect(approved.status).toBe(200);
    expect(approved.body.stages[2]).toMatchObject({ name: 'production', state: 'scheduled', approved_by: 'release-manager' });
    expect(again.status).toBe(409);
  });

  it('records how far a revision got, across the value stream', async () => {
    await finishStage(baton, 'app-release', 1, 'production', 'passed');

    const promotions = (await baton.api.get(`/api/packages/${packageId}/revisions/1.0.0/promotions`)).body;
    const stream = (await baton.api.get(`/api/value-stream?package_id=${packageId}`)).body;

    expect(promotions.runs.map((r: { pipeline: string; counter: number }) => `${r.pipeline}/${r.counter}`).sort()).toEqual(['app-docs/1', 'app-release/1']);
    expect(promotions.runs.find((r: { pipeline: string }) => r.pipeline === 'app-release').stages.map((s: { state: string }) => s.state)).toEqual([
      'passed',
      'passed',
      'passed',
    ]);
    expect(stream.package).toMatchObject({ name: 'app', repository: 'upstream', latest_revision: '1.0.0' });
    const release = stream.pipelines.find((p: { name: string }) => p.name === 'app-release');
    expect(release.stages.map((s: { latest_passed: { revision: string } | null }) => s.latest_passed?.revision)).toEqual(['1.0.0', '1.0.0', '1.0.0']);
    expect(stream.pipelines.find((p: { name: string }) => p.name === 'app-docs').upstream).toEqual(['app-release']);
  });

  it('promotes an older revision by a manual trigger, and refuses one that contradicts the upstream run', async () => {
    upstream.publish(listOf('app', '1.0.0', '1.1.0'));
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    await eventually(async () => ((await baton.api.get('/api/pipelines/app-release/runs')).body.runs.length >= 2 ? true : undefined));

    const older = await baton.api.post('/api/pipelines/app-release/runs', { revisions: { app: '1.0.0' }, environment: { REASON: 'rollback' } });
    const unlisted = await baton.api.post('/api/pipelines/app-release/runs', { revisions: { app: '1.0.0' }, environment: { TARGET: 'prod' } });
    const contradicting = await baton.api.post('/api/pipelines/app-docs/runs', { revisions: { 'app-release': '1', app: '1.1.0' } });
    const unknown = await baton.api.post('/api/pipelines/app-release/runs', { revisions: { nope: '1' } });

    expect(older.status).toBe(201);
    expect(older.body).toMatchObject({ counter: 3, label: '3-1.0.0', build_cause: { trigger: { kind: 'manual', by: 'admin' } } });
    expect(unlisted.status).toBe(422);
    expect(Object.keys(unlisted.body.errors)).toEqual(['environment.TARGET']);
    expect(contradicting.status).toBe(422);
    expect(Object.keys(contradicting.body.errors)).toEqual(['revisions.app']);
    expect(unknown.status).toBe(422);
  });

  it('creates one run per Idempotency-Key, and numbers runs without gaps under concurrent triggers', async () => {
    const first = await baton.api.post('/api/pipelines/app-release/runs', {}, { headers: { 'idempotency-key': 'deploy-42' } });
    const repeat = await baton.api.post('/api/pipelines/app-release/runs', {}, { headers: { 'idempotency-key': 'deploy-42' } });
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => baton.api.post('/api/pipelines/app-release/runs', {})));
    const counters = (await baton.api.get('/api/pipelines/app-release/runs?limit=100')).body.runs.map((r: { counter: number }) => r.counter);

    expect(first.status).toBe(201);
    expect(repeat.status).toBe(200);
    expect(repeat.body.counter).toBe(first.body.counter);
    expect(concurrent.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect([...counters].sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: counters.length }, (_, i) => i + 1));
  });

  it('answers a repeated Idempotency-Key only to the same caller with the same body', async () => {
    const body = { revisions: { app: '1.0.0' }, environment: {} };
    const headers = { headers: { 'idempotency-key': 'promote-7' } };
    const other = (await baton.api.post('/api/tokens', { name: 'another-operator', role: 'operator' })).body.token;
    const before = (await baton.api.get('/api/pipelines/app-release/runs?limit=100')).body.runs.length;

    const first = await baton.api.post('/api/pipelines/app-release/runs', body, headers);
    const reordered = await baton.api.post('/api/pipelines/app-release/runs', { environment: {}, revisions: { app: '1.0.0' } }, headers);
    const otherBody = await baton.api.post('/api/pipelines/app-release/runs', { revisions: { app: '1.1.0' } }, headers);
    const otherCaller = await baton.api.withToken(other).post('/api/pipelines/app-release/runs', body, headers);
    const after = (await baton.api.get('/api/pipelines/app-release/runs?limit=100')).body.runs.length;

    expect(first.status).toBe(201);
    expect(reordered.status).toBe(200);
    expect(reordered.body.counter).toBe(first.body.counter);
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.errors['Idempotency-Key'][0]).toContain('already used for another request');
    expect(otherCaller.status).toBe(422);
    expect(Object.keys(otherCaller.body.errors)).toEqual(['Idempotency-Key']);
    expect(after).toBe(before + 1);
  });

  it('reruns a failed stage as a new attempt, and the next automatic stage follows when it passes', async () => {
    const counter = (await baton.api.post('/api/pipelines/app-release/runs', {})).body.counter as number;
    await finishStage(baton, 'app-release', counter, 'build', 'failed');
    const failed = await run('app-release', counter);

    const rerun = await baton.api.post(`/api/pipelines/app-release/runs/${counter}/stages/build/rerun`);
    await finishStage(baton, 'app-release', counter, 'build', 'passed');
    const after = await run('app-release', counter);

    expect(failed.status).toBe('completed');
    expect(failed.stages[0]).toMatchObject({ state: 'failed', counter: 1 });
    expect(rerun.body.stages[0]).toMatchObject({ state: 'scheduled', counter: 2 });
    expect(after.stages[0]).toMatchObject({ state: 'passed', counter: 2 });
    expect(after.stages[1].state).toBe('scheduled');
  });

  it('cancels a stage in progress, and refuses to cancel one that is not', async () => {
    const counter = (await baton.api.post('/api/pipelines/app-release/runs', {})).body.counter as number;

    const cancelled = await baton.api.post(`/api/pipelines/app-release/runs/${counter}/stages/build/cancel`);
    const again = await baton.api.post(`/api/pipelines/app-release/runs/${counter}/stages/build/cancel`);

    expect(cancelled.body.stages[0]).toMatchObject({ state: 'cancelled', cancelled_by: 'admin' });
    expect(cancelled.body.stages[0].jobs[0].state).toBe('cancelled');
    expect(again.status).toBe(409);
  });

  it('runs a locked pipeline one run at a time: a run waits for the one before, and a rerun for the one under way', async () => {
    await storePipeline(baton, {
      name: 'one-at-a-time',
      lock: true,
      materials: [{ name: 'app', package: { repository: 'upstream', package: 'app' }, auto_trigger: false }],
      stages: [{ name: 'deploy', jobs: [{ name: 'apply', tasks: [{ exec: { command: 'true' } }] }] }],
    });
    const first = (await baton.api.post('/api/pipelines/one-at-a-time/runs', {})).body;
    const second = (await baton.api.post('/api/pipelines/one-at-a-time/runs', {})).body;

    await finishStage(baton, 'one-at-a-time', first.counter, 'deploy', 'passed');
    const secondStarted = await run('one-at-a-time', second.counter);
    const rerunRefused = await baton.api.post(`/api/pipelines/one-at-a-time/runs/${first.counter}/stages/deploy/rerun`);
    await finishStage(baton, 'one-at-a-time', second.counter, 'deploy', 'passed');
    const rerunTaken = await baton.api.post(`/api/pipelines/one-at-a-time/runs/${first.counter}/stages/deploy/rerun`);

    expect(first.status).toBe('active');
    expect(second).toMatchObject({ status: 'waiting', stages: [{ name: 'deploy', state: 'not_run' }] });
    expect(secondStarted).toMatchObject({ status: 'active', stages: [{ name: 'deploy', state: 'scheduled' }] });
    expect(rerunRefused.status).toBe(409);
    expect(rerunRefused.body.detail).toContain(`run ${second.counter} has not finished`);
    expect(rerunTaken.status).toBe(200);
  });

  it('judges each run by its own stages when naming candidates, after the pipeline gained a stage', async () => {
    const deploy = { name: 'deploy', approval: { type: 'manual' as const }, jobs: [{ name: 'apply', tasks: [{ exec: { command: 'true' } }] }] };
    const qa = { name: 'qa', jobs: [{ name: 'smoke', tasks: [{ exec: { command: 'true' } }] }] };
    const material = { name: 'app', package: { repository: 'upstream', package: 'app' }, auto_trigger: false };
    await storePipeline(baton, { name: 'evolving', materials: [material], stages: [qa, deploy] });
    const counter = (await baton.api.post('/api/pipelines/evolving/runs', {})).body.counter as number;
    await finishStage(baton, 'evolving', counter, 'qa', 'passed');
    const db = baton.server.dependencies.resolve<Database>(TOKENS.database);
    const grown = { name: 'evolving', materials: [material], stages: [{ ...qa, name: 'build' }, qa, deploy] };
    await db
      .knex('pipelines')
      .where({ name: 'evolving' })
      .update({ definition: JSON.stringify(grown) });

    const candidates = (await baton.api.get('/api/pipelines/evolving/stages/deploy/candidates')).body.runs;

    expect(candidates.map((r: { counter: number }) => r.counter)).toEqual([counter]);
  });

  it('answers 404 for a stage the pipeline does not have and for a counter no run can have', async () => {
    const approve = await baton.api.post('/api/pipelines/app-release/runs/1/stages/no-such-stage/approve');
    const cancel = await baton.api.post('/api/pipelines/app-release/runs/1/stages/no-such-stage/cancel');
    const huge = await baton.api.get('/api/pipelines/app-release/runs/9999999999');

    expect([approve.status, cancel.status, huge.status]).toEqual([404, 404, 404]);
  });

  it('keeps a trigger, an approval, a cancel and a rerun in the audit log', async () => {
    const actions = (await baton.api.get('/api/audit?resource_type=pipeline&limit=500')).body.entries.map((e: { action: string }) => e.action);

    expect(actions).toEqual(expect.arrayContaining(['pipeline.trigger', 'stage.approve', 'stage.cancel', 'stage.rerun']));
  });

  it('writes only events of the catalogue, each payload of its documented shape', async () => {
    const events = await allEvents(baton.server.dependencies.resolve(EventStore));

    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['package.revision.detected', 'pipeline.run.created', 'stage.run.completed', 'stage.awaiting_approval']),
    );
    expect(catalogueProblems(events)).toEqual([]);
  });
});
