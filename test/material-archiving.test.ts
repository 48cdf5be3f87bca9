import { randomUUID } from 'node:crypto';
import type { Database } from '../server/src/db/database';
import { TABLES } from '../server/src/db/tables';
import { TOKENS } from '../server/src/injection-tokens';
import { PollStateStore } from '../server/src/materials/polling/poll-state-store';
import { DATABASE_KINDS } from './support/databases';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { startTestServer, type TestServer } from './support/test-server';

describe.each(DATABASE_KINDS)('deleting materials keeps their history [%s]', (kind) => {
  let baton: TestServer;
  let upstream: JsonRepository;
  let db: Database;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('scrt', '0.3.3'));
    baton = await startTestServer(kind);
    db = baton.server.dependencies.resolve<Database>(TOKENS.database);
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
  });

  // auto_update off: only what a test records becomes history, never a poll of its own.
  const createRepository = async (name: string) =>
    (await baton.api.post('/api/repositories', { name, plugin_id: 'json-file', configuration: [{ key: 'URL', value: upstream.url }] })).body;
  const createPackage = (repositoryId: string, name: string) =>
    baton.api.post('/api/packages', { name, repository_id: repositoryId, auto_update: false, configuration: [{ key: 'NAME', value: name }] });
  const giveHistory = (packageId: string) =>
    db.knex(TABLES.revisions).insert({ package_id: packageId, revision: '0.3.3', timestamp: new Date(), data: JSON.stringify({}) });
  const auditOf = async (type: string, id: string) =>
    (await baton.api.get(`/api/audit?resource_type=${type}&resource_id=${id}`)).body.entries.map((e: { action: string }) => e.action);
  const listed = async (path: string, plural: string) => (await baton.api.get(path)).body[plural].map((item: { id: string }) => item.id);

  it('archives a package with history: still readable, marked deleted, hidden from lists, its name and identity free', async () => {
    const repository = await createRepository('archive-pkg-repo');
    const pkg = (await createPackage(repository.id, 'scrt')).body;
    await giveHistory(pkg.id);

    const deleted = await baton.api.deleteCurrent(`/api/packages/${pkg.id}`);
    const read = await baton.api.get(`/api/packages/${pkg.id}`);
    const revisions = await baton.api.get(`/api/packages/${pkg.id}/revisions`);
    const promotions = await baton.api.get(`/api/packages/${pkg.id}/revisions/0.3.3/promotions`);
    const again = await createPackage(repository.id, 'scrt');

    expect(deleted.status).toBe(204);
    expect(read.status).toBe(200);
    expect(read.body.deleted_at).toEqual(expect.any(String));
    expect(revisions.body.revisions.map((r: { revision: string }) => r.revision)).toEqual(['0.3.3']);
    expect(promotions.status).toBe(200);
    expect(again.status).toBe(201);
    expect(again.body.deleted_at).toBeNull();
    expect(await listed(`/api/packages?repository_id=${repository.id}`, 'packages')).toEqual([again.body.id]);
    expect((await listed(`/api/packages?repository_id=${repository.id}&include_deleted=true`, 'packages')).sort()).toEqual([pkg.id, again.body.id].sort());
    expect((await baton.api.get(`/api/repositories/${repository.id}`)).body.packages).toEqual([{ id: again.body.id, name: 'scrt' }]);
    expect(await auditOf('package', pkg.id)).toEqual(['package.archive', 'package.create']);
  });

  it('refuses to change, delete again or poll an archived package', async () => {
    const repository = await createRepository('frozen-repo');
    const pkg = (await createPackage(repository.id, 'frozen')).body;
    await giveHistory(pkg.id);
    await baton.api.deleteCurrent(`/api/packages/${pkg.id}`);
    const body = { name: 'thawed', repository_id: repository.id, configuration: [{ key: 'NAME', value: 'frozen' }] };

    const put = await baton.api.put(`/api/packages/${pkg.id}`, body, { headers: { 'if-match': '*' } });
    const deleteAgain = await baton.api.delete(`/api/packages/${pkg.id}`, { headers: { 'if-match': '*' } });
    const poll = await baton.api.post(`/api/packages/${pkg.id}/poll?wait=0`);

    expect(put.status).toBe(409);
    expect(put.body.detail).toContain('archived');
    expect(deleteAgain.status).toBe(409);
    expect(poll.status).toBe(409);
  });

  it('refuses an include_deleted other than true or false instead of reading it as false', async () => {
    const packages = await baton.api.get('/api/packages?include_deleted=yes');
    const repositories = await baton.api.get('/api/repositories?include_deleted=1');

    for (const response of [packages, repositories]) {
      expect(response.status).toBe(422);
      expect(JSON.stringify(response.body)).toContain("include_deleted must be 'true' or 'false'");
    }
  });

  it('deletes a package without history, as before', async () => {
    const repository = await createRepository('plain-pkg-repo');
    const pkg = (await createPackage(repository.id, 'plain')).body;

    const deleted = await baton.api.deleteCurrent(`/api/packages/${pkg.id}`);

    expect(deleted.status).toBe(204);
    expect((await baton.api.get(`/api/packages/${pkg.id}`)).status).toBe(404);
    expect(await auditOf('package', pkg.id)).toEqual(['package.delete', 'package.create']);
  });

  it('archives a repository with its packages that have history, deletes those without, and frees its name', async () => {
    const repository = await createRepository('archived-repo');
    const kept = (await createPackage(repository.id, 'kept')).body;
    const dropped = (await createPackage(repository.id, 'dropped')).body;
    await giveHistory(kept.id);

    const deleted = await baton.api.deleteCurrent(`/api/repositories/${repository.id}`);
    const read = await baton.api.get(`/api/repositories/${repository.id}`);
    const successor = await baton.api.post('/api/repositories', {
      name: 'archived-repo',
      plugin_id: 'json-file',
      configuration: [{ key: 'URL', value: upstream.url }],
    });

    expect(deleted.status).toBe(204);
    expect(read.status).toBe(200);
    expect(read.body.deleted_at).toEqual(expect.any(String));
    expect((await baton.api.get(`/api/packages/${kept.id}`)).body.deleted_at).toEqual(expect.any(String));
    expect((await baton.api.get(`/api/packages/${dropped.id}`)).status).toBe(404);
    expect(successor.status).toBe(201);
    expect(await listed('/api/repositories?limit=500', 'repositories')).not.toContain(repository.id);
    expect(await listed('/api/repositories?limit=500&include_deleted=true', 'repositories')).toContain(repository.id);
    expect(await auditOf('repository', repository.id)).toEqual(['repository.archive', 'repository.create']);
    expect(await auditOf('package', kept.id)).toEqual(['package.archive', 'package.create']);
    expect(await auditOf('package', dropped.id)).toEqual(['package.delete', 'package.create']);
    expect(
      (await baton.api.post('/api/packages', { name: 'late', repository_id: repository.id, configuration: [{ key: 'NAME', value: 'late' }] })).status,
    ).toBe(422);
  });

  it('refuses a poll of an archived repository with 409, and of an unknown repository or package with 404', async () => {
    const repository = await createRepository('retired-repo');
    await giveHistory((await createPackage(repository.id, 'retired')).body.id);
    await baton.api.deleteCurrent(`/api/repositories/${repository.id}`);
    const unknown = randomUUID();

    const archived = await baton.api.post(`/api/repositories/${repository.id}/poll?wait=0`);
    const noRepository = await baton.api.post(`/api/repositories/${unknown}/poll?wait=0`);
    const noPackage = await baton.api.post(`/api/packages/${unknown}/poll?wait=0`);

    expect(archived.status).toBe(409);
    expect(archived.body.detail).toContain('archived');
    expect(noRepository.status).toBe(404);
    expect(noPackage.status).toBe(404);
  });

  it('deletes a repository without history, as before', async () => {
    const repository = await createRepository('plain-repo');
    await createPackage(repository.id, 'never-polled');

    const deleted = await baton.api.deleteCurrent(`/api/repositories/${repository.id}`);

    expect(deleted.status).toBe(204);
    expect((await baton.api.get(`/api/repositories/${repository.id}`)).status).toBe(404);
    expect(await auditOf('repository', repository.id)).toEqual(['repository.delete', 'repository.create']);
  });

  it('no longer polls an archived package', async () => {
    const repository = await createRepository('unpolled-repo');
    const pkg = (await createPackage(repository.id, 'unpolled')).body;
    await giveHistory(pkg.id);
    const states = new PollStateStore(db);
    const requestNow = () => db.knex(TABLES.packagePollState).where({ package_id: pkg.id }).update({ poll_requested_at: db.knex.fn.now() });
    const candidates = () => db.knex.transaction(async (trx) => (await states.lockCandidates(trx, 500)).map((c) => c.repository_id));
    await requestNow();
    const before = await candidates();

    await baton.api.deleteCurrent(`/api/packages/${pkg.id}`);
    await requestNow();
    const after = await candidates();

    expect(before).toContain(repository.id);
    expect(after).not.toContain(repository.id);
  });

  it('keeps revisions and run records from being removed with what they belong to', async () => {
    const repository = await createRepository('guarded-repo');
    const pkg = (await createPackage(repository.id, 'guarded')).body;
    await giveHistory(pkg.id);
    const runId = randomUUID();
    const pipelineId = randomUUID();
    await db.knex(TABLES.pipelines).insert({ id: pipelineId, name: 'guarded-run', definition: '{}' });
    await db.knex(TABLES.pipelineRuns).insert({
      id: runId,
      pipeline_id: pipelineId,
      pipeline_name: 'guarded-run',
      counter: 1,
      label: '1',
      definition: '{}',
      build_cause: '{}',
      trigger_kind: 'manual',
      triggered_by: 'admin',
    });
    await db
      .knex(TABLES.stageRuns)
      .insert({ id: randomUUID(), run_id: runId, stage_name: 'only', stage_index: 0, counter: 1, state: 'passed', approval_type: 'success' });

    const packageRemoval = db.knex(TABLES.packages).where({ id: pkg.id }).delete();
    await expect(packageRemoval).rejects.toThrow(/foreign key/);
    const runRemoval = db.knex(TABLES.pipelineRuns).where({ id: runId }).delete();
    await expect(runRemoval).rejects.toThrow(/foreign key/);
  });
});
