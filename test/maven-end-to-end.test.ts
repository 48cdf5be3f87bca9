import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';
import { deploy, ScratchFolders, startBearerGate, startGate, type Gate } from '../plugins/maven/test/support/repositories';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { startTestServer, type TestServer } from './support/test-server';

const GROUP = 'org.example.tools';
const ARTIFACT = 'tool';
const USER = { username: 'deployer', password: `pw-${randomBytes(6).toString('hex')}` };
const TOKEN = `maven-token-${randomBytes(6).toString('hex')}`;
const jarPath = (version: string) => `/org/example/tools/tool/${version}/tool-${version}.jar`;

/** A repository folder as `mvn deploy` leaves it: the artifact's metadata lists every version deployed so far. */
class DeployedRepository {
  readonly versions: string[] = [];

  constructor(readonly dir: string) {}

  /** Deploys a version (jar, POM, .sha256 and .sha1 sidecars); a tampered jar no longer matches its sidecars. */
  deploy(version: string, options: { tampered?: boolean } = {}): Buffer {
    const jar = deploy(this.dir, ARTIFACT, version, { sidecars: ['sha256', 'sha1'] }, GROUP);
    if (options.tampered) writeFileSync(jar, randomBytes(64));
    this.versions.push(version);
    this.writeMetadata();
    return readFileSync(jar);
  }

  private writeMetadata(): void {
    const folder = path.join(this.dir, ...GROUP.split('.'), ARTIFACT);
    mkdirSync(folder, { recursive: true });
    const last = this.versions[this.versions.length - 1] ?? '';
    const listed = this.versions.map((version) => `      <version>${version}</version>`).join('\n');
    writeFileSync(
      path.join(folder, 'maven-metadata.xml'),
      `<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>${GROUP}</groupId>
  <artifactId>${ARTIFACT}</artifactId>
  <versioning>
    <latest>${last}</latest>
    <release>${last}</release>
    <versions>
${listed}
    </versions>
    <lastUpdated>2026110${this.versions.length}120000</lastUpdated>
  </versioning>
</metadata>
`,
    );
  }
}

/**
 * The Maven plugin through the server: a version deployed to a loopback repository that wants
 * Basic auth (and one that wants a Bearer token) triggers a pipeline whose job fetches the jar with
 * the repository's credentials, sent to its origin only, and verifies the checksum its sidecar
 * gives; a jar that does not match its sidecar fails the job.
 */
