import net from 'node:net';
import type { PipelineDefinition } from '../server/src/pipelines/definitions/definition';
import { EventStore } from '../server/src/events/event-store';
import { allEvents } from './support/catalogue-check';
import { DATABASE_KINDS } from './support/databases';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { finishStage, GATED_RELEASE as RELEASE, registerUpstreamApp, storePipeline } from './support/pipeline-runs';
import { startTestServer, type TestServer } from './support/test-server';

const task = [{ exec: { command: 'true' } }];

/** One automatic stage, for triggers. */
const BODILESS: PipelineDefinition = {
  name: 'bodiless',
  materials: [{ name: 'app', package: { repository: 'upstream', package: 'app' }, auto_trigger: false }],
  stages: [{ name: 'build', jobs: [{ name: 'compile', tasks: task }] }],
};

/**
 * Sends a request exactly as written, header by header, over a plain socket: fetch and node:http
 * add a Content-Length or chunking of their own to every POST.
 */
async function rawRequest(url: string, head: string[], body = ''): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('error', reject);
  });
  socket.write([...head, `Host: ${hostname}:${port}`, 'Connection: close', '', body].join('\r\n'));
  await new Promise<void>((resolve, reject) => {
    socket.on('end', resolve);
    socket.on('error', reject);
  });
  const text = Buffer.concat(chunks).toString('utf8');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) };
}

interface StageView {
  name: string;
  state: string;
  counter: number | null;
  approvable: boolean;
}

