import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { startPipelinesApp, type PipelinesApp } from './support/pipelines-app';
import { startTestServer, type TestServer } from './support/test-server';

const ONE_STAGE = [{ name: 'go', jobs: [{ name: 'j', tasks: [{ exec: { command: 'true' } }] }] }];

function yamlPipeline(name: string, options: { region?: string; pkg?: string; upstream?: string; group?: string } = {}): string {
  const material = options.upstream
    ? `  - pipeline: ${options.upstream}\n    stage: qa\n`
    : `  - name: app\n    package: { repository: epel, package: ${options.pkg ?? 'scrt'} }\n`;
  return [
    `name: ${name}`,
    ...(options.group === undefined ? [] : [`group: ${options.group}`]),
    'materials:',
    material.trimEnd(),
    `environment: { REGION: ${options.region ?? 'eu-west-1'} }`,
    'stages:',
    '  - name: qa',
    '    jobs:',
    '      - name: smoke',
    '        tasks:',
    '          - exec: { command: sh, arguments: ["-c", "true"] }',
    '',
  ].join('\n');
}

describe.each(DATABASE_KINDS)('pipelines from configuration files [%s]', (kind) => {
  let repository: JsonRepository;
  let baton: TestServer;
  let app: PipelinesApp;
  let dir: string;

  const write = (file: string, text: string) => {
    // Written beside and renamed, as editors and deployment tools do: never read half-written.
    fs.writeFileSync(path.join(dir, `.${file}.tmp`), text);
    fs.renameSync(path.join(dir, `.${file}.tmp`), path.join(dir, file));
  };
  const fileStatus = async (file: string) => ((await app.api.get('/api/config-files')).body.files as { file: string }[]).find((f) => f.file === file) as any;
  const pipelineWhere = (name: string, check: (body: any) => boolean, what: string) =>
    eventually(
      async () => {
        const response = await app.api.get(`/api/pipelines/${name}`);
        return response.status === 200 && check(response.body) ? response : undefined;
      },
      60_000,
      what,
    );

  beforeAll(async () => {
    repository = await startJsonRepository(listOf('scrt', '0.3.3'));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-config-'));
    baton = await startTestServer(kind, { env: { BATON_CONFIG_DIR: dir } });
    app = await startPipelinesApp(baton, { configDir: dir });
    const repo = await app.api.post('/api/repositories', { name: 'epel', plugin_id: 'json-file', configuration: [{ key: 'URL', value: repository.url }] });
    await app.api.post('/api/packages', { name: 'scrt', repository_id: repo.body.id, configuration: [{ key: 'NAME', value: 'scrt' }] });
  });

  afterAll(async () => {
    await app?.close();
    await baton?.destroy();
    await repository?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates a pipeline from a valid file, then updates it when the file changes', async () => {
    write('app.yaml', yamlPipeline('app-release'));

    const created = await pipelineWhere('app-release', () => true, 'the pipeline from app.yaml');
    write('app.yaml', yamlPipeline('app-release', { region: 'us-east-1' }));
    const updated = await pipelineWhere('app-release', (p) => p.environment.REGION === 'us-east-1', 'the edit of app.yaml');

    expect(created.body).toMatchObject({ name: 'app-release', source: 'file', source_file: 'app.yaml', environment: { REGION: 'eu-west-1' } });
    expect(updated.headers.get('etag')).toBe(`"${Number(JSON.parse(created.headers.get('etag')!)) + 1}"`);
    expect(await fileStatus('app.yaml')).toMatchObject({ status: 'ok', pipelines: ['app-release'], errors: null, loaded_at: expect.any(String) });
  });

  it('lists a pipeline from a file under its group, and refuses a group that is not a name', async () => {
    write('grouped.yaml', yamlPipeline('grouped-from-file', { group: 'release-trains' }));
    write('badly-grouped.yaml', yamlPipeline('badly-grouped', { group: '"release trains"' }));

    const grouped = await pipelineWhere('grouped-from-file', () => true, 'the pipeline from grouped.yaml');
    const status = await eventually(
      async () => ((await fileStatus('badly-grouped.yaml'))?.status === 'invalid' ? fileStatus('badly-grouped.yaml') : undefined),
      60_000,
      'the badly grouped file refused',
    );

    expect(grouped.body.group).toBe('release-trains');
    expect(Object.keys(status.errors)).toEqual(['group']);
    expect((await app.api.get('/api/pipelines/badly-grouped')).status).toBe(404);
  });

  it('keeps the last good version when an edit is invalid, and shows the errors', async () => {
    write('edited.yaml', yamlPipeline('edited'));
    // The definition in force; its status moves on by itself (the new pipeline's first run).
    const { status: _before, ...before } = (await pipelineWhere('edited', () => true, 'edited.yaml')).body;

    write('edited.yaml', yamlPipeline('edited', { region: 'ap-south-1', pkg: 'nope' }));
    const status = await eventually(
      async () => ((await fileStatus('edited.yaml'))?.status === 'invalid' ? fileStatus('edited.yaml') : undefined),
      60_000,
      'the invalid status',
    );

    expect(Object.keys(status.errors)).toEqual(['materials[0].package']);
    expect(status.pipelines).toEqual(['edited']);
    const { status: _after, ...after } = (await app.api.get('/api/pipelines/edited')).body;
    expect(after).toEqual(before);
  });

  it('refuses a NUL character at its path, and still applies the other files', async () => {
    write('nul.yaml', yamlPipeline('with-nul', { region: '"eu\\0west"' }));
    write('beside-nul.yaml', yamlPipeline('beside-nul'));

    const status = await eventually(
      async () => ((await fileStatus('nul.yaml'))?.status === 'invalid' ? fileStatus('nul.yaml') : undefined),
      60_000,
      'the NUL refused',
    );
    const beside = await pipelineWhere('beside-nul', () => true, 'beside-nul.yaml');

    expect(Object.keys(status.errors)).toEqual(['environment.REGION']);
    expect((await app.api.get('/api/pipelines/with-nul')).status).toBe(404);
    expect(beside.status).toBe(200);
  });

  it('applies the valid files beside an alias bomb and files with top-level __proto__ or constructor keys', async () => {
    // Each alias level repeats the one before ten times: nine levels are 10^9 strings if expanded.
    const levels = [
      'l0: &l0 [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`),
    ];
    write('bomb.yaml', `${yamlPipeline('bomb')}${levels.join('\n')}\n`);
    write('proto.yaml', `__proto__: { name: hidden }\n${yamlPipeline('proto')}`);
    write('constructor.yaml', `constructor: 1\n${yamlPipeline('with-constructor')}`);
    write('beside-bad-keys.yaml', yamlPipeline('beside-bad-keys'));

    const beside = await pipelineWhere('beside-bad-keys', () => true, 'beside-bad-keys.yaml');
    const statuses = await eventually(
      async () => {
        const all = await Promise.all(['bomb.yaml', 'proto.yaml', 'constructor.yaml'].map(fileStatus));
        return all.every((s) => s?.status === 'invalid') ? all : undefined;
      },
      60_000,
      'the three bad files reported',
    );

    expect(beside.body.source_file).toBe('beside-bad-keys.yaml');
    expect(statuses.map((s) => s.errors)).toEqual([
      { yaml: [expect.stringContaining('aliases may expand at most')] },
      { ['__proto__']: ['__proto__ is not a known field'] },
      { constructor: ['constructor is not a known field'] },
    ] as unknown[]);
    for (const name of ['bomb', 'proto', 'with-constructor']) expect((await app.api.get(`/api/pipelines/${name}`)).status).toBe(404);
  });

  it('reports a YAML syntax error and keeps the pipeline', async () => {
    write('broken.yaml', yamlPipeline('broken'));
    await pipelineWhere('broken', () => true, 'broken.yaml');

    write('broken.yaml', 'name: broken\nmaterials: [\n');
    const status = await eventually(
      async () => ((await fileStatus('broken.yaml'))?.errors?.yaml ? fileStatus('broken.yaml') : undefined),
      60_000,
      'the YAML error',
    );

    expect(status).toMatchObject({ status: 'invalid', pipelines: ['broken'] });
    expect((await app.api.get('/api/pipelines/broken')).status).toBe(200);
  });

  it('keeps a file pipeline read-only over the API, with a 409 naming the file', async () => {
    write('read-only.yaml', yamlPipeline('read-only'));
    const current = await pipelineWhere('read-only', () => true, 'read-only.yaml');
    const { source: _s, source_file: _f, created_at: _c, updated_at: _u, status: _t, ...definition } = current.body;

    const put = await app.api.put('/api/pipelines/read-only', definition, { headers: { 'if-match': current.headers.get('etag')! } });
    const deleted = await app.api.delete('/api/pipelines/read-only', { headers: { 'if-match': current.headers.get('etag')! } });
    const duplicate = await app.api.post('/api/pipelines', { ...definition, name: 'READ-only' });

    for (const response of [put, deleted, duplicate]) {
      expect(response.status).toBe(409);
      expect(response.body.detail).toContain("'read-only.yaml'");
    }
  });

  it('loads a stream of pipelines that depend on each other, with errors at each document', async () => {
    write('stream.yml', `${yamlPipeline('stream-up')}---\n${yamlPipeline('stream-down', { upstream: 'stream-up' })}`);
    await pipelineWhere('stream-down', () => true, 'the stream');

    write('stream.yml', `${yamlPipeline('stream-up')}---\n${yamlPipeline('stream-down', { upstream: 'stream-nowhere' })}`);
    const status = await eventually(
      async () => ((await fileStatus('stream.yml'))?.status === 'invalid' ? fileStatus('stream.yml') : undefined),
      60_000,
      'the stream error',
    );

    expect(status.errors).toEqual({ 'documents[1].materials[0].pipeline': ["no pipeline named 'stream-nowhere'"] });
    expect(status.pipelines).toEqual(['stream-down', 'stream-up']);
  });

  it('takes secure variables encrypted with POST /api/encrypt', async () => {
    const encrypted = (await app.api.post('/api/encrypt', { value: 'file-secret', pipeline: 'with-secret', variable: 'TOKEN' })).body.encrypted_value;
    const misplaced = (await app.api.post('/api/encrypt', { value: 'file-secret', pipeline: 'elsewhere', variable: 'TOKEN' })).body.encrypted_value;

    write('secret.yaml', `${yamlPipeline('with-secret')}secure_environment: { TOKEN: { encrypted_value: "${encrypted}" } }\n`);
    write('misplaced.yaml', `${yamlPipeline('misplaced')}secure_environment: { TOKEN: { encrypted_value: "${misplaced}" } }\n`);
    const loaded = await pipelineWhere('with-secret', () => true, 'secret.yaml');
    const status = await eventually(async () => fileStatus('misplaced.yaml'), 60_000, 'misplaced.yaml');

    expect(loaded.body.secure_environment).toEqual({ TOKEN: { encrypted_value: encrypted } });
    expect(JSON.stringify(loaded.body)).not.toContain('file-secret');
    expect(Object.keys(status.errors)).toEqual(['secure_environment.TOKEN']);
  });

  it('takes the names a trigger may override, and refuses a file that lists a protected one', async () => {
    const jobLevel = yamlPipeline('job-path').replace('      - name: smoke\n', '      - name: smoke\n        overridable: [DRY_RUN, PATH]\n');

    write('overridable.yaml', `${yamlPipeline('overridable')}overridable: [REGION]\n`);
    write('bash-env.yaml', `${yamlPipeline('bash-env')}overridable: [REGION, BASH_ENV]\n`);
    write('job-path.yaml', jobLevel);
    const loaded = await pipelineWhere('overridable', () => true, 'overridable.yaml');
    const pipelineLevel = await eventually(async () => fileStatus('bash-env.yaml'), 60_000, 'bash-env.yaml');
    const job = await eventually(async () => fileStatus('job-path.yaml'), 60_000, 'job-path.yaml');

    expect(loaded.body.overridable).toEqual(['REGION']);
    expect(pipelineLevel.status).toBe('invalid');
    expect(pipelineLevel.errors['overridable[1]'][0]).toContain('BASH_ENV can never be overridden');
    expect(job.status).toBe('invalid');
    expect(Object.keys(job.errors)).toEqual(['stages[0].jobs[0].overridable[1]']);
    expect((await app.api.get('/api/pipelines/bash-env')).status).toBe(404);
  });

  it('refuses a file pipeline whose name an API pipeline has', async () => {
    await app.api.post('/api/pipelines', { name: 'api-owned', materials: [{ package: { repository: 'epel', package: 'scrt' } }], stages: ONE_STAGE });

    write('clash.yaml', yamlPipeline('api-owned', { region: 'from-file' }));
    const status = await eventually(async () => fileStatus('clash.yaml'), 60_000, 'the clash report');

    expect(status.status).toBe('invalid');
    expect(status.errors.name[0]).toContain('managed over the API');
    const kept = (await app.api.get('/api/pipelines/api-owned')).body;
    expect(kept.source).toBe('api');
    expect(kept.environment).toBeUndefined();
  });

  it('removes the pipelines of a deleted file, unless another pipeline depends on one', async () => {
    write('lonely.yaml', yamlPipeline('lonely'));
    write('needed.yaml', yamlPipeline('needed'));
    await pipelineWhere('needed', () => true, 'needed.yaml');
    await pipelineWhere('lonely', () => true, 'lonely.yaml');
    await app.api.post('/api/pipelines', { name: 'needs-it', materials: [{ pipeline: 'needed', stage: 'qa' }], stages: ONE_STAGE });

    fs.rmSync(path.join(dir, 'lonely.yaml'));
    fs.rmSync(path.join(dir, 'needed.yaml'));
    await eventually(async () => ((await app.api.get('/api/pipelines/lonely')).status === 404 ? true : undefined), 60_000, 'lonely removed');
    // The two deletions may reach the watcher one at a time: wait for the one of needed.yaml.
    const status = await eventually(
      async () => {
        const report = await fileStatus('needed.yaml');
        return report?.status === 'ok' ? undefined : report;
      },
      60_000,
      'the report of the deleted file',
    );

    expect(status).toMatchObject({ status: 'invalid', pipelines: ['needed'] });
    expect(status.errors.pipelines[0]).toContain("'needs-it'");
    expect((await app.api.get('/api/pipelines/needed')).status).toBe(200);
    expect(await fileStatus('lonely.yaml')).toBeUndefined();
  });

  it('applies the same folder from two watchers without rewriting what is already in force', async () => {
    write('shared.yaml', yamlPipeline('shared'));
    const first = await pipelineWhere('shared', () => true, 'shared.yaml');
    const second = await startPipelinesApp(baton, { configDir: dir });

    await second.configFiles!.rescan();
    await app.configFiles!.rescan();
    await second.close();

    const after = await app.api.get('/api/pipelines/shared');
    const audit = await app.api.get('/api/audit?resource_type=pipeline&resource_id=shared');
    expect(after.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(audit.body.entries.map((e: { action: string; actor: string }) => `${e.action} by ${e.actor}`)).toEqual([
      'pipeline.create by config-file:shared.yaml',
    ]);
  });
});
