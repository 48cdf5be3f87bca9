import { randomBytes } from 'node:crypto';
import { buildApp } from '../server/src/http/app';
import { buildOpenApiDocument } from '../server/src/http/openapi';
import { OpenApiValidator } from '../server/src/http/openapi-validator';
import { consoleRoutes } from '../server/src/http/routes/console';
import { createLogger } from '../server/src/logger';
import type { PipelineDefinition } from '../server/src/pipelines/definitions/definition';
import { encryptVariable } from '../server/src/pipelines/definitions/secure-environment';
import { AuditStore } from '../server/src/security/audit-store';
import { SignInSessions } from '../server/src/security/sign-in-sessions';
import { TokenService } from '../server/src/security/token-service';
import { AgentHarness, oneJobPipeline, packageRevision } from './support/agent-harness';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { awaitGate, Gates } from './support/gates';
import { LoopbackServers } from './support/loopback-servers';

const SECRET = `s3cret-${randomBytes(8).toString('hex')}`;
/** Six ticks; after the second the job holds until the file GATE names exists, so that it is seen running however slow the machine. */
const TICKS = `for i in 1 2 3 4 5 6; do echo "tick $i $TOKEN"; if [ $i = 2 ]; then ${awaitGate('GATE')}; fi; sleep 0.1; done`;

describe.each(DATABASE_KINDS)('a job’s console over HTTP [%s]', (kind) => {
  const servers = new LoopbackServers();
  let harness: AgentHarness;
  let baseUrl: string;
  let token: string;
  let material: ReturnType<typeof packageRevision>;
  let gates: Gates;
  const open = (pipeline: string) => gates.open(pipeline);

  const get = (address: string, auth: string | null = token) => fetch(`${baseUrl}${address}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });
  const ticking = (name: string): PipelineDefinition => ({
    ...oneJobPipeline(name, [{ exec: { command: 'sh', arguments: ['-c', TICKS] } }]),
    environment: { GATE: gates.path(name) },
    secure_environment: { TOKEN: { encrypted_value: encryptVariable(harness.box, SECRET, name, 'TOKEN') } },
  });

  beforeAll(async () => {
    gates = new Gates();
    harness = await AgentHarness.open(kind);
    const tokens = new TokenService(harness.db, new AuditStore(harness.db));
    token = (await tokens.create({ name: 'reader', role: 'viewer' }, { tokenId: 'test', name: 'test', role: 'admin' })).token;
    const routes = consoleRoutes(harness.jobConsole);
    const validator = new OpenApiValidator(buildOpenApiDocument(routes, '0.0.0'));
    const logger = createLogger('silent');
    const signIns = new SignInSessions(harness.db, tokens, { maxAgeSeconds: 3600 });
    baseUrl = await servers.serve(
      buildApp({ routes, validator, tokens, signIns, logger, bodyLimitBytes: 1_000_000, trustProxy: false, isShuttingDown: () => false }),
    );
    const repositoryId = await harness.addRepository('repo', { plain: { REPO_URL: 'http://repo.example.org/' } });
    material = packageRevision('app', { repositoryId, packageId: await harness.addPackage(repositoryId, 'pkg', {}) }, '1.0.0', {});
    harness.agent(await harness.queue());
  });

  afterAll(async () => {
    await servers.closeAll();
    await harness?.close();
    gates?.remove();
  });

  it('follows the log live while the job runs, masked, and ends when the job is final', async () => {
    const run = await harness.startRun(ticking('live'), [material]);
    await harness.waitForJob(run.id, 'qa', 'smoke', ['running']);

    const response = await get(`/api/pipelines/live/runs/${run.counter}/stages/qa/jobs/smoke/console`);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let stateAtFirstTick: string | null = null;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (stateAtFirstTick === null && text.includes('tick 1')) {
        stateAtFirstTick = (await harness.job(run.id, 'qa', 'smoke')).state;
        open('live');
      }
    }

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(stateAtFirstTick).toBe('running');
    expect(text).toContain('tick 6 ***');
    expect(text).toContain('[baton] job passed');
    expect(text).not.toContain(SECRET);
    expect((await harness.job(run.id, 'qa', 'smoke')).state).toBe('passed');
  });

  it('answers the log as it is now with ?follow=false', async () => {
    const run = await harness.startRun(ticking('snapshot'), [material]);
    const { id } = await harness.waitForJob(run.id, 'qa', 'smoke', ['running']);
    await eventually(async () => ((await harness.jobConsole.text(id)).includes('tick 1') ? true : undefined), 60_000, 'the first tick');

    const response = await get(`/api/pipelines/snapshot/runs/${run.counter}/stages/qa/jobs/smoke/console?follow=false`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(text).toContain('tick 1 ***');
    expect(text).not.toContain('[baton] job passed');
    expect((await harness.job(run.id, 'qa', 'smoke')).state).toBe('running');
    open('snapshot');
    await harness.waitForJob(run.id, 'qa', 'smoke');
  });

  it('serves the latest attempt of a stage, or the one its counter names', async () => {
    const definition = oneJobPipeline('attempts', [{ exec: { command: 'sh', arguments: ['-c', 'echo "attempt $GO_STAGE_COUNTER"'] } }]);
    const run = await harness.startRun(definition, [material]);
    await harness.waitForJob(run.id, 'qa', 'smoke');
    await harness.db.knex.transaction((trx) => harness.stages.rerun(trx, run, 0, 'gail'));
    await harness.waitForJob(run.id, 'qa', 'smoke');

    const latest = await (await get(`/api/pipelines/attempts/runs/${run.counter}/stages/qa/jobs/smoke/console`)).text();
    const first = await (await get(`/api/pipelines/attempts/runs/${run.counter}/stages/qa/1/jobs/smoke/console`)).text();

    expect(latest).toContain('attempt 2');
    expect(latest).not.toContain('attempt 1');
    expect(first).toContain('attempt 1');
    expect(first).not.toContain('attempt 2');
  });

  it('answers 404 for what does not exist and 401 without a token', async () => {
    const run = await harness.startRun(oneJobPipeline('missing', [{ exec: { command: 'true' } }]), [material]);
    await harness.waitForJob(run.id, 'qa', 'smoke');

    const statuses = await Promise.all(
      [
        '/api/pipelines/nope/runs/1/stages/qa/jobs/smoke/console',
        `/api/pipelines/missing/runs/${run.counter + 1}/stages/qa/jobs/smoke/console`,
        `/api/pipelines/missing/runs/${run.counter}/stages/prod/jobs/smoke/console`,
        `/api/pipelines/missing/runs/${run.counter}/stages/qa/2/jobs/smoke/console`,
        `/api/pipelines/missing/runs/${run.counter}/stages/qa/jobs/other/console`,
      ].map(async (path) => (await get(path)).status),
    );
    const anonymous = await get(`/api/pipelines/missing/runs/${run.counter}/stages/qa/jobs/smoke/console`, null);

    expect(statuses).toEqual([404, 404, 404, 404, 404]);
    expect(anonymous.status).toBe(401);
  });
});