describe.each(DATABASE_KINDS)('acting on runs: reruns, approvals, triggers without a body [%s]', (kind) => {
  let baton: TestServer;
  let upstream: JsonRepository;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    baton = await startTestServer(kind, { env: { BATON_LOCAL_AGENT: 'false' } });
    const packageId = await registerUpstreamApp(baton.api, upstream.url);
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    await storePipeline(baton, RELEASE);
    await storePipeline(baton, BODILESS);
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
  });

  const run = async (counter: number) => (await baton.api.get(`/api/pipelines/gated-release/runs/${counter}`)).body;
  const stage = async (counter: number, name: string): Promise<StageView> => (await run(counter)).stages.find((s: StageView) => s.name === name);
  const act = (counter: number, name: string, action: 'approve' | 'rerun' | 'cancel') =>
    baton.api.post(`/api/pipelines/gated-release/runs/${counter}/stages/${name}/${action}`);

  /** A run whose production stage waits for approval. */
  const awaitingProduction = async (): Promise<number> => {
    const counter = (await baton.api.post('/api/pipelines/gated-release/runs', {})).body.counter as number;
    await finishStage(baton, 'gated-release', counter, 'build', 'passed');
    await finishStage(baton, 'gated-release', counter, 'qa', 'passed');
    return counter;
  };

  it('reruns an earlier stage while a later one waits for approval, which is withdrawn until the rerun passes', async () => {
    const counter = await awaitingProduction();
    const before = await stage(counter, 'production');

    const rerun = await act(counter, 'build', 'rerun');
    const duringBuild = await act(counter, 'production', 'approve');
    await finishStage(baton, 'gated-release', counter, 'build', 'passed');
    const duringQa = await act(counter, 'production', 'approve');
    const whileQaRuns = await stage(counter, 'production');
    await finishStage(baton, 'gated-release', counter, 'qa', 'passed');
    const afterwards = await stage(counter, 'production');
    const approved = await act(counter, 'production', 'approve');

    expect(before).toMatchObject({ state: 'awaiting_approval', approvable: true });
    expect(rerun.status).toBe(200);
    expect(rerun.body.stages.map((s: StageView) => [s.name, s.state, s.approvable])).toEqual([
      ['build', 'scheduled', false],
      ['qa', 'passed', false],
      ['production', 'awaiting_approval', false],
    ]);
    expect(duringBuild.status).toBe(409);
    expect(duringBuild.body.detail).toContain('withdrawn');
    expect(duringBuild.body.detail).toContain(`stage 'build' is running again (attempt ${rerun.body.stages[0].counter})`);
    expect(duringQa.status).toBe(409);
    expect(duringQa.body.detail).toContain(`stage 'qa' is running again`);
    expect(whileQaRuns).toMatchObject({ state: 'awaiting_approval', approvable: false });
    expect(afterwards).toMatchObject({ state: 'awaiting_approval', approvable: true, counter: before.counter });
    expect(approved.status).toBe(200);
    expect(approved.body.stages[2]).toMatchObject({ state: 'scheduled', approvable: false, approved_by: 'admin' });
  });

  it('announces the withdrawn approval anew once the rerun passes', async () => {
    const counter = await awaitingProduction();

    await act(counter, 'qa', 'rerun');
    await finishStage(baton, 'gated-release', counter, 'qa', 'passed');
    const events = await allEvents(baton.server.dependencies.resolve(EventStore));

    const announced = events.filter((e) => e.type === 'stage.awaiting_approval' && e.data['counter'] === counter);
    expect(announced.map((e) => [e.data['stage'], e.data['stage_counter']])).toEqual([
      ['production', 1],
      ['production', 1],
    ]);
  });

  it('keeps the approval withdrawn when the rerun fails: the waiting stage is cancelled and the run ends', async () => {
    const counter = await awaitingProduction();

    await act(counter, 'qa', 'rerun');
    await finishStage(baton, 'gated-release', counter, 'qa', 'failed');
    const failed = await run(counter);
    const refused = await act(counter, 'production', 'approve');
    await act(counter, 'qa', 'rerun');
    await finishStage(baton, 'gated-release', counter, 'qa', 'passed');
    const askedAgain = await stage(counter, 'production');

    expect(failed.status).toBe('completed');
    expect(failed.stages.map((s: StageView) => [s.name, s.state, s.approvable])).toEqual([
      ['build', 'passed', false],
      ['qa', 'failed', false],
      ['production', 'cancelled', false],
    ]);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain(`stage 'qa' failed on its latest attempt`);
    expect(askedAgain).toMatchObject({ state: 'awaiting_approval', approvable: true, counter: failed.stages[2].counter + 1 });
  });

  it('leaves the run active when the withdrawn approval is cancelled while the earlier stage still runs', async () => {
    const counter = await awaitingProduction();

    await act(counter, 'build', 'rerun');
    const cancelled = await act(counter, 'production', 'cancel');
    await finishStage(baton, 'gated-release', counter, 'build', 'passed');
    await finishStage(baton, 'gated-release', counter, 'qa', 'passed');
    const after = await run(counter);

    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('active');
    expect(cancelled.body.stages[2]).toMatchObject({ state: 'cancelled', cancelled_by: 'admin' });
    expect(after.status).toBe('active');
    expect(after.stages[2]).toMatchObject({ state: 'awaiting_approval', approvable: true, counter: cancelled.body.stages[2].counter + 1 });
  });

  it('refuses a rerun while a stage has work in progress, and of a stage that itself waits for approval', async () => {
    const counter = (await baton.api.post('/api/pipelines/gated-release/runs', {})).body.counter as number;

    const whileBuilding = await act(counter, 'build', 'rerun');
    await finishStage(baton, 'gated-release', counter, 'build', 'passed');
    await finishStage(baton, 'gated-release', counter, 'qa', 'passed');
    const waiting = await act(counter, 'production', 'rerun');

    expect(whileBuilding.status).toBe(409);
    expect(whileBuilding.body.detail).toContain(`stage 'build' is in progress (scheduled); wait for it or cancel it first`);
    expect(waiting.status).toBe(409);
    expect(waiting.body.detail).toContain(`stage 'production' waits for approval; approve it`);
  });

  it('lets exactly one of an approval and a rerun of an earlier stage through when they race', async () => {
    const counter = await awaitingProduction();

    const [approve, rerun] = await Promise.all([act(counter, 'production', 'approve'), act(counter, 'qa', 'rerun')]);
    const after = await run(counter);

    expect([approve.status, rerun.status].sort()).toEqual([200, 409]);
    const states = after.stages.slice(1).map((s: StageView) => s.state);
    expect(states).toEqual(approve.status === 200 ? ['passed', 'scheduled'] : ['scheduled', 'awaiting_approval']);
  });

  const trigger = (head: string[], body = '') =>
    rawRequest(baton.url, ['POST /api/pipelines/bodiless/runs HTTP/1.1', `Authorization: Bearer ${baton.adminToken}`, ...head], body);
  const runCount = async () => (await baton.api.get('/api/pipelines/bodiless/runs?limit=500')).body.runs.length as number;

  it.each([
    ['no body at all', [], ''],
    ['an empty body without a content type', ['Content-Length: 0'], ''],
    ['an empty chunked body without a content type', ['Transfer-Encoding: chunked'], '0\r\n\r\n'],
    ['an empty body of another content type', ['Content-Length: 0', 'Content-Type: text/plain'], ''],
    ['an empty JSON body', ['Content-Length: 0', 'Content-Type: application/json'], ''],
  ])('triggers with the defaults for %s', async (_case, head, body) => {
    const before = await runCount();

    const answer = await trigger(head, body);

    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ pipeline: 'bodiless', counter: before + 1, build_cause: { trigger: { kind: 'manual', by: 'admin' } } });
    expect(await runCount()).toBe(before + 1);
  });

  it('still refuses a body with content that is not JSON, and creates no run', async () => {
    const before = await runCount();

    const answer = await trigger(['Content-Type: text/plain', 'Content-Length: 2'], '{}');

    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body).detail).toContain('application/json');
    expect(await runCount()).toBe(before);
  });

  it('answers a repeated bodiless trigger with one Idempotency-Key with the first run', async () => {
    const first = await trigger(['Idempotency-Key: bodiless-once']);
    const again = await trigger(['Idempotency-Key: bodiless-once', 'Content-Length: 0']);

    expect([first.status, again.status]).toEqual([201, 200]);
    expect(JSON.parse(again.body).counter).toBe(JSON.parse(first.body).counter);
  });

  it('documents the trigger body as optional, and other bodies as required', async () => {
    const document = (await baton.api.get('/api/openapi.json', { token: null })).body;

    expect(document.paths['/api/pipelines/{name}/runs'].post.requestBody.required).toBe(false);
    expect(document.paths['/api/pipelines'].post.requestBody.required).toBe(true);
  });
});
