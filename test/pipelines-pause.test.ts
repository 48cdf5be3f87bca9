import type { Database } from '../server/src/db/database';
import { EventStore } from '../server/src/events/event-store';
import { TOKENS } from '../server/src/injection-tokens';
import type { PipelineDefinition } from '../server/src/pipelines/definitions/definition';
import { PipelineStatusQueries } from '../server/src/pipelines/state/pipeline-status-queries';
import { PipelineStore } from '../server/src/pipelines/definitions/pipeline-store';
import { PipelineTimers } from '../server/src/pipelines/triggers/pipeline-timers';
import { allEvents, catalogueProblems } from './support/catalogue-check';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { finishStage, registerUpstreamApp, storePipeline } from './support/pipeline-runs';
import { startTestServer, type TestServer } from './support/test-server';

const APP = { name: 'app', package: { repository: 'upstream', package: 'app' } };
const JOBS = [{ name: 'check', tasks: [{ exec: { command: 'true' } }] }];

const onApp = (name: string, extra: Partial<PipelineDefinition> = {}): PipelineDefinition => ({
  name,
  materials: [APP],
  stages: [{ name: 'verify', jobs: JOBS }],
  ...extra,
});

interface RunBody {
  counter: number;
  build_cause: { trigger: { kind: string }; materials: { name: string; revision?: string; counter?: number }[] };
}

