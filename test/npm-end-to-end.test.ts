import { createHash, randomBytes } from 'node:crypto';
import { startRegistry, type RegistryServer } from '../plugins/npm/test/support/registry-server';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { startTestServer, type TestServer } from './support/test-server';

const TOKEN = `npm-token-${randomBytes(6).toString('hex')}`;
const NAME = '@team/tool';

/** A packument of `@team/tool` with these versions, each with its tarball's integrity (or a wrong one). */
function packument(registry: RegistryServer, versions: { version: string; bytes: Buffer; integrityOf?: Buffer }[]): object {
  const entries = versions.map(({ version, bytes, integrityOf }) => [
    version,
    {
      name: NAME,
      version,
      description: 'A tool of the team',
      dist: {
        tarball: `${registry.url}@team/tool/-/tool-${version}.tgz`,
        integrity: `sha512-${createHash('sha512')
          .update(integrityOf ?? bytes)
          .digest('base64')}`,
        shasum: createHash('sha1').update(bytes).digest('hex'),
      },
    },
  ]);
  const latest = versions[versions.length - 1]?.version;
  return {
    name: NAME,
    'dist-tags': { latest },
    versions: Object.fromEntries(entries),
    time: Object.fromEntries(versions.map(({ version }, i) => [version, new Date(Date.UTC(2026, 10, 1 + i)).toISOString()])),
  };
}

/**
 * The npm plugin through the server: a version published to a loopback registry that wants a
 * token triggers a pipeline whose job fetches the tarball with the token (Bearer) and checks its
 * integrity; a tarball that does not match what the registry says of it fails the job.
 */
describe.each(DATABASE_KINDS)('npm packages end to end [%s]', (kind) => {
  let registry: RegistryServer;
  let baton: TestServer;
  let packageId: string;
  const published: { version: string; bytes: Buffer; integrityOf?: Buffer }[] = [];

  const publish = (version: string, options: { tampered?: boolean } = {}) => {
    const bytes = randomBytes(50_000);
    registry.options.canned.set(`/npm/@team/tool/-/tool-${version}.tgz`, { body: bytes, contentType: 'application/octet-stream' });
    published.push({ version, bytes, ...(options.tampered && { integrityOf: randomBytes(16) }) });
    registry.publish(packument(registry, published));
    return bytes;
  };
  const buildOf = (counter: number) =>
    eventually(
      async () => {
        const run = (await baton.api.get(`/api/pipelines/tool-release/runs/${counter}`)).body;
        const fetch = run.stages?.find((s: { name: string }) => s.name === 'fetch');
        return ['passed', 'failed'].includes(fetch?.state) ? { run, fetch } : undefined;
      },
      60_000,
      `run ${counter}'s fetch stage to end`,
    );
  const consoleOf = async (counter: number) => {
    const response = await fetch(`${baton.url}/api/pipelines/tool-release/runs/${counter}/stages/fetch/jobs/tarball/console`, {
      headers: { authorization: `Bearer ${baton.adminToken}` },
    });
    return response.text();
  };

  beforeAll(async () => {
    registry = await startRegistry(new Map(), { authorization: `Bearer ${TOKEN}` });
    publish('1.0.0');
    baton = await startTestServer(kind, { plugins: [] });
    const repo = await baton.api.post('/api/repositories', {
      name: 'team-registry',
      plugin_id: 'npm',
      configuration: [
        { key: 'REGISTRY_URL', value: registry.url },
        { key: 'AUTH_TOKEN', value: TOKEN },
      ],
    });
    const pkg = await baton.api.post('/api/packages', {
      name: 'tool',
      repository_id: repo.body.id,
      configuration: [{ key: 'PACKAGE_NAME', value: NAME }],
      auto_update: false,
    });
    packageId = pkg.body.id;
    const created = await baton.api.post('/api/pipelines', {
      name: 'tool-release',
      materials: [{ name: 'tool', package: { repository: 'team-registry', package: 'tool' } }],
      stages: [
        {
          name: 'fetch',
          jobs: [
            {
              name: 'tarball',
              tasks: [{ fetch_package: { material: 'tool', destination: 'pkg' } }, { exec: { command: 'sh', arguments: ['-c', 'sha512sum pkg/*'] } }],
            },
          ],
        },
      ],
    });
    if (created.status !== 201) throw new Error(`could not create the pipeline: ${JSON.stringify(created.body)}`);
  });

  afterAll(async () => {
    await baton?.destroy();
    await registry?.close();
  });

  it('finds the package with the repository’s token, and says so in its connection check', async () => {
    const checked = await baton.api.post(`/api/packages/${packageId}/check-connection`);

    expect(checked.body).toMatchObject({ ok: true, messages: [`Found package '${NAME}@1.0.0'.`] });
  });

  it('runs the pipeline for each new version; its job fetches the tarball with the token and checks its integrity', async () => {
    const first = await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);
    const bytes = publish('1.1.0');
    const second = await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);

    const [one, two] = [await buildOf(1), await buildOf(2)];
    const text = await consoleOf(2);

    expect(first.body).toMatchObject({ outcome: 'new_revision', revision: { revision: '1.0.0' } });
    expect(second.body).toMatchObject({ outcome: 'new_revision', revision: { revision: '1.1.0', data: { INTEGRITY: expect.stringMatching(/^sha512-/) } } });
    expect([one.fetch.state, two.fetch.state]).toEqual(['passed', 'passed']);
    expect(text).toContain('sha512 checksum and sha512 integrity verified');
    expect(text).toContain(`${createHash('sha512').update(bytes).digest('hex')}  pkg/tool-1.1.0.tgz`);
    expect(text).not.toContain(TOKEN);
    const download = registry.requests.filter((r) => r.path === '/npm/@team/tool/-/tool-1.1.0.tgz');
    expect(download.map((r) => [r.status, r.headers.authorization])).toEqual([[200, `Bearer ${TOKEN}`]]);
  });

  it('fails the job, keeping no file, when the tarball does not match the integrity the registry gives', async () => {
    publish('1.2.0', { tampered: true });
    await baton.api.post(`/api/packages/${packageId}/poll?wait=120`);

    const three = await buildOf(3);

    expect(three.fetch.state).toBe('failed');
    expect(await consoleOf(3)).toMatch(/the download of \S+tool-1\.2\.0\.tgz does not match its (CHECKSUM|INTEGRITY)/);
  });
});
