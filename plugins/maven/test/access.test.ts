import { statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';
import { artifactBytes, deploy, fileUrl, ScratchFolders, startBearerGate, type Gate } from './support/repositories';
import { latest, thrown } from './support/plugin-calls';

const folders = new ScratchFolders();
let dir: string;
let jar: string;

beforeAll(() => {
  dir = folders.copy();
  deploy(dir, 'imagingbook-common', '3.0');
  jar = deploy(dir, 'imagingbook-common', '3.1', { sidecars: ['sha1', 'sha512'] });
});
afterAll(() => folders.remove());

const common = { ARTIFACT_ID: 'imagingbook-common' };

describe('a repository that wants a Bearer token', () => {
  let server: FixtureServer;
  let gate: Gate;

  beforeAll(async () => {
    server = await startFixtureServer(dir);
    gate = await startBearerGate(server.url, 't0k3n');
  });
  afterAll(async () => {
    await gate.close();
    await server.close();
  });

  it('is read with AUTH_TOKEN, which stays out of LOCATION', async () => {
    const { revision } = await latest(gate.url, common, undefined, { AUTH_TOKEN: 't0k3n' });

    expect(revision?.revision).toBe('3.1');
    expect(revision?.user).toBe('Wilhelm B. <wb@example.org>');
    expect(revision?.data?.['LOCATION']).toBe(`${gate.url}com/imagingbook/imagingbook-common/3.1/imagingbook-common-3.1.jar`);
    expect(JSON.stringify(revision)).not.toContain('t0k3n');
  });

  it('refuses a wrong token, saying where credentials go', async () => {
    const error = await thrown(latest(gate.url, common, undefined, { AUTH_TOKEN: 'wrong' }));

    expect(error).toMatchObject({ kind: 'permanent', code: 'access_denied', message: expect.stringContaining('check USERNAME and PASSWORD, or AUTH_TOKEN') });
  });
});

describe('a repository in a folder (file: URL)', () => {
  it('is read like one over HTTP, the file dated by its modification time', async () => {
    const { revision } = await latest(fileUrl(dir), common);

    expect(revision?.revision).toBe('3.1');
    expect(revision?.timestamp).toEqual(new Date(Math.floor(statSync(jar).mtimeMs / 1000) * 1000));
    expect(revision?.data?.['LOCATION']).toBe(`${fileUrl(dir)}com/imagingbook/imagingbook-common/3.1/imagingbook-common-3.1.jar`);
    expect(revision?.data?.['CHECKSUM']).toBe(`sha512:${createHash('sha512').update(artifactBytes('imagingbook-common', '3.1')).digest('hex')}`);
  });

  it('skips a listed version without its file', async () => {
    const { revision, warnings } = await latest(fileUrl(dir), { ...common, VERSION_RANGE: '(,3.0)' });

    expect(revision).toBeNull();
    expect(warnings).toEqual([
      expect.stringMatching(/^1\.9 is listed in maven-metadata\.xml but its artifact file:.*imagingbook-common-1\.9\.jar is missing \(404\); skipped$/),
      expect.stringContaining('1.8 is listed'),
      expect.stringContaining('1.7 is listed'),
      expect.stringContaining('1.6 is listed'),
      expect.stringContaining('1.5 is listed'),
    ]);
  });
});
