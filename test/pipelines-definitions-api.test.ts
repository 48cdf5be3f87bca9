import { DATABASE_KINDS } from './support/databases';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { startPipelinesApp, type PipelinesApp } from './support/pipelines-app';
import { startTestServer, type TestServer } from './support/test-server';

/** A pipeline with one package material and one stage, named as asked. */
function pipeline(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    materials: [{ package: { repository: 'epel', package: 'scrt' } }],
    stages: [{ name: 'package', jobs: [{ name: 'rpm', tasks: [{ exec: { command: 'true' } }] }] }],
    ...extra,
  };
}

describe.each(DATABASE_KINDS)('pipeline definitions API [%s]', (kind) => {
  let repository: JsonRepository;
  let baton: TestServer;
  let app: PipelinesApp;

  beforeAll(async () => {
    repository = await startJsonRepository(listOf('scrt', '0.3.3'));
    baton = await startTestServer(kind);
    app = await startPipelinesApp(baton);
    const repo = await app.api.post('/api/repositories', { name: 'epel', plugin_id: 'json-file', configuration: [{ key: 'URL', value: repository.url }] });
    await app.api.post('/api/packages', { name: 'scrt', repository_id: repo.body.id, configuration: [{ key: 'NAME', value: 'scrt' }] });
  });

  afterAll(async () => {
    await app?.close();
    await baton?.destroy();
    await repository?.close();
  });

  const etagOf = async (name: string) => (await app.api.get(`/api/pipelines/${name}`)).headers.get('etag')!;

  it('creates a pipeline with an ETag and a Location, and reads it back', async () => {
    const created = await app.api.post('/api/pipelines', pipeline('build-app', { label_template: '${COUNT}-${epel_scrt[:5]}' }));

    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toMatch(/^"[1-9][0-9]*"$/);
    expect(created.headers.get('location')).toBe('/api/pipelines/build-app');
    expect(created.body).toMatchObject({ ...pipeline('build-app'), source: 'api', source_file: null });
    const read = await app.api.get('/api/pipelines/build-app');
    // The status moves on by itself (the new pipeline's first run); the definition does not.
    const { status: _createdStatus, ...createdDefinition } = created.body;
    const { status: _readStatus, ...readDefinition } = read.body;
    expect(readDefinition).toEqual(createdDefinition);
    expect(read.headers.get('etag')).toBe(created.headers.get('etag'));
  });

  it('lists a pipeline under the group its definition names, or under default', async () => {
    const grouped = await app.api.post('/api/pipelines', pipeline('grouped', { group: 'release-trains' }));
    const ungrouped = await app.api.post('/api/pipelines', pipeline('ungrouped'));
    const regrouped = await app.api.put('/api/pipelines/grouped', pipeline('grouped', { group: 'nightly.builds' }), {
      headers: { 'if-match': grouped.headers.get('etag')! },
    });

    expect(grouped.body.group).toBe('release-trains');
    expect(ungrouped.body.group).toBe('default');
    expect(regrouped.body.group).toBe('nightly.builds');
    expect((await app.api.get('/api/pipelines/grouped')).body.group).toBe('nightly.builds');
    expect((await app.api.get('/api/pipelines/ungrouped')).body.group).toBe('default');
  });

  it('addresses a pipeline whose name has dots', async () => {
    await app.api.post('/api/pipelines', pipeline('lib.core'));

    const read = await app.api.get('/api/pipelines/lib.core');

    expect(read.status).toBe(200);
    expect(read.body.name).toBe('lib.core');
  });

  it('pages through pipelines by name with next_cursor', async () => {
    for (const name of ['page-b', 'page-a', 'Page-C']) await app.api.post('/api/pipelines', pipeline(name));

    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { pipelines: { name: string }[]; next_cursor: string | null } } = await app.api.get(
        `/api/pipelines?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      names.push(...page.body.pipelines.map((p) => p.name));
      cursor = page.body.next_cursor;
    } while (cursor);

    expect(names.filter((n) => n.toLowerCase().startsWith('page-'))).toEqual(['page-a', 'page-b', 'Page-C']);
    expect((await app.api.get('/api/pipelines?cursor=bogus')).status).toBe(422);
  });

  it('updates with If-Match: 428 without it, 412 when stale, a new ETag when current', async () => {
    const etag = (await app.api.post('/api/pipelines', pipeline('etagged'))).headers.get('etag')!;
    const version = Number(JSON.parse(etag));
    const changed = pipeline('etagged', { environment: { REGION: 'eu-west-1' } });

    const missing = await app.api.put('/api/pipelines/etagged', changed);
    const stale = await app.api.put('/api/pipelines/etagged', changed, { headers: { 'if-match': `"${version + 7}"` } });
    const updated = await app.api.put('/api/pipelines/etagged', changed, { headers: { 'if-match': etag } });
    const again = await app.api.put('/api/pipelines/etagged', changed, { headers: { 'if-match': etag } });

    expect(missing.status).toBe(428);
    expect(stale.status).toBe(412);
    expect(updated.status).toBe(200);
    expect(updated.headers.get('etag')).toBe(`"${version + 1}"`);
    expect(updated.body.environment).toEqual({ REGION: 'eu-west-1' });
    expect(again.status).toBe(412);
  });

  it('does not take an ETag of a deleted pipeline for the new one of the same name', async () => {
    const etags: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      etags.push((await app.api.post('/api/pipelines', pipeline('reborn'))).headers.get('etag')!);
      if (round < 2) await app.api.deleteCurrent('/api/pipelines/reborn');
    }

    const withOldTag = await app.api.put('/api/pipelines/reborn', pipeline('reborn', { environment: { OLD: 'yes' } }), { headers: { 'if-match': etags[0] } });

    expect(new Set(etags).size).toBe(3);
    expect(withOldTag.status).toBe(412);
  });

  it('keeps names unique regardless of case', async () => {
    await app.api.post('/api/pipelines', pipeline('Unique-One'));

    const again = await app.api.post('/api/pipelines', pipeline('unique-one'));

    expect(again.status).toBe(409);
    expect(again.body.detail).toContain("'Unique-One'");
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown package', pipeline('bad-1', { materials: [{ package: { repository: 'epel', package: 'nope' } }] }), 'materials[0].package'],
    ['an unknown repository', pipeline('bad-2', { materials: [{ package: { repository: 'nope', package: 'scrt' } }] }), 'materials[0].package'],
    [
      'an unknown upstream pipeline',
      pipeline('bad-3', { materials: [{ package: { repository: 'epel', package: 'scrt' } }, { pipeline: 'nope', stage: 'x' }] }),
      'materials[1].pipeline',
    ],
    ['an unknown upstream stage', pipeline('bad-4', { materials: [{ pipeline: 'build-app', stage: 'nope' }] }), 'materials[0].stage'],
    ['a dependency on itself', pipeline('bad-5', { materials: [{ pipeline: 'bad-5', stage: 'package' }] }), 'materials[0].pipeline'],
    ['a duplicate stage name', pipeline('bad-6', { stages: [pipeline('x').stages[0], pipeline('x').stages[0]] }), 'stages[1].name'],
    [
      'a duplicate job name',
      pipeline('bad-7', { stages: [{ name: 's', jobs: [pipeline('x').stages[0].jobs[0], pipeline('x').stages[0].jobs[0]] }] }),
      'stages[0].jobs[1].name',
    ],
    ['an unknown label token', pipeline('bad-8', { label_template: '${COUNT}-${nope}' }), 'label_template'],
    [
      'material names with one environment prefix',
      pipeline('bad-9', {
        materials: [
          { name: 'a-b', package: { repository: 'epel', package: 'scrt' } },
          { name: 'a_b', pipeline: 'build-app', stage: 'package' },
        ],
      }),
      'materials[1].name',
    ],
    ['an invalid timer', pipeline('bad-10', { timer: { spec: '61 * * * * *' } }), 'timer.spec'],
    ['a missing field', { name: 'bad-11', materials: pipeline('x').materials }, 'stages'],
    ['an unknown field', pipeline('bad-12', { colour: 'red' }), 'colour'],
    ['a group with a space', pipeline('bad-17', { group: 'release trains' }), 'group'],
    ['a group named only with dots', pipeline('bad-18', { group: '..' }), 'group'],
    ['an empty group', pipeline('bad-19', { group: '' }), 'group'],
    ['a group of 256 characters', pipeline('bad-20', { group: 'g'.repeat(256) }), 'group'],
    ['a stage named only with dots', pipeline('bad-14', { stages: [{ name: '..', jobs: pipeline('x').stages[0].jobs }] }), 'stages[0].name'],
    [
      'a job named only with dots',
      pipeline('bad-15', { stages: [{ name: 's', jobs: [{ ...pipeline('x').stages[0].jobs[0], name: '.' }] }] }),
      'stages[0].jobs[0].name',
    ],
    ['a NUL character, which cannot be stored', pipeline('bad-16', { environment: { REGION: 'eu\u0000west' } }), 'environment.REGION'],
    ['a task of no known kind', pipeline('bad-13', { stages: [{ name: 's', jobs: [{ name: 'j', tasks: [{ shell: 'ls' }] }] }] }), 'stages[0].jobs[0].tasks[0]'],
  ])('refuses %s with 422 at the field path', async (_case, body, path) => {
    const response = await app.api.post('/api/pipelines', body);

    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors)).toContain(path);
    expect((await app.api.get(`/api/pipelines/${body['name'] as string}`)).status).toBe(404);
  });

  it('refuses a cycle made by an update, naming the path', async () => {
    await app.api.post('/api/pipelines', pipeline('cycle-a'));
    await app.api.post('/api/pipelines', pipeline('cycle-b', { materials: [{ pipeline: 'cycle-a', stage: 'package' }] }));

    const response = await app.api.put('/api/pipelines/cycle-a', pipeline('cycle-a', { materials: [{ pipeline: 'cycle-b', stage: 'package' }] }), {
      headers: { 'if-match': await etagOf('cycle-a') },
    });

    expect(response.status).toBe(422);
    expect(response.body.errors['materials[0].pipeline']).toEqual(['dependency cycle: cycle-a → cycle-b → cycle-a']);
  });

  it('lets only one of two concurrent changes through when together they would make a cycle', async () => {
    const pairs = Array.from({ length: 8 }, (_, i) => [`race-${i}-a`, `race-${i}-b`] as const);
    for (const [a, b] of pairs) for (const name of [a, b]) await app.api.post('/api/pipelines', pipeline(name));
    const etags = new Map<string, string>();
    for (const [a, b] of pairs) for (const name of [a, b]) etags.set(name, await etagOf(name));
    const dependOn = (name: string, upstream: string) =>
      app.api.put(`/api/pipelines/${name}`, pipeline(name, { materials: [{ pipeline: upstream, stage: 'package' }] }), {
        headers: { 'if-match': etags.get(name)! },
      });

    const answers = await Promise.all(pairs.map(([a, b]) => Promise.all([dependOn(a, b), dependOn(b, a)])));

    expect(answers.map((pair) => pair.map((answer) => answer.status).sort())).toEqual(pairs.map(() => [200, 422]));
  });

  it('refuses a rename through PUT', async () => {
    await app.api.post('/api/pipelines', pipeline('fixed-name'));

    const response = await app.api.put('/api/pipelines/fixed-name', pipeline('other-name'), { headers: { 'if-match': await etagOf('fixed-name') } });

    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors)).toEqual(['name']);
  });

  it('deletes a pipeline, and refuses while others depend on it, naming them', async () => {
    await app.api.post('/api/pipelines', pipeline('upstream-1'));
    await app.api.post('/api/pipelines', pipeline('downstream-1', { materials: [{ pipeline: 'upstream-1', stage: 'package' }] }));

    const refused = await app.api.deleteCurrent('/api/pipelines/upstream-1');
    const missing = await app.api.delete('/api/pipelines/downstream-1');
    const stale = await app.api.delete('/api/pipelines/downstream-1', { headers: { 'if-match': '"9"' } });
    const downstream = await app.api.delete('/api/pipelines/downstream-1', { headers: { 'if-match': await etagOf('downstream-1') } });
    const upstream = await app.api.deleteCurrent('/api/pipelines/upstream-1');

    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain("'downstream-1'");
    expect(missing.status).toBe(428);
    expect(stale.status).toBe(412);
    expect(downstream.status).toBe(204);
    expect(upstream.status).toBe(204);
    expect((await app.api.get('/api/pipelines/upstream-1')).status).toBe(404);
  });

  it('refuses removing a stage a downstream pipeline uses', async () => {
    await app.api.post('/api/pipelines', pipeline('staged'));
    await app.api.post('/api/pipelines', pipeline('uses-staged', { materials: [{ pipeline: 'staged', stage: 'package' }] }));
    const renamedStage = pipeline('staged', { stages: [{ ...pipeline('x').stages[0], name: 'build' }] });

    const response = await app.api.put('/api/pipelines/staged', renamedStage, { headers: { 'if-match': await etagOf('staged') } });

    expect(response.status).toBe(422);
    expect(response.body.errors['stages']).toEqual(["stage 'package' is used by pipeline 'uses-staged'"]);
  });

  it('lets a viewer read but not write, and records every change with its actor', async () => {
    const viewer = await app.api.post('/api/tokens', { name: `viewer-${kind}`, role: 'viewer' });
    const asViewer = app.api.withToken(viewer.body.token);
    await app.api.post('/api/pipelines', pipeline('audited'));
    await app.api.put('/api/pipelines/audited', pipeline('audited', { lock: true }), { headers: { 'if-match': await etagOf('audited') } });
    await app.api.deleteCurrent('/api/pipelines/audited');

    expect((await asViewer.get('/api/pipelines/build-app')).status).toBe(200);
    expect((await asViewer.post('/api/pipelines', pipeline('by-viewer'))).status).toBe(403);
    const audit = await app.api.get('/api/audit?resource_type=pipeline&resource_id=audited');
    expect(audit.body.entries.map((e: { action: string; actor: string }) => `${e.action} by ${e.actor}`)).toEqual([
      'pipeline.delete by admin',
      'pipeline.update by admin',
      'pipeline.create by admin',
    ]);
  });
});
