import type { Database } from '../server/src/db/database';
import { TABLES, type DbPipelineRunRow } from '../server/src/db/tables';
import { TOKENS } from '../server/src/injection-tokens';
import { DATABASE_KINDS } from './support/databases';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { registerUpstreamApp } from './support/pipeline-runs';
import { startTestServer, type TestServer } from './support/test-server';

const SECRET = 'deploy-token-from-the-definition';
const REPLACEMENT = 'deploy-token-given-at-trigger';

/** A pipeline on the upstream package `app`: `overridable` for the pipeline, `jobOverridable` for its second job. */
function pipeline(name: string, extra: Record<string, unknown> = {}, jobOverridable?: string[]) {
  return {
    name,
    materials: [{ name: 'app', package: { repository: 'upstream', package: 'app' } }],
    stages: [
      {
        name: 'deploy',
        jobs: [
          { name: 'check', tasks: [{ exec: { command: 'true' } }] },
          { name: 'ship', ...(jobOverridable ? { overridable: jobOverridable } : {}), tasks: [{ exec: { command: 'true' } }] },
        ],
      },
    ],
    ...extra,
  };
}

const PROTECTED = [
  'GO_TRIGGER_USER',
  'GO_PACKAGE_APP_LABEL',
  'PATH',
  'HOME',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'BASH_ENV',
  'ENV',
  'IFS',
  'NODE_OPTIONS',
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'PERL5LIB',
  'PERL5OPT',
  'RUBYOPT',
  'ld_preload',
];

describe.each(DATABASE_KINDS)('manual trigger overrides [%s]', (kind) => {
  let baton: TestServer;
  let upstream: JsonRepository;
  let operator: string;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    baton = await startTestServer(kind, { env: { BATON_LOCAL_AGENT: 'false' } });
    const packageId = await registerUpstreamApp(baton.api, upstream.url);
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    operator = (await baton.api.post('/api/tokens', { name: 'some-operator', role: 'operator' })).body.token;
    const encrypted = (await baton.api.post('/api/encrypt', { value: SECRET, pipeline: 'release', variable: 'DEPLOY_TOKEN' })).body;
    const created = await baton.api.post(
      '/api/pipelines',
      pipeline('release', { environment: { REGION: 'eu-west-1' }, secure_environment: { DEPLOY_TOKEN: encrypted }, overridable: ['REGION', 'DEPLOY_TOKEN'] }, [
        'DRY_RUN',
      ]),
    );
    if (created.status !== 201) throw new Error(`could not create the pipeline: ${JSON.stringify(created.body)}`);
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
  });

  const runCount = async () => (await baton.api.get('/api/pipelines/release/runs?limit=100')).body.runs.length as number;
  const storedRun = async (counter: number) => {
    const db = baton.server.dependencies.resolve<Database>(TOKENS.database);
    return (await db.knex(TABLES.pipelineRuns).where({ pipeline_name: 'release', counter }).first()) as DbPipelineRunRow;
  };
  const triggerAudit = async (counter: number) => {
    const entries = (await baton.api.get('/api/audit?resource_type=pipeline&resource_id=release&limit=100')).body.entries as {
      action: string;
      actor: string;
      details: { counter: number };
    }[];
    return entries.find((entry) => entry.action === 'pipeline.trigger' && entry.details.counter === counter);
  };

  it.each(PROTECTED)('refuses to save a pipeline that lets a trigger override %s', async (name) => {
    const atPipeline = await baton.api.post('/api/pipelines', pipeline('protected-p', { overridable: ['REGION', name] }));
    const atJob = await baton.api.post('/api/pipelines', pipeline('protected-j', {}, [name]));

    expect(atPipeline.status).toBe(422);
    expect(atPipeline.body.errors['overridable[1]'][0]).toContain(`${name} can never be overridden`);
    expect(atJob.status).toBe(422);
    expect(Object.keys(atJob.body.errors)).toEqual(['stages[0].jobs[1].overridable[0]']);
  });

  it('refuses an override of a name the pipeline does not list, naming it, and creates no run', async () => {
    const before = await runCount();

    const refused = await baton.api.post('/api/pipelines/release/runs', { environment: { REGION: 'us-east-1', NOT_LISTED: 'x' } });

    expect(refused.status).toBe(422);
    expect(Object.keys(refused.body.errors)).toEqual(['environment.NOT_LISTED']);
    expect(refused.body.errors['environment.NOT_LISTED'][0]).toContain('NOT_LISTED is not overridable');
    expect(await runCount()).toBe(before);
  });

  it.each(['BASH_ENV', 'PATH', 'LD_PRELOAD', 'GO_TRIGGER_USER', 'GO_PACKAGE_APP_LABEL'])('never takes an override of %s, even from an admin', async (name) => {
    const refused = await baton.api.post('/api/pipelines/release/runs', { environment: { [name]: 'forged' } });

    expect(refused.status).toBe(422);
    expect(refused.body.errors[`environment.${name}`][0]).toContain(`${name} can never be overridden`);
  });

  it('takes an override a job lists, and records the values in the audit entry', async () => {
    const triggered = await baton.api.withToken(operator).post('/api/pipelines/release/runs', { environment: { REGION: 'us-east-1', DRY_RUN: 'yes' } });

    expect(triggered.status).toBe(201);
    expect((await storedRun(triggered.body.counter)).environment_overrides).toEqual({ REGION: 'us-east-1', DRY_RUN: 'yes' });
    const audit = await triggerAudit(triggered.body.counter);
    expect(audit).toMatchObject({ actor: 'some-operator', details: { environment: { REGION: 'us-east-1', DRY_RUN: 'yes' } } });
  });

  it('lets only a caller who may edit the pipeline override a secure variable, stores it encrypted and audits it masked', async () => {
    const before = await runCount();

    const byOperator = await baton.api.withToken(operator).post('/api/pipelines/release/runs', { environment: { DEPLOY_TOKEN: REPLACEMENT } });
    const byAdmin = await baton.api.post('/api/pipelines/release/runs', { environment: { DEPLOY_TOKEN: REPLACEMENT, REGION: 'us-east-1' } });

    expect(byOperator.status).toBe(403);
    expect(byOperator.body.detail).toContain('DEPLOY_TOKEN');
    expect(byAdmin.status).toBe(201);
    expect(await runCount()).toBe(before + 1);
    const stored = await storedRun(byAdmin.body.counter);
    expect(stored.environment_overrides['DEPLOY_TOKEN']).toEqual({ encrypted_value: expect.stringMatching(/^v1\./) });
    expect(JSON.stringify(stored)).not.toContain(REPLACEMENT);
    const audit = await triggerAudit(byAdmin.body.counter);
    expect(audit?.details).toMatchObject({ environment: { DEPLOY_TOKEN: '****', REGION: 'us-east-1' } });
    expect(JSON.stringify((await baton.api.get('/api/audit?limit=100')).body)).not.toContain(REPLACEMENT);
  });
});
