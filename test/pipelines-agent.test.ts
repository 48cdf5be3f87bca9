import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Settings } from '../server/src/config/settings';
import { TOKENS } from '../server/src/injection-tokens';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';
import { fixturePrimaryXml, ScratchFolders } from '../plugins/yum/test/support/repositories';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { awaitGate, Gates } from './support/gates';
import { isAlive } from './support/processes';
import { startTestServer, type TestServer } from './support/test-server';

const HREF = 'main/scrt_0.3.3_linux_x86_64.rpm';
const PAYLOAD = randomBytes(4096);
const REPOSITORY_PASSWORD = `repo-pass-${randomBytes(6).toString('hex')}`;
const DEPLOY_TOKEN = `deploy-${randomBytes(6).toString('hex')}`;
/** Set in this process while the suite runs: a job must never see it. */
const SERVER_ONLY = { name: 'BATON_SECRET_KEY', value: randomBytes(32).toString('base64') };

/** The scrt fixture's primary, with the x86_64 0.3.3 package's checksum made that of `payload`. */
function primaryFor(payload: Buffer): string {
  const xml = fixturePrimaryXml('scrt-yum').toString('utf8');
  const at = xml.indexOf(`<location href="${HREF}"/>`);
  const start = xml.lastIndexOf('<package ', at);
  const entry = xml.slice(start, at).replace(/pkgid="YES">[0-9a-f]+</, `pkgid="YES">${createHash('sha256').update(payload).digest('hex')}<`);
  return xml.slice(0, start) + entry + xml.slice(at);
}

/**
 * The whole flow through one server with its built-in agent: a yum repository's package
 * revision triggers a pipeline whose jobs fetch the package and run commands; qa follows build by
 * itself, production waits for a release manager; consoles are followed live; a job that
 * outlives its timeout, or is cancelled, has its processes killed.
 */