describe.each(DATABASE_KINDS)('Maven artifacts end to end [%s]', (kind) => {
  const folders = new ScratchFolders();
  let repository: DeployedRepository;
  let origin: FixtureServer;
  let mirror: FixtureServer;
  let gate: Gate;
  let baton: TestServer;
  let packageId: string;

  /** A repository, its package of tool and a pipeline `<name>-release` whose job fetches the jar. */
  const watch = async (name: string, url: string, credentials: { key: string; value: string }[]): Promise<string> => {
    const repo = await baton.api.post('/api/repositories', { name, plugin_id: 'maven', configuration: [{ key: 'REPO_URL', value: url }, ...credentials] });
    const pkg = await baton.api.post('/api/packages', {
      name: `${name}-tool`,
      repository_id: repo.body.id,
      configuration: [
        { key: 'GROUP_ID', value: GROUP },
        { key: 'ARTIFACT_ID', value: ARTIFACT },
      ],
      auto_update: false,
    });
    const jobs = [
      { name: 'jar', tasks: [{ fetch_package: { material: 'tool', destination: 'lib' } }, { exec: { command: 'sh', arguments: ['-c', 'sha256sum lib/*'] } }] },
    ];
    const created = await baton.api.post('/api/pipelines', {
      name: `${name}-release`,
      materials: [{ name: 'tool', package: { repository: name, package: `${name}-tool` } }],
      stages: [{ name: 'fetch', jobs }],
    });
    if (created.status !== 201) throw new Error(`could not create the pipeline: ${JSON.stringify(created.body)}`);
    return pkg.body.id as string;
  };
  const poll = async (packageId: string) => (await baton.api.post(`/api/packages/${packageId}/poll?wait=120`)).body;
  const buildOf = (pipeline: string, counter: number) =>
    eventually(
      async () => {
        const run = (await baton.api.get(`/api/pipelines/${pipeline}/runs/${counter}`)).body;
        const fetch = run.stages?.find((s: { name: string }) => s.name === 'fetch');
        return ['passed', 'failed'].includes(fetch?.state) ? (fetch.state as string) : undefined;
      },
      60_000,
      `run ${counter} of ${pipeline} to end`,
    );
  const consoleOf = async (pipeline: string, counter: number) => {
    const response = await fetch(`${baton.url}/api/pipelines/${pipeline}/runs/${counter}/stages/fetch/jobs/jar/console`, {
      headers: { authorization: `Bearer ${baton.adminToken}` },
    });
    return response.text();
  };
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const jarGets = (server: FixtureServer, version: string) => server.requests.filter((r) => r.method === 'GET' && r.path === jarPath(version));

  beforeAll(async () => {
    repository = new DeployedRepository(folders.copy());
    repository.deploy('1.0');
    origin = await startFixtureServer(repository.dir, { auth: USER });
    mirror = await startFixtureServer(repository.dir);
    // The repository's own origin sends the jar of 1.1 to a mirror on another origin, as managers backed by a CDN do.
    gate = await startGate(origin.url, (request) =>
      new URL(request.url ?? '/', origin.url).pathname === jarPath('1.1')
        ? { status: 302, headers: { location: new URL(jarPath('1.1'), mirror.url).href } }
        : null,
    );
    baton = await startTestServer(kind, { plugins: [] });
  });

  afterAll(async () => {
    await baton?.destroy();
    await gate?.close();
    await mirror?.close();
    await origin?.close();
    folders.remove();
  });

  it('runs the pipeline for each deployed version; its job fetches the jar with Basic auth to the repository’s origin only, checksum verified', async () => {
    packageId = await watch('team-maven', gate.url, [
      { key: 'USERNAME', value: USER.username },
      { key: 'PASSWORD', value: USER.password },
    ]);
    const checked = await baton.api.post(`/api/packages/${packageId}/check-connection`);

    const first = await poll(packageId);
    const one = await buildOf('team-maven-release', 1);
    const second = await poll(packageId);
    const bytes = repository.deploy('1.1');
    const third = await poll(packageId);
    const two = await buildOf('team-maven-release', 2);
    const [console1, console2] = [await consoleOf('team-maven-release', 1), await consoleOf('team-maven-release', 2)];

    expect(checked.body).toMatchObject({ ok: true, messages: [`Found artifact '${GROUP}:${ARTIFACT}:1.0'.`] });
    expect(first).toMatchObject({ outcome: 'new_revision', revision: { revision: '1.0', data: { CHECKSUM: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) } } });
    expect(second.outcome).toBe('no_change');
    expect(third).toMatchObject({ outcome: 'new_revision', revision: { revision: '1.1', data: { CHECKSUM: `sha256:${sha256(bytes)}` } } });
    expect([one, two]).toEqual(['passed', 'passed']);
    expect(console1).toContain('sha256 checksum verified');
    expect(console2).toContain('sha256 checksum verified');
    expect(console2).toContain(`${sha256(bytes)}  lib/tool-1.1.jar`);
    expect(`${console1}${console2}`).not.toContain(USER.password);
    const basic = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
    expect(jarGets(origin, '1.0').map((r) => [r.status, r.headers.authorization])).toEqual([[200, basic]]);
    expect(gate.seen.filter((line) => line === `GET ${jarPath('1.1')}`)).toHaveLength(1);
    expect(jarGets(mirror, '1.1').map((r) => [r.status, r.headers.authorization])).toEqual([[200, undefined]]);
    expect(mirror.requests.filter((r) => r.headers.authorization !== undefined)).toEqual([]);
  });

  it('fetches the jar with a Bearer token from a repository that wants one', async () => {
    const open = await startFixtureServer(repository.dir);
    const bearer = await startBearerGate(open.url, TOKEN);
    try {
      const packageId = await watch('token-maven', bearer.url, [{ key: 'AUTH_TOKEN', value: TOKEN }]);

      const polled = await poll(packageId);
      const run = await buildOf('token-maven-release', 1);

      expect(polled).toMatchObject({ outcome: 'new_revision', revision: { revision: '1.1' } });
      expect(run).toBe('passed');
      expect(jarGets(open, '1.1').map((r) => [r.status, r.headers.authorization])).toEqual([[200, `Bearer ${TOKEN}`]]);
      expect(await consoleOf('token-maven-release', 1)).not.toContain(TOKEN);
    } finally {
      await bearer.close();
      await open.close();
    }
  });

  it('fails the job when the jar does not match its sidecar', async () => {
    repository.deploy('1.2', { tampered: true });

    const polled = await poll(packageId);
    const three = await buildOf('team-maven-release', 3);

    expect(polled).toMatchObject({ outcome: 'new_revision', revision: { revision: '1.2' } });
    expect(three).toBe('failed');
    expect(await consoleOf('team-maven-release', 3)).toMatch(/the download of \S+tool-1\.2\.jar does not match its CHECKSUM/);
  });
});
