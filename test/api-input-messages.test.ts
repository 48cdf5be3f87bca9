import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EVENT_TYPES } from '../server/src/events/event-catalogue';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { registerUpstreamApp } from './support/pipeline-runs';
import { startTestServer, type TestServer } from './support/test-server';

/** A pipeline with a stage whose approval and first task are as given. */
function pipeline(name: string, approval: unknown, task: unknown) {
  return {
    name,
    materials: [{ package: { repository: 'upstream', package: 'app' } }],
    stages: [{ name: 'release', approval, jobs: [{ name: 'deploy', tasks: [task] }] }],
  };
}

const APPROVAL_TYPE = 'stages[0].approval.type';
const TASK = 'stages[0].jobs[0].tasks[0]';

describe.each(DATABASE_KINDS)('what wrong input is told: pipeline definitions, event filters [%s]', (kind) => {
  let upstream: JsonRepository;
  let baton: TestServer;
  let dir: string;

  beforeAll(async () => {
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-messages-'));
    baton = await startTestServer(kind, { env: { BATON_CONFIG_DIR: dir, BATON_LOCAL_AGENT: 'false' } });
    await registerUpstreamApp(baton.api, upstream.url);
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the approval types and the task types, with the keys of the nearest task, over the API', async () => {
    const response = await baton.api.post('/api/pipelines', pipeline('wrong-shapes', { type: 'automatic' }, { shell: { command: 'ls' } }));

    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors).sort()).toEqual([APPROVAL_TYPE, TASK]);
    expect(response.body.errors[APPROVAL_TYPE]).toEqual(["'automatic' is not a known approval type; the approval types are success, manual"]);
    expect(response.body.errors[TASK]).toEqual([
      'is not a known task: it has shell, and a task is one of exec, fetch_package, http; the nearest, exec, takes command (required), arguments, working_directory, timeout_seconds',
    ]);
  });

  it('tells a YAML file the same, at the same paths', async () => {
    const api = await baton.api.post('/api/pipelines', pipeline('api-twin', { type: 'automatic' }, { fetch: { material: 'app' } }));
    const yaml = [
      'name: file-twin',
      'materials:',
      '  - package: { repository: upstream, package: app }',
      'stages:',
      '  - name: release',
      '    approval: { type: automatic }',
      '    jobs:',
      '      - name: deploy',
      '        tasks:',
      '          - fetch: { material: app }',
      '',
    ].join('\n');

    fs.writeFileSync(path.join(dir, 'twin.yaml'), yaml);
    const file = await eventually(
      async () => {
        const files = (await baton.api.get('/api/config-files')).body.files as { file: string; status: string; errors: Record<string, string[]> }[];
        return files.find((f) => f.file === 'twin.yaml' && f.status === 'invalid');
      },
      60_000,
      'twin.yaml reported invalid',
    );

    expect(api.status).toBe(422);
    expect(file.errors).toEqual(api.body.errors);
    expect(file.errors[TASK][0]).toContain('the nearest, fetch_package, takes material (required), destination');
  });

  it.each([
    ['a type that does not exist', 'stage.run.failed', ["'stage.run.failed'"]],
    ['a prefix of no type', 'pipelines.*', ["'pipelines.*'"]],
    ['unknown types beside a known one', 'stage.run.completed,stage.run.failed,pipeline.run.started', ["'stage.run.failed'", "'pipeline.run.started'"]],
    ['separators only', ',', ['names no event type']],
  ])('refuses an event filter naming %s, for the history and the stream alike, listing the known types', async (_case, types, named) => {
    const history = await baton.api.get(`/api/events/history?types=${encodeURIComponent(types)}`);
    const stream = await fetch(`${baton.url}/api/events?access_token=${baton.adminToken}&types=${encodeURIComponent(types)}`);
    const streamed = (await stream.json()) as { errors: Record<string, string[]> };

    for (const answer of [
      { status: history.status, errors: history.body.errors },
      { status: stream.status, errors: streamed.errors },
    ]) {
      expect(answer.status).toBe(422);
      expect(Object.keys(answer.errors)).toEqual(['types']);
      expect(answer.errors['types']).toHaveLength(named.length);
      named.forEach((name, i) => expect(answer.errors['types'][i]).toContain(name));
      for (const message of answer.errors['types']) for (const type of EVENT_TYPES) expect(message).toContain(type);
    }
  });

  it('refuses an id written as a urn:uuid with 422 at its field, before the database sees it', async () => {
    const repository = (await baton.api.get('/api/repositories')).body.repositories[0].id as string;

    const response = await baton.api.post('/api/packages', {
      name: 'urn-id',
      repository_id: `urn:uuid:${repository}`,
      configuration: [{ key: 'NAME', value: 'app' }],
    });

    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors)).toEqual(['repository_id']);
  });
});
