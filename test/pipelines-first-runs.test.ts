import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Database } from '../server/src/db/database';
import { EventStore } from '../server/src/events/event-store';
import { TOKENS } from '../server/src/injection-tokens';
import { RunCreator } from '../server/src/pipelines/runs/run-creator';
import { StageMachine } from '../server/src/pipelines/runs/stage-machine';
import { PendingCauses } from '../server/src/pipelines/state/pending-causes';
import { MaterialResolver } from '../server/src/pipelines/triggers/material-resolver';
import { RunMaterialQueries } from '../server/src/pipelines/triggers/run-material-queries';
import { DATABASE_KINDS, describeOnPostgres } from './support/databases';
import { eventually } from './support/eventually';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { registerUpstreamApp } from './support/pipeline-runs';
import { startTestServer, type TestServer } from './support/test-server';

function yamlPipeline(name: string, paused?: string): string {
  return [
    `name: ${name}`,
    ...(paused === undefined ? [] : [`paused: ${paused}`]),
    'materials:',
    '  - name: app',
    '    package: { repository: upstream, package: app }',
    'stages:',
    '  - name: qa',
    '    jobs:',
    '      - name: smoke',
    '        tasks:',
    '          - exec: { command: "true" }',
    '',
  ].join('\n');
}

/** Written beside and renamed, so that a file is never read half-written. */
function writeFile(dir: string, file: string, text: string): void {
  fs.writeFileSync(path.join(dir, `.${file}.tmp`), text);
  fs.renameSync(path.join(dir, `.${file}.tmp`), path.join(dir, file));
}

const runsOf = async (baton: TestServer, pipeline: string) => (await baton.api.get(`/api/pipelines/${pipeline}/runs`)).body.runs as { counter: number }[];

/** A pipeline from a file, once it is in force. */
const loaded = (baton: TestServer, name: string) =>
  eventually(async () => {
    const response = await baton.api.get(`/api/pipelines/${name}`);
    return response.status === 200 ? response : undefined;
  });

/**
 * Creates a pipeline over the API and waits for its first run: the trigger reads the pending
 * causes of a pass at once and releases them oldest first, so every cause pending before this
 * one has been decided by then.
 */
async function passOfTheTrigger(baton: TestServer, name: string): Promise<void> {
  const created = await baton.api.post('/api/pipelines', {
    name,
    materials: [{ package: { repository: 'upstream', package: 'app' } }],
    stages: [{ name: 'mark', jobs: [{ name: 'mark', tasks: [{ exec: { command: 'true' } }] }] }],
  });
  expect(created.status).toBe(201);
  await eventually(async () => {
    const status = (await baton.api.get(`/api/pipelines/${name}`)).body.status;
    return status.latest_run !== null ? true : undefined;
  });
}

