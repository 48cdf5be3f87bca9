import { randomUUID } from 'node:crypto';
import type { Database } from '../server/src/db/database';
import { TABLES } from '../server/src/db/tables';
import { TOKENS } from '../server/src/injection-tokens';
import { decryptVariable } from '../server/src/pipelines/definitions/secure-environment';
import type { SecretBox } from '../server/src/security/secret-box';
import { DATABASE_KINDS } from './support/databases';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { startPipelinesApp, type PipelinesApp } from './support/pipelines-app';
import { startTestServer, type TestServer } from './support/test-server';

function pipeline(name: string, repository: string, pkg: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    materials: [{ package: { repository, package: pkg } }],
    stages: [{ name: 'qa', jobs: [{ name: 'smoke', tasks: [{ exec: { command: 'true' } }] }] }],
    ...extra,
  };
}

describe.each(DATABASE_KINDS)('pipelines: secure variables and materials in use [%s]', (kind) => {
  let upstream: JsonRepository;
  let baton: TestServer;
  let app: PipelinesApp;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('scrt', '0.3.3'));
    baton = await startTestServer(kind);
    app = await startPipelinesApp(baton);
  });

  afterAll(async () => {
    await app?.close();
    await baton?.destroy();
    await upstream?.close();
  });

  async function material(repositoryName: string, packageName: string) {
    const repository = await app.api.post('/api/repositories', {
      name: repositoryName,
      plugin_id: 'json-file',
      configuration: [{ key: 'URL', value: upstream.url }],
    });
    const pkg = await app.api.post('/api/packages', {
      name: packageName,
      repository_id: repository.body.id,
      configuration: [{ key: 'NAME', value: `${packageName}-${repositoryName}` }],
    });
    return { repository: repository.body, pkg: pkg.body };
  }

  it('round-trips a secure variable: encrypted for the pipeline, shown only encrypted, sent back unchanged', async () => {
    await material('secure-repo', 'scrt');
    const encrypted = await app.api.post('/api/encrypt', { value: 'hunter2-pipeline', pipeline: 'secure-one', variable: 'TOKEN' });
    const body = pipeline('secure-one', 'secure-repo', 'scrt', { secure_environment: { TOKEN: { encrypted_value: encrypted.body.encrypted_value } } });

    const created = await app.api.post('/api/pipelines', body);
    const read = await app.api.get('/api/pipelines/secure-one');
    const sentBack = await app.api.put(
      '/api/pipelines/secure-one',
      { ...body, secure_environment: read.body.secure_environment },
      { headers: { 'if-match': read.headers.get('etag')! } },
    );

    expect(encrypted.status).toBe(200);
    expect(created.status).toBe(201);
    expect(sentBack.status).toBe(200);
    expect(JSON.stringify([created.body, read.body, sentBack.body])).not.toContain('hunter2-pipeline');
    const box = baton.server.dependencies.resolve<SecretBox>(TOKENS.secretBox);
    expect(decryptVariable(box, sentBack.body.secure_environment.TOKEN.encrypted_value, 'secure-one', 'TOKEN')).toBe('hunter2-pipeline');
  });

  it('refuses a secure value encrypted for another pipeline or variable', async () => {
    const forOther = await app.api.post('/api/encrypt', { value: 'v', pipeline: 'someone-else', variable: 'TOKEN' });
    const forOtherVariable = await app.api.post('/api/encrypt', { value: 'v', pipeline: 'secure-two', variable: 'OTHER' });

    const refused = await app.api.post('/api/pipelines', pipeline('secure-two', 'secure-repo', 'scrt', { secure_environment: { TOKEN: forOther.body } }));
    const refusedToo = await app.api.post(
      '/api/pipelines',
      pipeline('secure-two', 'secure-repo', 'scrt', { secure_environment: { TOKEN: forOtherVariable.body } }),
    );

    expect([refused.status, refusedToo.status]).toEqual([422, 422]);
    expect(Object.keys(refused.body.errors)).toEqual(['secure_environment.TOKEN']);
    expect(Object.keys(refusedToo.body.errors)).toEqual(['secure_environment.TOKEN']);
  });

  it('encrypts only for admins, and only for a named pipeline and variable', async () => {
    const viewer = await app.api.post('/api/tokens', { name: `encrypt-viewer-${kind}`, role: 'viewer' });

    const half = await app.api.post('/api/encrypt', { value: 'v', pipeline: 'p' });
    const unbound = await app.api.post('/api/encrypt', { value: 'v' });
    const byViewer = await app.api.withToken(viewer.body.token).post('/api/encrypt', { value: 'v', pipeline: 'p', variable: 'V' });

    expect(half.status).toBe(422);
    expect(Object.keys(half.body.errors)).toEqual(['variable']);
    expect(unbound.status).toBe(422);
    expect(Object.keys(unbound.body.errors).sort()).toEqual(['pipeline', 'variable']);
    expect(byViewer.status).toBe(403);
  });

  it('refuses deleting or renaming a package a pipeline uses, naming the pipeline', async () => {
    const { pkg } = await material('used-repo', 'used-pkg');
    await app.api.post('/api/pipelines', pipeline('uses-package', 'used-repo', 'used-pkg'));
    const current = { name: pkg.name, repository_id: pkg.repository_id, configuration: pkg.configuration };

    const deleted = await app.api.deleteCurrent(`/api/packages/${pkg.id}`);
    const renamed = await app.api.put(`/api/packages/${pkg.id}`, { ...current, name: 'renamed-pkg' }, { headers: { 'if-match': '"1"' } });
    const otherChange = await app.api.put(`/api/packages/${pkg.id}`, { ...current, poll_interval_seconds: 120 }, { headers: { 'if-match': '"1"' } });

    expect(deleted.status).toBe(409);
    expect(deleted.body.detail).toContain("'uses-package'");
    expect(renamed.status).toBe(409);
    expect(renamed.body.detail).toContain("'uses-package'");
    expect(otherChange.status).toBe(200);
  });

  it('refuses deleting or renaming a repository a pipeline uses, and allows both once the pipeline is gone', async () => {
    const { repository, pkg } = await material('busy-repo', 'busy-pkg');
    await app.api.post('/api/pipelines', pipeline('uses-repo', 'busy-repo', 'busy-pkg'));
    const renamedBody = { name: 'calm-repo', plugin_id: 'json-file', configuration: [{ key: 'URL', value: upstream.url }] };

    const deleted = await app.api.deleteCurrent(`/api/repositories/${repository.id}`);
    const renamed = await app.api.put(`/api/repositories/${repository.id}`, renamedBody, { headers: { 'if-match': '"1"' } });
    await app.api.deleteCurrent('/api/pipelines/uses-repo');
    const renamedLater = await app.api.put(`/api/repositories/${repository.id}`, renamedBody, { headers: { 'if-match': '"1"' } });
    const packageDeleted = await app.api.deleteCurrent(`/api/packages/${pkg.id}`);

    expect(deleted.status).toBe(409);
    expect(deleted.body.detail).toContain("'uses-repo'");
    expect(renamed.status).toBe(409);
    expect(renamed.body.detail).toContain("'uses-repo'");
    expect(renamedLater.status).toBe(200);
    expect(packageDeleted.status).toBe(204);
  });

  it('gives a pipeline created again under a deleted name the next run counter', async () => {
    await app.api.post('/api/pipelines', pipeline('reborn', 'secure-repo', 'scrt'));
    const db = baton.server.dependencies.resolve<Database>(TOKENS.database);
    const first = await db.knex(TABLES.pipelines).where({ name: 'reborn' }).first('id');
    await db.knex(TABLES.pipelineRuns).insert({
      id: randomUUID(),
      pipeline_id: first.id,
      pipeline_name: 'reborn',
      counter: 7,
      label: '7',
      definition: '{}',
      build_cause: '{}',
      trigger_kind: 'manual',
      triggered_by: 'admin',
    });
    // Run creation moves the pipeline's last counter with each run it makes.
    await db.knex(TABLES.pipelines).where({ id: first.id }).update({ last_counter: 7 });
    await app.api.deleteCurrent('/api/pipelines/reborn');

    await app.api.post('/api/pipelines', pipeline('reborn', 'secure-repo', 'scrt'));

    const row = await db.knex(TABLES.pipelines).where({ name: 'reborn' }).whereNull('deleted_at').first('last_counter');
    expect(row.last_counter).toBe(7);
  });
});
