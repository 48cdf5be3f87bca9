import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { registerUpstreamApp } from './support/pipeline-runs';
import { startTestServer, type TestServer } from './support/test-server';

const PRINT = 'printf "vars=%s|%s|%s|%s|%s\\n" "$__proto__" "$constructor" "$valueOf" "$toString" "$hasOwnProperty"';

/**
 * Names are data: a pipeline, stage, job, material or variable called like a member every
 * JavaScript object has (`constructor`, `__proto__`, `toString`) is stored, run and shown like any
 * other. Written as JSON text: in a JavaScript literal, `__proto__:` would set a prototype instead.
 */
const MEMBER_NAMED = JSON.parse(`{
  "name": "constructor",
  "label_template": "\${COUNT}-\${toString}",
  "materials": [{ "name": "toString", "package": { "repository": "upstream", "package": "app" } }],
  "environment": { "__proto__": "from-proto", "constructor": "from-constructor", "valueOf": "from-valueOf" },
  "secure_environment": {},
  "stages": [{
    "name": "valueOf",
    "jobs": [{
      "name": "hasOwnProperty",
      "environment": { "toString": "from-toString", "hasOwnProperty": "from-hasOwnProperty" },
      "tasks": [{ "exec": { "command": "sh", "arguments": ["-c", ${JSON.stringify(PRINT)}] } }]
    }]
  }]
}`) as Record<string, unknown>;

describe.each(DATABASE_KINDS)('pipelines named like built-in object members [%s]', (kind) => {
  let baton: TestServer;
  let upstream: JsonRepository;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    baton = await startTestServer(kind);
    const packageId = await registerUpstreamApp(baton.api, upstream.url);
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
  });

  it('stores and shows such names as they were given', async () => {
    const created = await baton.api.post('/api/pipelines', MEMBER_NAMED);
    const read = await baton.api.get('/api/pipelines/constructor');

    expect(created.status).toBe(201);
    expect(Object.keys(read.body.environment).sort()).toEqual(['__proto__', 'constructor', 'valueOf']);
    expect(read.body.environment['__proto__']).toBe('from-proto');
    expect(read.body.stages[0]).toMatchObject({ name: 'valueOf', jobs: [{ name: 'hasOwnProperty', environment: { toString: 'from-toString' } }] });
  });

  it.each(['__proto__', 'toString', 'hasOwnProperty'])('creates, lists and deletes a pipeline named %s', async (name) => {
    const created = await baton.api.post('/api/pipelines', { ...MEMBER_NAMED, name, label_template: '${COUNT}' });
    const read = await baton.api.get(`/api/pipelines/${name}`);
    const listed = (await baton.api.get('/api/pipelines')).body.pipelines.map((p: { name: string }) => p.name);
    const deleted = await baton.api.deleteCurrent(`/api/pipelines/${name}`);

    expect([created.status, read.status, deleted.status]).toEqual([201, 200, 204]);
    expect(read.body.name).toBe(name);
    expect(listed).toContain(name);
  });

  it('runs it: the material resolves, the label fills in, and the job sees every variable', async () => {
    const triggered = await baton.api.post('/api/pipelines/constructor/runs', {});
    const counter = triggered.body.counter as number;
    const stage = await eventually(
      async () => {
        const run = (await baton.api.get(`/api/pipelines/constructor/runs/${counter}`)).body;
        const found = run.stages?.[0];
        return ['passed', 'failed'].includes(found?.state) ? { run, found } : undefined;
      },
      60_000,
      'the valueOf stage to finish',
    );
    const console = await baton.api.get(`/api/pipelines/constructor/runs/${counter}/stages/valueOf/jobs/hasOwnProperty/console`);

    expect(triggered.status).toBe(201);
    expect(stage.run.label).toBe(`${counter}-1.0.0`);
    expect(stage.found.state).toBe('passed');
    expect(String(console.body)).toContain('vars=from-proto|from-constructor|from-valueOf|from-toString|from-hasOwnProperty');
  });

  it('refuses a revision for a material the pipeline does not have, even one named like a member', async () => {
    const response = await baton.api.post('/api/pipelines/constructor/runs', JSON.parse('{ "revisions": { "valueOf": "1.0.0", "__proto__": "1.0.0" } }'));

    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors).sort()).toEqual(['revisions.__proto__', 'revisions.valueOf']);
  });
});
