import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../server/src/db/database';
import { TABLES } from '../server/src/db/tables';
import { TOKENS } from '../server/src/injection-tokens';
import type { PipelineDefinition } from '../server/src/pipelines/definitions/definition';
import { RunCreator, type NewRun } from '../server/src/pipelines/runs/run-creator';
import { MaterialResolver } from '../server/src/pipelines/triggers/material-resolver';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { finishStage, registerUpstreamApp } from './support/pipeline-runs';
import { startTestServer, type TestServer } from './support/test-server';

const JOBS = [{ name: 'compile', tasks: [{ exec: { command: 'true' } }] }];

/** Triggered by hand only, so that every run a test counts is one it made. */
function definition(name: string, extra: Partial<PipelineDefinition> = {}): PipelineDefinition {
  return {
    name,
    materials: [{ name: 'app', package: { repository: 'upstream', package: 'app' }, auto_trigger: false }],
    stages: [
      { name: 'build', jobs: JOBS },
      { name: 'ship', approval: { type: 'manual' }, jobs: JOBS },
    ],
    ...extra,
  };
}

interface RunBody {
  pipeline: string;
  counter: number;
  pipeline_deleted: boolean;
  pipeline_deleted_at: string | null;
}

describe.each(DATABASE_KINDS)('a deleted pipeline keeps its runs [%s]', (kind) => {
  let upstream: JsonRepository;
  let baton: TestServer;
  let db: Database;
  let packageId: string;
  let configDir: string;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-generations-'));
    baton = await startTestServer(kind, { env: { BATON_LOCAL_AGENT: 'false', BATON_CONFIG_DIR: configDir } });
    db = baton.server.dependencies.resolve<Database>(TOKENS.database);
    packageId = await registerUpstreamApp(baton.api, upstream.url);
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
    fs.rmSync(configDir, { recursive: true, force: true });
  });

  const create = async (body: PipelineDefinition) => {
    const response = await baton.api.post('/api/pipelines', body);
    if (response.status !== 201) throw new Error(`could not create ${body.name}: ${JSON.stringify(response.body)}`);
  };
  const trigger = async (name: string, headers: Record<string, string> = {}) => {
    const response = await baton.api.post(`/api/pipelines/${name}/runs`, {}, { headers });
    if (response.status !== 201 && response.status !== 200) throw new Error(`could not trigger ${name}: ${JSON.stringify(response.body)}`);
    return response.body as RunBody;
  };
  const runsOf = async (path: string) => {
    const response = await baton.api.get(path);
    return { status: response.status, runs: (response.body.runs ?? []) as RunBody[] };
  };
  const counters = (runs: RunBody[]) => runs.map((r) => r.counter);

  it('answers for a deleted pipeline’s runs, each marked deleted, and refuses to start work in them', async () => {
    await create(definition('retired'));
    const first = await trigger('retired');
    const second = await trigger('retired');
    await finishStage(baton, 'retired', second.counter, 'build', 'passed');

    const deleted = await baton.api.deleteCurrent('/api/pipelines/retired');
    const listed = await runsOf('/api/pipelines/retired/runs');
    const one = await baton.api.get(`/api/pipelines/retired/runs/${first.counter}`);
    const definitionAfter = await baton.api.get('/api/pipelines/retired');
    const cancelled = await baton.api.post(`/api/pipelines/retired/runs/${first.counter}/stages/build/cancel`);
    const rerun = await baton.api.post(`/api/pipelines/retired/runs/${first.counter}/stages/build/rerun`);
    const approved = await baton.api.post(`/api/pipelines/retired/runs/${second.counter}/stages/ship/approve`);
    const shipAfter = (await baton.api.get(`/api/pipelines/retired/runs/${second.counter}`)).body.stages[1].state;

    expect(deleted.status).toBe(204);
    expect(listed.status).toBe(200);
    expect(counters(listed.runs)).toEqual([second.counter, first.counter]);
    expect(listed.runs.every((r) => r.pipeline_deleted && r.pipeline_deleted_at !== null)).toBe(true);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ pipeline: 'retired', counter: first.counter, pipeline_deleted: true });
    expect(definitionAfter.status).toBe(404);
    expect(cancelled.status).toBe(200);
    expect(rerun.status).toBe(409);
    expect(rerun.body.detail).toContain('deleted');
    expect(approved.status).toBe(409);
    expect(approved.body.detail).toContain('deleted');
    expect(shipAfter).toBe('awaiting_approval');
  });

  it('answers for the new pipeline of a reused name, with the earlier one’s runs only when asked, and numbers on', async () => {
    await create(definition('reused'));
    const old = await trigger('reused');
    await baton.api.deleteCurrent('/api/pipelines/reused');

    await create(definition('reused'));
    const before = await runsOf('/api/pipelines/reused/runs');
    const fresh = await trigger('reused');
    const current = await runsOf('/api/pipelines/reused/runs');
    const all = await runsOf('/api/pipelines/reused/runs?include_deleted=true');
    const oldByCounter = await baton.api.get(`/api/pipelines/reused/runs/${old.counter}`);
    const badFlag = await baton.api.get('/api/pipelines/reused/runs?include_deleted=yes');

    expect(before.runs).toEqual([]);
    expect(fresh.counter).toBe(old.counter + 1);
    expect(fresh.pipeline_deleted).toBe(false);
    expect(counters(current.runs)).toEqual([fresh.counter]);
    expect(counters(all.runs)).toEqual([fresh.counter, old.counter]);
    expect(all.runs.map((r) => r.pipeline_deleted)).toEqual([false, true]);
    expect(oldByCounter.body).toMatchObject({ counter: old.counter, pipeline_deleted: true });
    expect(badFlag.status).toBe(422);
    expect(JSON.stringify(badFlag.body)).toContain("include_deleted must be 'true' or 'false'");
  });

  it('lists the runs of the most recently deleted pipeline of a name while none lives', async () => {
    await create(definition('twice'));
    const first = await trigger('twice');
    await baton.api.deleteCurrent('/api/pipelines/twice');
    await create(definition('twice'));
    const second = await trigger('twice');
    await baton.api.deleteCurrent('/api/pipelines/twice');

    const latest = await runsOf('/api/pipelines/twice/runs');
    const all = await runsOf('/api/pipelines/twice/runs?include_deleted=true');

    expect(counters(latest.runs)).toEqual([second.counter]);
    expect(counters(all.runs)).toEqual([second.counter, first.counter]);
    expect(all.runs.every((r) => r.pipeline_deleted)).toBe(true);
  });

  it('answers for a deleted pipeline that never ran with no runs, and for a name never used with 404', async () => {
    await create(definition('never-ran'));

    await baton.api.deleteCurrent('/api/pipelines/never-ran');
    const listed = await runsOf('/api/pipelines/never-ran/runs');
    const unknown = await baton.api.get('/api/pipelines/never-named/runs');
    const rows = await db.knex(TABLES.pipelines).where({ name: 'never-ran' }).select('deleted_at', 'deleted_by');

    expect(listed).toEqual({ status: 200, runs: [] });
    expect(unknown.status).toBe(404);
    expect(rows).toEqual([{ deleted_at: expect.any(Date), deleted_by: 'admin' }]);
  });

  it('keeps naming a deleted pipeline’s runs in a revision’s promotions', async () => {
    await create(definition('promoted'));
    const old = await trigger('promoted');
    await baton.api.deleteCurrent('/api/pipelines/promoted');
    await create(definition('promoted'));
    const fresh = await trigger('promoted');

    const promotions = await baton.api.get(`/api/packages/${packageId}/revisions/1.0.0/promotions`);

    const ofName = (promotions.body.runs as RunBody[]).filter((r) => r.pipeline === 'promoted');
    expect(promotions.status).toBe(200);
    expect(ofName.map((r) => [r.counter, r.pipeline_deleted])).toEqual([
      [old.counter, true],
      [fresh.counter, false],
    ]);
  });

  it('lets a new pipeline run for a cause or idempotency key its deleted namesake already ran for', async () => {
    const creator = baton.server.dependencies.resolve(RunCreator);
    const resolver = baton.server.dependencies.resolve(MaterialResolver);
    const byCause = async () => {
      const resolution = await resolver.resolve(definition('caused'), { kind: 'manual', revisions: {} });
      if (!resolution.ok) throw new Error(resolution.reason);
      const run: NewRun = {
        pipeline: 'caused',
        resolution,
        cause: { kind: 'revision', by: 'system', message: 'a new revision' },
        causeKey: 'revision:caused-test',
        idempotency: null,
        environmentOverrides: {},
      };
      return creator.create(run);
    };
    await create(definition('caused'));
    const first = await byCause();
    const repeated = await byCause();
    const keyed = await trigger('caused', { 'idempotency-key': 'caused-key' });
    await baton.api.deleteCurrent('/api/pipelines/caused');
    await create(definition('caused'));

    const again = await byCause();
    const keyedAgain = await baton.api.post('/api/pipelines/caused/runs', {}, { headers: { 'idempotency-key': 'caused-key' } });

    expect(first.created).toBe(true);
    expect(repeated).toMatchObject({ created: false, run: { id: first.run.id } });
    expect(again.created).toBe(true);
    expect(again.run.id).not.toBe(first.run.id);
    expect(again.run.pipeline_id).not.toBe(first.run.pipeline_id);
    expect(keyedAgain.status).toBe(201);
    expect(keyedAgain.body.counter).toBeGreaterThan(keyed.counter);
  });

  it('feeds a downstream pipeline from the live upstream only, not from runs of a deleted one of that name', async () => {
    await create(definition('feeder', { stages: [{ name: 'build', jobs: JOBS }] }));
    const old = await trigger('feeder');
    await finishStage(baton, 'feeder', old.counter, 'build', 'passed');
    await baton.api.deleteCurrent('/api/pipelines/feeder');
    await create(definition('feeder', { stages: [{ name: 'build', jobs: JOBS }] }));
    await create({ name: 'fed', materials: [{ pipeline: 'feeder', stage: 'build', auto_trigger: false }], stages: [{ name: 'use', jobs: JOBS }] });

    const beforeNewPass = await baton.api.post('/api/pipelines/fed/runs', {});
    const fresh = await trigger('feeder');
    await finishStage(baton, 'feeder', fresh.counter, 'build', 'passed');
    const afterNewPass = await baton.api.post('/api/pipelines/fed/runs', {});

    expect(beforeNewPass.status).toBe(409);
    expect(afterNewPass.status).toBe(201);
    const material = afterNewPass.body.build_cause.materials.find((m: { type: string }) => m.type === 'pipeline');
    expect(material).toMatchObject({ counter: fresh.counter });
  });

  it('deletes a pipeline removed from its configuration file the same way, by the file', async () => {
    const file = 'filed.yaml';
    fs.writeFileSync(
      path.join(configDir, file),
      [
        'name: filed',
        'materials:',
        '  - name: app',
        '    package: { repository: upstream, package: app }',
        '    auto_trigger: false',
        'stages:',
        '  - name: build',
        '    jobs:',
        '      - name: compile',
        '        tasks:',
        '          - exec: { command: "true" }',
        '',
      ].join('\n'),
    );
    await eventually(async () => ((await baton.api.get('/api/pipelines/filed')).status === 200 ? true : undefined), 60_000, 'the file pipeline');
    const run = await trigger('filed');

    fs.rmSync(path.join(configDir, file));
    await eventually(async () => ((await baton.api.get('/api/pipelines/filed')).status === 404 ? true : undefined), 60_000, 'the removal');
    const listed = await runsOf('/api/pipelines/filed/runs');
    const row = await db.knex(TABLES.pipelines).where({ name: 'filed' }).first('deleted_by');

    expect(counters(listed.runs)).toEqual([run.counter]);
    expect(listed.runs[0].pipeline_deleted).toBe(true);
    expect(row.deleted_by).toBe(`config-file:${file}`);
  });
});
