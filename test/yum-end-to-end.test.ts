import { ScratchFolders, fileUrl, publishNewer } from '../plugins/yum/test/support/repositories';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';
import { DATABASE_KINDS } from './support/databases';
import { startTestServer, type TestServer } from './support/test-server';

/** The bundled yum plugin through the server: register, poll, publish a newer package, poll again. */
describe.each(DATABASE_KINDS)('yum repositories end to end [%s]', (kind) => {
  const folders = new ScratchFolders();
  let dir: string;
  let fileDir: string;
  let repository: FixtureServer;
  let baton: TestServer;

  beforeAll(async () => {
    dir = folders.copy('scrt-yum');
    fileDir = folders.copy('moosync');
    repository = await startFixtureServer(dir);
    baton = await startTestServer(kind, { plugins: [], env: { BATON_FILE_REPO_ROOTS: fileDir } });
  });

  afterAll(async () => {
    await baton?.destroy();
    await repository?.close();
    folders.remove();
  });

  it('lists the bundled yum plugin with its configuration', async () => {
    const plugin = (await baton.api.get('/api/plugins/yum')).body;

    expect(plugin).toMatchObject({ id: 'yum', source: 'bundled', status: 'ok', capabilities: { batch: true } });
    expect(plugin.repository_configuration.map((p: { key: string }) => p.key)).toEqual(['REPO_URL', 'USERNAME', 'PASSWORD', 'GPG_KEY']);
    expect(plugin.package_configuration.map((p: { key: string }) => p.key)).toEqual(['PACKAGE_SPEC']);
  });

  it('finds a package, then a newer one once it is published', async () => {
    const repo = await baton.api.post('/api/repositories', { name: 'scrt-yum', plugin_id: 'yum', configuration: [{ key: 'REPO_URL', value: repository.url }] });
    const checked = await baton.api.post(`/api/repositories/${repo.body.id}/check-connection`);
    const pkg = await baton.api.post('/api/packages', {
      name: 'scrt',
      repository_id: repo.body.id,
      configuration: [{ key: 'PACKAGE_SPEC', value: 'scrt.x86_64' }],
      auto_update: false,
    });
    const packageCheck = await baton.api.post(`/api/packages/${pkg.body.id}/check-connection`);

    const first = await baton.api.post(`/api/packages/${pkg.body.id}/poll?wait=120`);
    publishNewer(dir, '0.4.0');
    const second = await baton.api.post(`/api/packages/${pkg.body.id}/poll?wait=120`);
    const history = await baton.api.get(`/api/packages/${pkg.body.id}/revisions`);

    expect(checked.body).toEqual({
      ok: true,
      messages: [`Successfully accessed repository metadata at ${repository.url}repodata/repomd.xml (revision 1654609942)`],
    });
    expect(packageCheck.body.messages).toEqual(["Found package 'scrt-0.3.3-1.x86_64'."]);
    expect(first.body).toMatchObject({ outcome: 'new_revision', revision: { revision: 'scrt-0.3.3-1.x86_64', data: { VERSION: '0.3.3', ARCH: 'x86_64' } } });
    expect(first.body.revision.data.LOCATION).toMatch(new RegExp(`^${repository.url}main/.+\\.rpm$`));
    expect(first.body.revision.data.CHECKSUM).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(second.body).toMatchObject({ outcome: 'new_revision', revision: { revision: 'scrt-0.4.0-1.x86_64' } });
    expect(history.body.revisions.map((r: { revision: string }) => r.revision)).toEqual(['scrt-0.4.0-1.x86_64', 'scrt-0.3.3-1.x86_64']);
  });

  it('reads a repository from a file: URL under the allowed roots, and refuses one outside them', async () => {
    const allowed = await baton.api.post('/api/repositories', {
      name: 'moosync-local',
      plugin_id: 'yum',
      configuration: [{ key: 'REPO_URL', value: fileUrl(fileDir) }],
    });
    const pkg = await baton.api.post('/api/packages', {
      name: 'moosync',
      repository_id: allowed.body.id,
      configuration: [{ key: 'PACKAGE_SPEC', value: 'moosync' }],
      auto_update: false,
    });
    const outside = await baton.api.post('/api/repositories/check-connection', { plugin_id: 'yum', configuration: [{ key: 'REPO_URL', value: fileUrl(dir) }] });

    const polled = await baton.api.post(`/api/packages/${pkg.body.id}/poll?wait=120`);

    expect(polled.body).toMatchObject({ outcome: 'new_revision', revision: { revision: expect.stringMatching(/^moosync-11\.0\.2-1\./) } });
    expect(outside.body.ok).toBe(false);
    expect(outside.body.messages.join(' ')).toContain('BATON_FILE_REPO_ROOTS');
  });

  it('says in the poll status, and in the connection check, that a spec matches nothing, naming the closest names', async () => {
    const repo = await baton.api.post('/api/repositories', {
      name: 'scrt-typo',
      plugin_id: 'yum',
      configuration: [{ key: 'REPO_URL', value: repository.url }],
    });
    const pkg = await baton.api.post('/api/packages', {
      name: 'scrt-agent',
      repository_id: repo.body.id,
      configuration: [{ key: 'PACKAGE_SPEC', value: 'scrt-agent' }],
      auto_update: false,
    });

    const polled = await baton.api.post(`/api/packages/${pkg.body.id}/poll?wait=120`);
    const status = await baton.api.get(`/api/packages/${pkg.body.id}`);
    const checked = await baton.api.post(`/api/packages/${pkg.body.id}/check-connection`);

    expect(polled.body.outcome).toBe('no_change');
    expect(status.body.poll.warnings).toEqual(["no package matches 'scrt-agent' in this repository; the closest names are: scrt"]);
    expect(checked.body).toMatchObject({
      ok: false,
      messages: [`No package in ${repository.url} matches the spec 'scrt-agent'; the closest names are: scrt.`],
    });
  });
});
