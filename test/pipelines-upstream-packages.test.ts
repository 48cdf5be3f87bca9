import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { LoopbackServers } from './support/loopback-servers';
import { startTestServer, type TestServer } from './support/test-server';

interface Seen {
  path: string;
  authorization: string | undefined;
}

/** Where packages' bytes are served from, with what each request carried. */
interface FileServer {
  origin: string;
  seen: Seen[];
  bytes: Map<string, Buffer>;
}

/** A package repository on loopback: a json-file package list and the packages' bytes, behind Basic authentication. */
interface PackageRepository {
  listUrl: string;
  basic: string;
  files: FileServer;
  /** Lists these versions of `app`, each downloadable from `filesAt` (this repository's origin unless given). */
  publish(versions: string[], filesAt?: FileServer): void;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const shell = (script: string) => ({ exec: { command: 'sh', arguments: ['-c', script] } });
const pass = { name: 'run', tasks: [shell('true')] };
const printEnvironment = shell('env | grep "^GO_" | sort');

/**
 * Packages move on to downstream pipelines that do not declare them: a revision triggers build, qa
 * follows build and waits for a sign-off, production follows qa's sign-off and deploys the
 * package qa tested, by naming `qa/app`; bundle follows two pipelines that each carry a package
 * named `app`, and tells them apart by upstream. Real jobs on the built-in agent fetch the bytes.
 */
describe.each(DATABASE_KINDS)('packages that come with upstream runs [%s]', (kind) => {
  const servers = new LoopbackServers();
  let baton: TestServer;
  let web: PackageRepository;
  let api: PackageRepository;
  let mirror: FileServer;
  const packageIds: Record<string, string> = {};

  const fileServer = async (auth: string | null, other: http.RequestListener = (_req, res) => void res.writeHead(404).end()): Promise<FileServer> => {
    const seen: Seen[] = [];
    const bytes = new Map<string, Buffer>();
    const origin = await servers.serve((req, res) => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
      if (auth !== null && req.headers.authorization !== auth) return void res.writeHead(401).end();
      const file = bytes.get(req.url ?? '');
      if (file) return void res.end(file);
      other(req, res);
    });
    return { origin, seen, bytes };
  };

  const packageRepository = async (name: string): Promise<PackageRepository> => {
    const basic = `Basic ${Buffer.from(`${name}-reader:${name}-secret`).toString('base64')}`;
    let list = '{"packages":{}}';
    const files = await fileServer(basic, (req, res) => void (req.url === '/packages.json' ? res.end(list) : res.writeHead(404).end()));
    return {
      listUrl: `${files.origin}/packages.json`,
      basic,
      files,
      publish(versions, filesAt = files) {
        const entries = versions.map((version, i) => {
          const path = `/files/${name}-app-${version}.tgz`;
          const bytes = filesAt.bytes.get(path) ?? randomBytes(2048);
          filesAt.bytes.set(path, bytes);
          return { version, published: new Date(Date.UTC(2026, 10, 1 + i)).toISOString(), sha256: sha256(bytes), url: `${filesAt.origin}${path}` };
        });
        list = JSON.stringify({ packages: { app: entries } });
      },
    };
  };

  const register = async (repository: PackageRepository, name: string) => {
    const user = `${name}-reader`;
    const created = await baton.api.post('/api/repositories', {
      name,
      plugin_id: 'json-file',
      configuration: [
        { key: 'URL', value: repository.listUrl },
        { key: 'USERNAME', value: user },
        { key: 'PASSWORD', value: `${name}-secret` },
      ],
    });
    const pkg = await baton.api.post('/api/packages', {
      name: 'app',
      repository_id: created.body.id,
      configuration: [{ key: 'NAME', value: 'app' }],
      auto_update: false,
    });
    packageIds[name] = pkg.body.id;
  };
  const createPipeline = async (definition: object) => {
    const created = await baton.api.post('/api/pipelines', definition);
    if (created.status !== 201) throw new Error(`could not create the pipeline: ${JSON.stringify(created.body)}`);
  };
  const poll = (repository: string) => baton.api.post(`/api/packages/${packageIds[repository]}/poll?wait=120`);
  const run = async (pipeline: string, counter: number) => (await baton.api.get(`/api/pipelines/${pipeline}/runs/${counter}`)).body;
  const stageReaches = (pipeline: string, counter: number, stage: string, states: string[]) =>
    eventually(
      async () => {
        const found = (await run(pipeline, counter)).stages?.find((s: { name: string }) => s.name === stage);
        return states.includes(found?.state) ? found : undefined;
      },
      120_000,
      `${pipeline}/${counter}/${stage} to be ${states.join(' or ')}`,
    );
  const consoleOf = async (job: string) =>
    (await fetch(`${baton.url}/api/pipelines/${job}/console?follow=false`, { headers: { authorization: `Bearer ${baton.adminToken}` } })).text();
  const variablesIn = (text: string) =>
    new Map(
      text
        .split('\n')
        .map((line) => /^(GO_[A-Z0-9_]*)=(.*)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], m[2]]),
    );

  beforeAll(async () => {
    web = await packageRepository('web');
    api = await packageRepository('api');
    mirror = await fileServer(null);
    baton = await startTestServer(kind);
    await register(web, 'web');
    await register(api, 'api');
    // Every pipeline exists before any revision does: each run here has a cause the test gives it.
    await createPipeline({
      name: 'build',
      materials: [{ name: 'app', package: { repository: 'web', package: 'app' } }],
      stages: [{ name: 'package', jobs: [pass] }],
    });
    await createPipeline({
      name: 'qa',
      materials: [{ pipeline: 'build', stage: 'package' }],
      stages: [
        { name: 'test', jobs: [{ name: 'smoke', tasks: [{ fetch_package: { material: 'build/app', destination: 'pkg' } }, printEnvironment] }] },
        { name: 'signoff', approval: { type: 'manual' }, jobs: [pass] },
      ],
    });
    await createPipeline({
      name: 'production',
      materials: [{ pipeline: 'qa', stage: 'signoff' }],
      stages: [
        {
          name: 'deploy',
          jobs: [{ name: 'deploy', tasks: [{ fetch_package: { material: 'qa/app', destination: 'pkg' } }, shell('sha256sum pkg/*'), printEnvironment] }],
        },
      ],
    });
    await createPipeline({
      name: 'build-api',
      materials: [{ name: 'app', package: { repository: 'api', package: 'app' } }],
      stages: [{ name: 'package', jobs: [pass] }],
    });
    await createPipeline({
      name: 'bundle',
      materials: [
        { pipeline: 'build', stage: 'package' },
        { pipeline: 'build-api', stage: 'package' },
      ],
      stages: [
        {
          name: 'bundle',
          jobs: [
            {
              name: 'bundle',
              tasks: [
                { fetch_package: { material: 'build/app', destination: 'web' } },
                { fetch_package: { material: 'build-api/app', destination: 'api' } },
                shell('sha256sum web/* api/*'),
                printEnvironment,
              ],
            },
          ],
        },
      ],
    });
  });

  afterAll(async () => {
    await baton?.destroy();
    await servers.closeAll();
  });

  it('deploys in production the exact revision qa tested, though a newer one was built meanwhile', async () => {
    web.publish(['1.0.0']);
    await poll('web');
    await stageReaches('qa', 1, 'signoff', ['awaiting_approval']);
    web.publish(['1.0.0', '1.1.0']);
    await poll('web');
    await stageReaches('qa', 2, 'signoff', ['awaiting_approval']);

    const approved = await baton.api.post('/api/pipelines/qa/runs/1/stages/signoff/approve');
    const deploy = await stageReaches('production', 1, 'deploy', ['passed', 'failed']);
    const production = await run('production', 1);
    const tested = variablesIn(await consoleOf('qa/runs/1/stages/test/jobs/smoke'));
    const text = await consoleOf('production/runs/1/stages/deploy/jobs/deploy');
    const variables = variablesIn(text);

    const built = (await run('build', 1)).build_cause.materials[0];
    expect(approved.status).toBe(200);
    expect(deploy.state).toBe('passed');
    expect(production.build_cause.materials).toEqual([expect.objectContaining({ type: 'pipeline', name: 'qa', counter: 1 })]);
    expect(production.build_cause.upstream_packages).toEqual([
      expect.objectContaining({
        name: 'app',
        upstream: 'qa',
        upstream_name: 'app',
        revision_id: built.revision_id,
        revision: built.revision,
        data: built.data,
      }),
    ]);
    expect(tested.get('GO_PACKAGE_APP_LABEL')).toBe(built.revision);
    expect(variables.get('GO_PACKAGE_APP_LABEL')).toBe(built.revision);
    expect(variables.get('GO_PACKAGE_APP_LOCATION')).toBe(built.data.LOCATION);
    expect(variables.get('GO_REPO_APP_USERNAME')).toBe('web-reader');
    expect(variables.get('GO_DEPENDENCY_LABEL_QA')).toBe((await run('qa', 1)).label);
    expect(variables.get('GO_DEPENDENCY_LOCATOR_QA')).toBe('qa/1/signoff/1');
    const path = new URL(built.data.LOCATION).pathname;
    expect(text).toContain(`${sha256(web.files.bytes.get(path)!)}  pkg/${path.split('/').pop()}`);
    expect(text).toContain('sha256 checksum verified');
    // Fetched twice, by qa's test and by production, each time with the web repository's credentials.
    expect(web.files.seen.filter((s) => s.path === path).map((s) => s.authorization)).toEqual([web.basic, web.basic]);
  });

  it('names the packages of one name that two upstreams bring by their upstream, and fetches each with its own repository’s credentials only', async () => {
    api.publish(['2.0.0'], mirror);
    await poll('api');

    const stage = await stageReaches('bundle', 1, 'bundle', ['passed', 'failed']);
    const bundle = await run('bundle', 1);
    const text = await consoleOf('bundle/runs/1/stages/bundle/jobs/bundle');
    const variables = variablesIn(text);

    const fromBuild = bundle.build_cause.upstream_packages.find((p: { upstream: string }) => p.upstream === 'build');
    const fromApi = bundle.build_cause.upstream_packages.find((p: { upstream: string }) => p.upstream === 'build-api');
    expect(stage.state).toBe('passed');
    expect([fromBuild.name, fromApi.name]).toEqual(['build/app', 'build-api/app']);
    expect(fromBuild.revision).toBe('1.1.0');
    expect(variables.get('GO_PACKAGE_BUILD__APP_LABEL')).toBe(fromBuild.revision);
    expect(variables.get('GO_PACKAGE_BUILD_API__APP_LABEL')).toBe('2.0.0');
    expect(variables.get('GO_REPO_BUILD_API__APP_USERNAME')).toBe('api-reader');
    expect(variables.has('GO_PACKAGE_APP_LABEL')).toBe(false);
    const apiPath = new URL(fromApi.data.LOCATION).pathname;
    expect(text).toContain(`${sha256(mirror.bytes.get(apiPath)!)}  api/${apiPath.split('/').pop()}`);
    expect(text.match(/sha256 checksum verified/g)).toHaveLength(2);
    // The web package went to web's origin with web's credentials; the api package's mirror is not api's origin, and got none.
    expect(web.files.seen.filter((s) => s.path === new URL(fromBuild.data.LOCATION).pathname).map((s) => s.authorization)).toEqual([web.basic, web.basic]);
    expect(mirror.seen.filter((s) => s.path === apiPath).map((s) => s.authorization)).toEqual([undefined]);
    expect(api.files.seen.filter((s) => s.path !== '/packages.json')).toEqual([]);
  });

  it('refuses a fetch_package that names no package an upstream carries, naming those it does', async () => {
    const definition = (material: string) => ({
      name: 'audit',
      materials: [{ pipeline: 'qa', stage: 'signoff' }],
      stages: [{ name: 'check', jobs: [{ name: 'check', tasks: [{ fetch_package: { material } }] }] }],
    });

    const unknown = await baton.api.post('/api/pipelines', definition('qa/ap'));
    const notUpstream = await baton.api.post('/api/pipelines', definition('build/app'));

    const path = 'stages[0].jobs[0].tasks[0].fetch_package.material';
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[path]).toEqual(["pipeline 'qa' carries no package named 'ap' (packages that come with its runs: qa/app)"]);
    expect(notUpstream.status).toBe(422);
    expect(notUpstream.body.errors[path]).toEqual(["'build' is not an upstream pipeline of this pipeline (its upstream pipelines: qa)"]);
  });
});