describe.each(DATABASE_KINDS)('pipelines run by the built-in agent [%s]', (kind) => {
  const folders = new ScratchFolders();
  let repository: FixtureServer;
  let baton: TestServer;
  let workDir: string;
  let packageId: string;
  let previous: string | undefined;
  /** The qa job holds after its third check until this file exists, so that it is seen running however slow the machine. */
  let gates: Gates;

  const consoleOf = async (address: string, follow = false) => {
    const response = await fetch(`${baton.url}/api/pipelines/${address}/console?follow=${follow}`, {
      headers: { authorization: `Bearer ${baton.adminToken}` },
    });
    return { status: response.status, text: await response.text() };
  };
  const run = async (pipeline: string, counter: number) => (await baton.api.get(`/api/pipelines/${pipeline}/runs/${counter}`)).body;
  const stageOf = async (pipeline: string, counter: number, stage: string) =>
    (await run(pipeline, counter)).stages?.find((s: { name: string }) => s.name === stage);
  const stageReaches = (pipeline: string, counter: number, stage: string, states: string[], timeoutMs = 60_000) =>
    eventually(
      async () => {
        const found = await stageOf(pipeline, counter, stage);
        return states.includes(found?.state) ? found : undefined;
      },
      timeoutMs,
      `${pipeline}/${counter}/${stage} to be ${states.join(' or ')}`,
    );
  const createPipeline = async (definition: object) => {
    const created = await baton.api.post('/api/pipelines', definition);
    if (created.status !== 201) throw new Error(`could not create the pipeline: ${JSON.stringify(created.body)}`);
  };
  const trigger = async (pipeline: string) => (await baton.api.post(`/api/pipelines/${pipeline}/runs`, {})).body.counter as number;

  beforeAll(async () => {
    previous = process.env[SERVER_ONLY.name];
    process.env[SERVER_ONLY.name] = SERVER_ONLY.value;
    gates = new Gates();
    const dir = folders.repositoryOf(primaryFor(PAYLOAD), 'gzip');
    fs.mkdirSync(path.join(dir, 'main'), { recursive: true });
    fs.writeFileSync(path.join(dir, HREF), PAYLOAD);
    repository = await startFixtureServer(dir, { auth: { username: 'deployer', password: REPOSITORY_PASSWORD } });
    baton = await startTestServer(kind, { plugins: [] });
    workDir = baton.server.dependencies.resolve<Settings>(TOKENS.settings).workDir;
    const repo = await baton.api.post('/api/repositories', {
      name: 'scrt-yum',
      plugin_id: 'yum',
      configuration: [
        { key: 'REPO_URL', value: repository.url },
        { key: 'USERNAME', value: 'deployer' },
        { key: 'PASSWORD', value: REPOSITORY_PASSWORD },
      ],
    });
    const pkg = await baton.api.post('/api/packages', {
      name: 'scrt',
      repository_id: repo.body.id,
      configuration: [{ key: 'PACKAGE_SPEC', value: 'scrt.x86_64' }],
      auto_update: false,
    });
    packageId = pkg.body.id;
    const token = await baton.api.post('/api/encrypt', { value: DEPLOY_TOKEN, pipeline: 'scrt-release', variable: 'DEPLOY_TOKEN' });
    await createPipeline({
      name: 'scrt-release',
      label_template: '${COUNT}-${scrt}',
      materials: [{ name: 'scrt', package: { repository: 'scrt-yum', package: 'scrt' } }],
      environment: { REGION: 'eu-west-1', QA_GATE: gates.path('qa-may-finish') },
      secure_environment: { DEPLOY_TOKEN: { encrypted_value: token.body.encrypted_value } },
      stages: [
        {
          name: 'build',
          jobs: [
            {
              name: 'fetch',
              tasks: [
                { fetch_package: { material: 'scrt', destination: 'pkg' } },
                { exec: { command: 'sh', arguments: ['-c', 'sha256sum pkg/* && env | sort'] } },
              ],
            },
          ],
        },
        {
          name: 'qa',
          jobs: [
            {
              name: 'smoke',
              tasks: [
                {
                  exec: {
                    command: 'sh',
                    arguments: [
                      '-c',
                      `for i in 1 2 3 4 5 6; do echo "check $i with $DEPLOY_TOKEN"; if [ $i = 3 ]; then ${awaitGate('QA_GATE')}; fi; sleep 0.2; done`,
                    ],
                  },
                },
              ],
            },
          ],
        },
        {
          name: 'production',
          approval: { type: 'manual', roles: [], users: ['release-manager'] },
          jobs: [{ name: 'deploy', tasks: [{ exec: { command: 'sh', arguments: ['-c', 'echo "deploying $GO_PIPELINE_LABEL"'] } }] }],
        },
      ],
    });
  });

  afterAll(async () => {
    await baton?.destroy();
    await repository?.close();
    folders.remove();
    gates?.remove();
    if (previous === undefined) delete process.env[SERVER_ONLY.name];
    else process.env[SERVER_ONLY.name] = previous;
  });

  it('runs the build stage on a new revision: fetches the package, verifies it, and gives the job its environment only', async () => {
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);

    const build = await stageReaches('scrt-release', 1, 'build', ['passed', 'failed']);
    const { text } = await consoleOf('scrt-release/runs/1/stages/build/jobs/fetch');
    const variables = new Map(
      text
        .split('\n')
        .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], m[2]]),
    );

    expect(build.state).toBe('passed');
    expect(text).toContain(`${createHash('sha256').update(PAYLOAD).digest('hex')}  pkg/scrt_0.3.3_linux_x86_64.rpm`);
    expect(variables.get('GO_PACKAGE_SCRT_LABEL')).toBe('scrt-0.3.3-1.x86_64');
    expect(variables.get('GO_PACKAGE_SCRT_LOCATION')).toBe(`${repository.url}${HREF}`);
    expect(variables.get('GO_PIPELINE_LABEL')).toBe('1-scrt-0.3.3-1.x86_64');
    expect(variables.get('GO_REPO_SCRT_USERNAME')).toBe('deployer');
    expect(variables.get('REGION')).toBe('eu-west-1');
    // Secure values reach the job, but the console shows them masked.
    expect(variables.get('GO_REPO_SCRT_PASSWORD')).toMatch(/^\*+$/);
    expect(variables.get('DEPLOY_TOKEN')).toMatch(/^\*+$/);
    expect(text).not.toContain(REPOSITORY_PASSWORD);
    expect(text).not.toContain(DEPLOY_TOKEN);
    // Nothing of the server's own environment, whatever it holds.
    expect(variables.has(SERVER_ONLY.name)).toBe(false);
    expect(text).not.toContain(SERVER_ONLY.value);
    const leaked = Object.keys(process.env).filter((name) => !['PATH', 'HOME', 'PWD', 'SHLVL', '_'].includes(name) && variables.has(name));
    expect(leaked).toEqual([]);
    // The download carried the repository's credentials to the repository's origin.
    const download = repository.requests.find((r) => r.path === `/${HREF}`);
    expect(download?.status).toBe(200);
  });

  it('runs qa by itself after build, and its console can be followed live until the job ends', async () => {
    await stageReaches('scrt-release', 1, 'qa', ['running']);

    const response = await fetch(`${baton.url}/api/pipelines/scrt-release/runs/1/stages/qa/jobs/smoke/console`, {
      headers: { authorization: `Bearer ${baton.adminToken}` },
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let stateWhileReading: string | null = null;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (stateWhileReading === null && text.includes('check 1 ')) {
        stateWhileReading = (await stageOf('scrt-release', 1, 'qa')).jobs[0].state;
        gates.open('qa-may-finish');
      }
    }
    const qa = await stageOf('scrt-release', 1, 'qa');

    expect(response.status).toBe(200);
    expect(stateWhileReading).toBe('running');
    expect(text).toMatch(/check 1 with \*+\n[\s\S]*check 6 with \*+\n/);
    expect(text).not.toContain(DEPLOY_TOKEN);
    expect(qa).toMatchObject({ state: 'passed', jobs: [{ name: 'smoke', state: 'passed' }] });
  });

  it('waits for the release manager at production, then runs it', async () => {
    const waiting = await stageReaches('scrt-release', 1, 'production', ['awaiting_approval']);
    const operator = (await baton.api.post('/api/tokens', { name: 'some-operator', role: 'operator' })).body.token;
    const manager = (await baton.api.post('/api/tokens', { name: 'release-manager', role: 'operator' })).body.token;

    const refused = await baton.api.withToken(operator).post('/api/pipelines/scrt-release/runs/1/stages/production/approve');
    const approved = await baton.api.withToken(manager).post('/api/pipelines/scrt-release/runs/1/stages/production/approve');
    const production = await stageReaches('scrt-release', 1, 'production', ['passed', 'failed']);
    const { text } = await consoleOf('scrt-release/runs/1/stages/production/jobs/deploy');
    const finished = await run('scrt-release', 1);

    expect(waiting.jobs).toEqual([]);
    expect(refused.status).toBe(403);
    expect(approved.status).toBe(200);
    expect(production).toMatchObject({ state: 'passed', approved_by: 'release-manager' });
    expect(text).toContain('deploying 1-scrt-0.3.3-1.x86_64');
    expect(finished.status).toBe('completed');
  });

  it('kills a job that outlives its timeout, with the processes it started, and fails its stage', async () => {
    await createPipeline({
      name: 'slow',
      materials: [{ name: 'scrt', package: { repository: 'scrt-yum', package: 'scrt' }, auto_trigger: false }],
      stages: [
        {
          name: 'run',
          jobs: [{ name: 'hang', tasks: [{ exec: { command: 'sh', arguments: ['-c', 'sleep 60 & echo "child $!"; wait'], timeout_seconds: 5 } }] }],
        },
      ],
    });
    const counter = await trigger('slow');

    const stage = await stageReaches('slow', counter, 'run', ['passed', 'failed']);
    const child = childPid((await consoleOf(`slow/runs/${counter}/stages/run/jobs/hang`)).text);

    expect(stage.state).toBe('failed');
    expect(stage.jobs[0].result).toContain('timed out after 5 s');
    await eventually(async () => (isAlive(child) ? undefined : true), 60_000, `process ${child} to be killed`);
  });

  it('kills the processes of a stage cancelled while its job runs', async () => {
    await createPipeline({
      name: 'cancellable',
      materials: [{ name: 'scrt', package: { repository: 'scrt-yum', package: 'scrt' }, auto_trigger: false }],
      stages: [{ name: 'run', jobs: [{ name: 'wait', tasks: [{ exec: { command: 'sh', arguments: ['-c', 'sleep 60 & echo "child $!"; wait'] } }] }] }],
    });
    const counter = await trigger('cancellable');
    const child = await eventually(async () => {
      const { text } = await consoleOf(`cancellable/runs/${counter}/stages/run/jobs/wait`);
      return /^child \d+$/m.test(text) ? childPid(text) : undefined;
    });

    const following = fetch(`${baton.url}/api/pipelines/cancellable/runs/${counter}/stages/run/jobs/wait/console`, {
      headers: { authorization: `Bearer ${baton.adminToken}` },
    });

    const cancelled = await baton.api.post(`/api/pipelines/cancellable/runs/${counter}/stages/run/cancel`);
    const followed = await (await following).text();

    expect(cancelled.status).toBe(200);
    // The follower stays for the agent's last lines, written after the job became final.
    expect(followed).toContain('stopping its processes');
    expect(followed).toMatch(/\[baton\] job failed: .*the job was cancelled/);
    expect(await stageOf('cancellable', counter, 'run')).toMatchObject({ state: 'cancelled', jobs: [{ state: 'cancelled' }] });
    await eventually(async () => (isAlive(child) ? undefined : true), 60_000, `process ${child} to be killed`);
  });

  it('removes each job’s folder when the job has ended, and the folders it leaves empty', async () => {
    const jobs = ['scrt-release/runs/1/stages/build/jobs/fetch', 'scrt-release/runs/1/stages/qa/jobs/smoke', 'slow/runs/1/stages/run/jobs/hang'];
    const folders = await Promise.all(jobs.map(async (job) => /^\[baton\] job .* in (\/.+)$/m.exec((await consoleOf(job)).text)?.[1]));

    expect(folders.map((folder) => folder && path.relative(workDir, folder))).toEqual([
      path.join('scrt-release', '1', 'build-1', 'fetch'),
      path.join('scrt-release', '1', 'qa-1', 'smoke'),
      path.join('slow', '1', 'run-1', 'hang'),
    ]);
    expect(folders.filter((folder) => fs.existsSync(folder!))).toEqual([]);
    // The cancelled job's folder goes once its processes are gone.
    const left = () => fs.readdirSync(workDir).filter((name) => name !== '+processes');
    await eventually(async () => (left().length === 0 ? true : undefined), 60_000, `${workDir} to hold no job folders`);
  });
});

function childPid(console: string): number {
  const found = /^child (\d+)$/m.exec(console);
  if (!found) throw new Error(`no child pid in the console:\n${console}`);
  return Number(found[1]);
}