describe.each(DATABASE_KINDS)('first runs of pipelines from files [%s]', (kind) => {
  let upstream: JsonRepository;
  let baton: TestServer;
  let dir: string;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-first-runs-'));
    baton = await startTestServer(kind, { env: { BATON_LOCAL_AGENT: 'false', BATON_CONFIG_DIR: dir } });
    const packageId = await registerUpstreamApp(baton.api, upstream.url);
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a pipeline a file brings once, and keeps one that says paused: true paused, without running it', async () => {
    writeFile(dir, 'ready.yaml', yamlPipeline('ready'));
    writeFile(dir, 'held.yaml', yamlPipeline('held', 'true'));

    await loaded(baton, 'ready');
    const held = await loaded(baton, 'held');
    await eventually(async () => ((await runsOf(baton, 'ready')).length > 0 ? true : undefined));
    await passOfTheTrigger(baton, 'marker-1');

    expect(await runsOf(baton, 'ready')).toHaveLength(1);
    expect(await runsOf(baton, 'held')).toEqual([]);
    expect(held.body).not.toHaveProperty('paused');
    expect(held.body.status.paused).toEqual({ by: 'config-file:held.yaml', reason: 'created paused', since: expect.any(String) });
  });

  it('refuses a paused that is not true or false, as an error of the file', async () => {
    writeFile(dir, 'wrong.yaml', yamlPipeline('wrong', 'someday'));

    const file = await eventually(async () => {
      const files = (await baton.api.get('/api/config-files')).body.files as { file: string; status: string; errors: unknown }[];
      return files.find((f) => f.file === 'wrong.yaml' && f.status === 'invalid');
    });

    expect(file.errors).toEqual({ paused: ['must be true or false: true creates the pipeline paused when the file first brings it'] });
    expect((await baton.api.get('/api/pipelines/wrong')).status).toBe(404);
  });

  it('applies paused only when the file first brings the pipeline: not at a restart, nor when the file changes it', async () => {
    const before = await baton.api.get('/api/pipelines/held');
    writeFile(dir, 'held.yaml', yamlPipeline('held', 'false'));
    await baton.stop();
    baton = await startTestServer(kind, { env: { BATON_LOCAL_AGENT: 'false', BATON_CONFIG_DIR: dir }, database: baton.database });
    await passOfTheTrigger(baton, 'marker-2');

    const after = await baton.api.get('/api/pipelines/held');

    expect(await runsOf(baton, 'ready')).toHaveLength(1);
    expect(await runsOf(baton, 'held')).toEqual([]);
    expect(after.body.status.paused).toEqual(before.body.status.paused);
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
  });

  it('pauses and unpauses a pipeline from a file, its definition and ETag untouched', async () => {
    const before = await baton.api.get('/api/pipelines/ready');

    const paused = await baton.api.post('/api/pipelines/ready/pause', { reason: 'freeze' });
    const unpaused = await baton.api.post('/api/pipelines/ready/unpause');

    expect(paused.status).toBe(200);
    expect(paused.body.status.paused).toMatchObject({ by: 'admin', reason: 'freeze' });
    expect(paused.headers.get('etag')).toBe(before.headers.get('etag'));
    expect(unpaused.body.status).toMatchObject({ paused: null, withheld_causes: 0 });
    const { status: _before, ...definition } = before.body;
    const { status: _after, ...unchanged } = unpaused.body;
    expect(unchanged).toEqual(definition);
  });

  it('makes one run of a pending cause however many release it at once', async () => {
    const db = baton.server.dependencies.resolve<Database>(TOKENS.database);
    const logger = baton.server.dependencies.resolve<Logger>(TOKENS.logger);
    const releasers = Array.from({ length: 4 }, () => {
      const resolver = new MaterialResolver(new RunMaterialQueries(db));
      const creator = new RunCreator(db, new StageMachine(new EventStore(db)), new EventStore(db));
      return new PendingCauses(db, resolver, creator, logger);
    });
    await baton.api.post('/api/pipelines?paused=true', {
      name: 'contended',
      materials: [{ package: { repository: 'upstream', package: 'app' } }],
      stages: [{ name: 'qa', jobs: [{ name: 'j', tasks: [{ exec: { command: 'true' } }] }] }],
    });

    await baton.api.post('/api/pipelines/contended/unpause');
    const created = await Promise.all(releasers.map((releaser) => releaser.release()));
    await passOfTheTrigger(baton, 'marker-3');

    expect(created.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(1);
    expect(await runsOf(baton, 'contended')).toHaveLength(1);
  });
});

describeOnPostgres('first runs with two servers on one database [postgres]', () => {
  let upstream: JsonRepository;
  let servers: TestServer[] = [];
  let dir: string;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-first-runs-'));
    const first = await startTestServer('postgres', { env: { BATON_LOCAL_AGENT: 'false', BATON_CONFIG_DIR: dir } });
    servers = [first];
    const packageId = await registerUpstreamApp(first.api, upstream.url);
    await first.api.post(`/api/packages/${packageId}/poll?wait=120`);
    await first.stop();
    writeFile(dir, 'shared.yaml', yamlPipeline('shared'));
    // Both load the folder as they start, at the same time, on the same database.
    servers = await Promise.all(
      [0, 1].map(() => startTestServer('postgres', { env: { BATON_LOCAL_AGENT: 'false', BATON_CONFIG_DIR: dir }, database: first.database })),
    );
  });

  afterAll(async () => {
    await servers[1]?.stop();
    await servers[0]?.destroy();
    await upstream?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a pipeline both bring from the shared folder once', async () => {
    await eventually(async () => ((await runsOf(servers[0], 'shared')).length > 0 ? true : undefined));
    await passOfTheTrigger(servers[0], 'marker-a');
    await passOfTheTrigger(servers[1], 'marker-b');

    expect(await runsOf(servers[1], 'shared')).toHaveLength(1);
  });
});