describe.each(DATABASE_KINDS)('pausing pipelines, and the first run of a new one [%s]', (kind) => {
  let baton: TestServer;
  let upstream: JsonRepository;
  let packageId: string;
  let markers = 0;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    baton = await startTestServer(kind, { env: { BATON_LOCAL_AGENT: 'false' } });
    packageId = await registerUpstreamApp(baton.api, upstream.url);
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
  });

  const runsOf = async (pipeline: string) => (await baton.api.get(`/api/pipelines/${pipeline}/runs`)).body.runs as RunBody[];
  const statusOf = async (pipeline: string) => (await baton.api.get(`/api/pipelines/${pipeline}`)).body.status;
  const waitForRuns = (pipeline: string, count: number) =>
    eventually(async () => {
      const runs = await runsOf(pipeline);
      return runs.length >= count ? runs : undefined;
    });
  /**
   * Creates a pipeline and waits for its first run: the trigger reads the pending causes of a
   * pass at once and releases them oldest first, so once this one ran, every cause pending
   * before it has been decided.
   */
  const passOfTheTrigger = async () => {
    const name = `marker-${++markers}`;
    expect((await baton.api.post('/api/pipelines', onApp(name))).status).toBe(201);
    await waitForRuns(name, 1);
  };

  it('runs a new pipeline once, with the latest revision its package already had', async () => {
    const created = await baton.api.post('/api/pipelines', onApp('fresh'));

    const runs = await waitForRuns('fresh', 1);
    await passOfTheTrigger();
    const status = await statusOf('fresh');

    expect(created.status).toBe(201);
    expect(created.body.status).toMatchObject({ paused: null, locked: false });
    expect(await runsOf('fresh')).toHaveLength(1);
    expect(runs[0].build_cause.trigger.kind).toBe('created');
    expect(runs[0].build_cause.materials).toEqual([expect.objectContaining({ name: 'app', revision: '1.0.0' })]);
    expect(status).toEqual({
      paused: null,
      withheld_causes: 0,
      locked: false,
      latest_run: { counter: 1, label: '1', status: 'active', stages: [{ name: 'verify', state: 'scheduled', counter: 1 }] },
      runs_awaiting_approval: 0,
    });
  });

  it('does not run a new pipeline whose materials do not trigger automatically', async () => {
    await baton.api.post('/api/pipelines', onApp('by-hand', { materials: [{ ...APP, auto_trigger: false }] }));

    await passOfTheTrigger();

    expect(await runsOf('by-hand')).toEqual([]);
    expect(await statusOf('by-hand')).toMatchObject({ paused: null, withheld_causes: 0, latest_run: null });
  });

  it('keeps a pipeline created paused from running until it is unpaused, then runs it once', async () => {
    const created = await baton.api.post('/api/pipelines?paused=true', onApp('held'));
    const etag = created.headers.get('etag');

    await passOfTheTrigger();
    const whilePaused = await runsOf('held');
    const unpaused = await baton.api.post('/api/pipelines/held/unpause');
    const runs = await waitForRuns('held', 1);

    expect(created.body.status.paused).toEqual({ by: 'admin', reason: 'created paused', since: expect.any(String) });
    expect(created.body.status.withheld_causes).toBe(1);
    expect(whilePaused).toEqual([]);
    expect(unpaused.status).toBe(200);
    expect(unpaused.body.status.paused).toBeNull();
    expect(unpaused.headers.get('etag')).toBe(etag);
    expect(runs[0].build_cause.trigger.kind).toBe('created');
    expect(runs[0].build_cause.materials[0].revision).toBe('1.0.0');
  });

  it("keeps a deleted pipeline's pause and runs to itself: a new pipeline of its name starts unpaused and runs for itself", async () => {
    expect((await baton.api.post('/api/pipelines', onApp('reborn'))).status).toBe(201);
    await waitForRuns('reborn', 1);
    expect((await baton.api.post('/api/pipelines/reborn/pause', { reason: 'going away' })).status).toBe(200);
    expect((await baton.api.deleteCurrent('/api/pipelines/reborn')).status).toBe(204);

    const created = await baton.api.post('/api/pipelines', onApp('reborn'));
    const runs = await waitForRuns('reborn', 1);
    const status = await statusOf('reborn');

    expect(created.status).toBe(201);
    expect(created.body.status).toMatchObject({ paused: null, withheld_causes: 0, latest_run: null, runs_awaiting_approval: 0 });
    expect(runs).toHaveLength(1);
    expect(runs[0].counter).toBe(2);
    expect(runs[0].build_cause.trigger.kind).toBe('created');
    expect(status.latest_run).toMatchObject({ counter: 2 });
  });

  it('withholds automatic triggers while paused, still runs manual ones, and runs once for the newest when unpaused', async () => {
    await baton.api.post('/api/pipelines', onApp('gate'));
    await waitForRuns('gate', 1);
    const before = await baton.api.get('/api/pipelines/gate');

    const paused = await baton.api.post('/api/pipelines/gate/pause', { reason: 'the repository is being migrated' });
    upstream.publish(listOf('app', '1.0.0', '1.1.0'));
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    upstream.publish(listOf('app', '1.0.0', '1.1.0', '1.2.0'));
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    const withheld = await eventually(async () => {
      const status = await statusOf('gate');
      return status.withheld_causes === 2 ? status : undefined;
    });
    const runsWhilePaused = await runsOf('gate');
    const manual = await baton.api.post('/api/pipelines/gate/runs', {});
    await baton.api.post('/api/pipelines/gate/unpause');
    const runs = await waitForRuns('gate', 3);
    await passOfTheTrigger();

    expect(paused.status).toBe(200);
    expect(paused.headers.get('etag')).toBe(before.headers.get('etag'));
    expect(paused.body.status.paused).toEqual({ by: 'admin', reason: 'the repository is being migrated', since: expect.any(String) });
    expect(withheld.paused).toMatchObject({ reason: 'the repository is being migrated' });
    expect(runsWhilePaused).toHaveLength(1);
    expect(manual.status).toBe(201);
    expect(manual.body.build_cause.trigger.kind).toBe('manual');
    expect(await runsOf('gate')).toHaveLength(3);
    expect(runs[0]).toMatchObject({ counter: 3, build_cause: { trigger: { kind: 'revision' } } });
    expect(runs[0].build_cause.materials[0].revision).toBe('1.2.0');
  });

  it("withholds a timer's fire while paused, and runs for it when unpaused", async () => {
    const timers = baton.server.dependencies.resolve(PipelineTimers);
    await baton.api.post('/api/pipelines', onApp('nightly', { materials: [{ ...APP, auto_trigger: false }], timer: { spec: '0 0 0 1 1 *' } }));
    await baton.api.post('/api/pipelines/nightly/pause', { reason: 'holidays' });

    const fired = await timers.fire('nightly', new Date());
    const whilePaused = await statusOf('nightly');
    await baton.api.post('/api/pipelines/nightly/unpause');
    const runs = await waitForRuns('nightly', 1);

    expect(fired).toBe(false);
    expect(whilePaused.withheld_causes).toBe(1);
    expect(runs.map((run) => run.build_cause.trigger.kind)).toEqual(['timer']);
  });

  it('audits pausing and unpausing, and writes catalogue events for both', async () => {
    const audit = (await baton.api.get('/api/audit?resource_type=pipeline&resource_id=gate')).body.entries as {
      action: string;
      details: Record<string, unknown>;
    }[];
    const events = (await allEvents(baton.server.dependencies.resolve(EventStore))).filter((e) => e.type.startsWith('pipeline.'));

    expect(audit.filter((e) => e.action.endsWith('pause')).map((e) => [e.action, e.details])).toEqual([
      ['pipeline.unpause', { withheld: 2 }],
      ['pipeline.pause', { reason: 'the repository is being migrated' }],
    ]);
    expect(events.filter((e) => e.type !== 'pipeline.run.created' && e.data['pipeline'] === 'gate').map((e) => [e.type, e.data])).toEqual([
      ['pipeline.paused', { pipeline: 'gate', by: 'admin', reason: 'the repository is being migrated' }],
      ['pipeline.unpaused', { pipeline: 'gate', by: 'admin', withheld: 2 }],
    ]);
    expect(catalogueProblems(events)).toEqual([]);
  });

  it('refuses bad pauses and unpauses, each with a reason', async () => {
    await baton.api.post('/api/pipelines', onApp('strict', { materials: [{ ...APP, auto_trigger: false }] }));
    const viewer = baton.api.withToken((await baton.api.post('/api/tokens', { name: 'watcher', role: 'viewer' })).body.token);
    const operator = baton.api.withToken((await baton.api.post('/api/tokens', { name: 'on-call', role: 'operator' })).body.token);

    const noBody = await baton.api.post('/api/pipelines/strict/pause', {});
    const blank = await baton.api.post('/api/pipelines/strict/pause', { reason: '   ' });
    const extra = await baton.api.post('/api/pipelines/strict/pause', { reason: 'x', until: 'tomorrow' });
    const unknown = await baton.api.post('/api/pipelines/nowhere/pause', { reason: 'x' });
    const notPaused = await baton.api.post('/api/pipelines/strict/unpause');
    const byViewer = await viewer.post('/api/pipelines/strict/pause', { reason: 'x' });
    const byOperator = await operator.post('/api/pipelines/strict/pause', { reason: 'release freeze' });
    const twice = await baton.api.post('/api/pipelines/strict/pause', { reason: 'again' });
    const badFlag = await baton.api.post('/api/pipelines?paused=yes', onApp('flagged'));

    expect([noBody.status, blank.status, extra.status]).toEqual([422, 422, 422]);
    expect(blank.body.errors).toEqual({ reason: [expect.stringContaining('say why')] });
    expect(unknown.status).toBe(404);
    expect(notPaused.status).toBe(409);
    expect(notPaused.body.detail).toContain("'strict' is not paused");
    expect(byViewer.status).toBe(403);
    expect(byOperator.status).toBe(200);
    expect(byOperator.body.status.paused).toMatchObject({ by: 'on-call', reason: 'release freeze' });
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toContain('already paused, by on-call');
    expect(twice.body.detail).toContain('release freeze');
    expect(badFlag.status).toBe(422);
    expect(badFlag.body.errors).toEqual({ paused: ["must be true or false, not 'yes'"] });
    expect((await baton.api.get('/api/pipelines/flagged')).status).toBe(404);
  });

  it('runs a new downstream pipeline once with the newest passed run of its upstream', async () => {
    await storePipeline(baton, onApp('up', { materials: [{ ...APP, auto_trigger: false }] }));
    await baton.api.post('/api/pipelines/up/runs', {});
    await finishStage(baton, 'up', 1, 'verify', 'passed');
    await baton.api.post('/api/pipelines/up/runs', {});

    await baton.api.post('/api/pipelines', {
      name: 'down',
      materials: [{ pipeline: 'up', stage: 'verify' }],
      stages: [{ name: 'ship', jobs: JOBS }],
    });
    const runs = await waitForRuns('down', 1);

    expect(runs[0].build_cause.trigger.kind).toBe('created');
    expect(runs[0].build_cause.materials).toEqual([expect.objectContaining({ name: 'up', counter: 1 })]);
  });

  it('shows locked pipelines and runs waiting for approval in the list', async () => {
    await baton.api.post('/api/pipelines', {
      ...onApp('guarded'),
      lock: true,
      stages: [
        { name: 'verify', jobs: JOBS },
        { name: 'release', approval: { type: 'manual' }, jobs: JOBS },
      ],
    });
    await waitForRuns('guarded', 1);
    await finishStage(baton, 'guarded', 1, 'verify', 'passed');

    const listed = await eventually(async () => {
      const pipelines = (await baton.api.get('/api/pipelines?limit=500')).body.pipelines as { name: string; status: Record<string, unknown> }[];
      const guarded = pipelines.find((p) => p.name === 'guarded')!;
      return guarded.status['runs_awaiting_approval'] === 1 ? pipelines : undefined;
    });

    expect(listed.find((p) => p.name === 'guarded')!.status).toEqual({
      paused: null,
      withheld_causes: 0,
      locked: true,
      latest_run: {
        counter: 1,
        label: '1',
        status: 'active',
        stages: [
          { name: 'verify', state: 'passed', counter: 1 },
          { name: 'release', state: 'awaiting_approval', counter: 1 },
        ],
      },
      runs_awaiting_approval: 1,
    });
    expect(listed.find((p) => p.name === 'strict')!.status).toMatchObject({ paused: { by: 'on-call' }, locked: false, latest_run: null });
  });

  it('reads the statuses of a page with the same few queries however many pipelines it holds', async () => {
    const db = baton.server.dependencies.resolve<Database>(TOKENS.database);
    for (let i = 0; i < 10; i += 1) {
      await storePipeline(baton, onApp(`counted-${i}`, { materials: [{ ...APP, auto_trigger: false }] }));
      if (i % 2 === 0) await baton.api.post(`/api/pipelines/counted-${i}/runs`, {});
    }
    const all = await new PipelineStore(db).all();
    const queriesFor = async (count: number) => {
      let queries = 0;
      // The transaction's own queries only: the server's background work shares the database.
      await db.knex.transaction(async (trx) => {
        trx.on('query', () => (queries += 1));
        await new PipelineStatusQueries(db).statuses(all.slice(0, count), trx);
      });
      return queries;
    };

    const few = await queriesFor(2);
    const many = await queriesFor(all.length);

    expect(all.length).toBeGreaterThan(8);
    expect(few).toBeGreaterThan(0);
    expect(many).toBe(few);
  });
});
