import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';
import { deploy, listVersion, ScratchFolders, startHeadRefusingGate, type Gate } from './support/repositories';
import { latest, thrown } from './support/plugin-calls';

const folders = new ScratchFolders();
const jarPath = (version: string) => `/com/imagingbook/imagingbook-common/${version}/imagingbook-common-${version}.jar`;
const common = { ARTIFACT_ID: 'imagingbook-common' };

let server: FixtureServer;
let gate: Gate | null = null;

beforeEach(async () => {
  const dir = folders.copy();
  for (const version of ['3.0', '3.1']) deploy(dir, 'imagingbook-common', version);
  listVersion(dir, 'imagingbook-common', '3.2');
  server = await startFixtureServer(dir);
});
afterEach(async () => {
  await gate?.close();
  gate = null;
  await server.close();
});
afterAll(() => folders.remove());

/** What the gate saw of the artifact files, in order. */
const artifactRequests = (version: string) => (gate?.seen ?? []).filter((line) => line.endsWith(jarPath(version)));

describe('checking that an artifact exists', () => {
  it('asks with HEAD alone where the server answers it', async () => {
    const { revision } = await latest(server.url, common);

    expect(revision?.revision).toBe('3.1');
    expect(server.requests.filter((request) => request.path === jarPath('3.1')).map((request) => request.method)).toEqual(['HEAD']);
  });

  it.each([405, 501])('falls back to GET of the first byte where HEAD is answered %i', async (status) => {
    gate = await startHeadRefusingGate(server.url, status);

    const { revision } = await latest(gate.url, common);

    expect(revision?.revision).toBe('3.1');
    expect(artifactRequests('3.1')).toEqual([`HEAD ${jarPath('3.1')}`, `GET ${jarPath('3.1')}`]);
    expect(server.requests.find((request) => request.path === jarPath('3.1'))?.headers['range']).toBe('bytes=0-0');
  });

  it.each([403, 404])('believes a GET that finds the artifact where HEAD is answered %i, as stores signing URLs for GET do', async (status) => {
    gate = await startHeadRefusingGate(server.url, status);

    const { revision, warnings } = await latest(gate.url, common);

    expect(revision?.revision).toBe('3.1');
    expect(warnings).toEqual([expect.stringContaining('3.2 is listed in maven-metadata.xml but its artifact')]);
    expect(artifactRequests('3.2')).toEqual([`HEAD ${jarPath('3.2')}`, `GET ${jarPath('3.2')}`]);
    expect(artifactRequests('3.1')).toEqual([`HEAD ${jarPath('3.1')}`, `GET ${jarPath('3.1')}`]);
  });

  it('fails as refused access where HEAD and GET are both answered 403', async () => {
    server.options.overrides.set(jarPath('3.2'), 403);
    gate = await startHeadRefusingGate(server.url, 403);

    const error = await thrown(latest(gate.url, common));

    expect(error).toMatchObject({ kind: 'permanent', code: 'access_denied', message: expect.stringContaining(jarPath('3.2')) });
  });

  it('takes a HEAD answered 401 as refused access, without asking again', async () => {
    gate = await startHeadRefusingGate(server.url, 401);

    const error = await thrown(latest(gate.url, common));

    expect(error).toMatchObject({ kind: 'permanent', code: 'access_denied' });
    expect(artifactRequests('3.2')).toEqual([`HEAD ${jarPath('3.2')}`]);
  });

  it('takes a HEAD answered 410 as missing, without asking again', async () => {
    gate = await startHeadRefusingGate(server.url, 410);

    const { revision } = await latest(gate.url, common);

    expect(revision).toBeNull();
    expect(artifactRequests('3.1')).toEqual([`HEAD ${jarPath('3.1')}`]);
  });
});
