import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';
import { fixturePrimaryXml, ScratchFolders } from '../plugins/yum/test/support/repositories';
import { ApiClient } from './support/api-client';
import { spawnBaton, type BatonProcess } from './support/baton-process';
import { createTestDatabase, type TestDatabase } from './support/databases';
import { eventually } from './support/eventually';
import { isAlive } from './support/processes';

const JOB_USER = 'baton-job';
const HREF = 'main/scrt_0.3.3_linux_x86_64.rpm';
const PAYLOAD = randomBytes(4096);
/** In the server's environment only: a job that could read /proc/<server pid>/environ would see it. */
const SERVER_MARKER = `server-only-${randomBytes(8).toString('hex')}`;

function uidOf(user: string): number | null {
  try {
    return Number(execFileSync('id', ['-u', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return null;
  }
}

/** The scrt fixture's primary, with the x86_64 0.3.3 package's checksum made that of the payload. */
function primaryWithPayload(): string {
  const xml = fixturePrimaryXml('scrt-yum').toString('utf8');
  const at = xml.indexOf(`<location href="${HREF}"/>`);
  const start = xml.lastIndexOf('<package ', at);
  const entry = xml.slice(start, at).replace(/pkgid="YES">[0-9a-f]+</, `pkgid="YES">${createHash('sha256').update(PAYLOAD).digest('hex')}<`);
  return xml.slice(0, start) + entry + xml.slice(at);
}

/** For each path: READ when the job could read it, DENIED otherwise. */
const PROBE = [
  'for f in "$@"; do if cat "$f" >/dev/null 2>&1; then echo "READ $f"; else echo "DENIED $f"; fi; done',
  'echo "uid $(id -u)"',
  'echo mine > own-file && echo "WROTE own-file"',
  'sha256sum pkg/*',
  'ls -ln pkg',
].join('\n');

const jobUid = uidOf(JOB_USER);
const runsHere = process.getuid?.() === 0 && jobUid !== null;
const describeAsRoot = runsHere ? describe : describe.skip;
const reason = runsHere ? '' : ` (skipped: needs root and the user ${JOB_USER}, as in CI)`;

/**
 * A real Baton process, started with BATON_JOB_USER, runs a job that fetches a package and then
 * tries to read the server's secrets: the admin token, the secret key, the database's files and
 * the server's own environment.
 */
describeAsRoot(`jobs run as BATON_JOB_USER [embedded]${reason}`, () => {
  const folders = new ScratchFolders();
  let repository: FixtureServer;
  let database: TestDatabase;
  let baton: BatonProcess;
  let api: ApiClient;

  beforeAll(async () => {
    const dir = folders.repositoryOf(primaryWithPayload(), 'gzip');
    fs.mkdirSync(path.join(dir, 'main'), { recursive: true });
    fs.writeFileSync(path.join(dir, HREF), PAYLOAD);
    repository = await startFixtureServer(dir);
    database = await createTestDatabase('embedded');
    baton = spawnBaton({ BATON_DATA_DIR: database.dataDir, BATON_JOB_USER: JOB_USER, BATON_SHUTDOWN_DELAY_SECONDS: '0', SERVER_MARKER });
    const url = await baton.listening;
    api = await ApiClient.connect(url, fs.readFileSync(path.join(database.dataDir, 'admin-token'), 'utf8').trim());
  }, 300_000);

  afterAll(async () => {
    if (baton) {
      baton.child.kill('SIGTERM');
      await baton.exited;
    }
    await database?.drop();
    await repository?.close();
    folders.remove();
  });

  it('reaches its folder and its package, and none of the server’s secrets', async () => {
    const secrets = [
      path.join(database.dataDir, 'admin-token'),
      path.join(database.dataDir, 'secret.key'),
      path.join(database.dataDir, 'pgdata', 'global', 'pg_control'),
      `/proc/${baton.child.pid}/environ`,
    ];
    const repo = await api.post('/api/repositories', { name: 'scrt-yum', plugin_id: 'yum', configuration: [{ key: 'REPO_URL', value: repository.url }] });
    const pkg = await api.post('/api/packages', {
      name: 'scrt',
      repository_id: repo.body.id,
      configuration: [{ key: 'PACKAGE_SPEC', value: 'scrt.x86_64' }],
      auto_update: false,
    });
    await api.post('/api/pipelines', {
      name: 'probe',
      materials: [{ name: 'scrt', package: { repository: 'scrt-yum', package: 'scrt' } }],
      stages: [
        {
          name: 'build',
          jobs: [
            {
              name: 'probe',
              tasks: [{ fetch_package: { material: 'scrt', destination: 'pkg' } }, { exec: { command: 'sh', arguments: ['-c', PROBE, 'probe', ...secrets] } }],
            },
          ],
        },
      ],
    });

    await api.post(`/api/packages/${pkg.body.id}/poll?wait=120`);
    const stage = await eventually(
      async () => {
        const run = await api.get('/api/pipelines/probe/runs/1');
        const build = run.status === 200 ? run.body.stages?.find((s: { name: string }) => s.name === 'build') : undefined;
        return ['passed', 'failed'].includes(build?.state) ? build : undefined;
      },
      60_000,
      'the probe job to end',
    );
    const console = (await api.get('/api/pipelines/probe/runs/1/stages/build/jobs/probe/console?follow=false')).body as string;
    const environ = fs.readFileSync(`/proc/${baton.child.pid}/environ`, 'utf8');

    expect(stage.state).toBe('passed');
    for (const secret of secrets) expect(fs.existsSync(secret)).toBe(true);
    expect(environ).toContain(SERVER_MARKER);
    for (const secret of secrets) expect(console).toContain(`DENIED ${secret}`);
    expect(console).not.toMatch(/^READ /m);
    expect(console).not.toContain(SERVER_MARKER);
    expect(console).toContain(`uid ${jobUid}`);
    expect(console).toContain('WROTE own-file');
    expect(console).toContain(`${createHash('sha256').update(PAYLOAD).digest('hex')}  pkg/scrt_0.3.3_linux_x86_64.rpm`);
    expect(console).toMatch(new RegExp(`^-\\S+ +1 +${jobUid} .* scrt_0\\.3\\.3_linux_x86_64\\.rpm$`, 'm'));
  }, 300_000);

  it('is still stopped, with everything it started, when it times out', async () => {
    const created = await api.post('/api/pipelines', {
      name: 'hang',
      materials: [{ name: 'scrt', package: { repository: 'scrt-yum', package: 'scrt' }, auto_trigger: false }],
      stages: [
        {
          name: 'run',
          jobs: [{ name: 'hang', tasks: [{ exec: { command: 'sh', arguments: ['-c', 'sleep 600 & echo "child $!"; wait'], timeout_seconds: 5 } }] }],
        },
      ],
    });

    const triggered = await api.post('/api/pipelines/hang/runs', {});
    const stage = await eventually(
      async () => {
        const run = await api.get('/api/pipelines/hang/runs/1');
        const found = run.status === 200 ? run.body.stages?.find((s: { name: string }) => s.name === 'run') : undefined;
        return ['passed', 'failed'].includes(found?.state) ? found : undefined;
      },
      60_000,
      'the hanging job to be stopped',
    );
    const console = (await api.get('/api/pipelines/hang/runs/1/stages/run/jobs/hang/console?follow=false')).body as string;
    const child = Number(/^child (\d+)$/m.exec(console)?.[1]);

    expect([created.status, triggered.status]).toEqual([201, 201]);
    expect(stage.state).toBe('failed');
    expect(stage.jobs[0].result).toContain('timed out after 5 s');
    expect(child).toBeGreaterThan(1);
    expect(isAlive(child)).toBe(false);
  }, 300_000);
});
