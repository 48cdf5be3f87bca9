import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { testHttpSettings } from '../../../../test/support/loopback-servers';
import { createHttpClient } from '../http-client';

let sandbox: string;
let root: string;

const settings = (fileRoots: string[]) => testHttpSettings({ fileRoots });
// The call is about a repository read from file: URLs, the only kind that may read them.
const fileRepository = () => ({ REPO_URL: pathToFileURL(path.join(root, 'el9')).href });

function get(file: string, fileRoots = [root], extra: { maxBytes?: number; auth?: { username: string; password: string } } = {}) {
  const client = createHttpClient(settings(fileRoots), new AbortController().signal, fileRepository());
  return client.get({ url: pathToFileURL(file).href, ...extra });
}

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(os.tmpdir(), 'baton-file-'));
  root = path.join(sandbox, 'repos');
  await mkdir(path.join(root, 'el9'), { recursive: true });
  await mkdir(path.join(sandbox, 'private'));
  await writeFile(path.join(root, 'el9', 'repomd.xml'), '<repomd/>');
  await writeFile(path.join(sandbox, 'private', 'secret.txt'), 'do not serve');
  await symlink(path.join(sandbox, 'private'), path.join(root, 'escape'));
  await symlink(path.join(root, 'el9'), path.join(sandbox, 'alias'));
});

afterAll(async () => {
  await rm(sandbox, { recursive: true, force: true });
});

describe('file: URLs', () => {
  it('reads a file inside a root with status 200 and its length', async () => {
    const response = await get(path.join(root, 'el9', 'repomd.xml'));

    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe('9');
    expect(await response.text()).toBe('<repomd/>');
  });

  it('answers 404 for a missing file inside a root', async () => {
    const response = await get(path.join(root, 'el9', 'missing.xml'));

    expect(response.status).toBe(404);
    expect((await response.buffer()).length).toBe(0);
  });

  it('answers 404 for a folder', async () => {
    const response = await get(path.join(root, 'el9'));

    expect(response.status).toBe(404);
  });

  it('refuses a file outside every root and names the setting that lists them', async () => {
    const failure = get(path.join(sandbox, 'private', 'secret.txt'));

    await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'file_not_allowed' });
    await expect(failure).rejects.toThrow(/outside the folders listed in BATON_FILE_REPO_ROOTS/);
  });

  it('refuses a symlink inside a root that leads outside it', async () => {
    const failure = get(path.join(root, 'escape', 'secret.txt'));

    await expect(failure).rejects.toMatchObject({ code: 'file_not_allowed' });
  });

  it('refuses a missing file behind a symlink that leads outside, rather than answering 404', async () => {
    const failure = get(path.join(root, 'escape', 'nothing-here.txt'));

    await expect(failure).rejects.toMatchObject({ code: 'file_not_allowed' });
  });

  it('reads a symlink outside the roots that leads inside one', async () => {
    const response = await get(path.join(sandbox, 'alias', 'repomd.xml'));

    expect(await response.text()).toBe('<repomd/>');
  });

  it('refuses every file: URL when no roots are configured', async () => {
    const failure = get(path.join(root, 'el9', 'repomd.xml'), []);

    await expect(failure).rejects.toMatchObject({ code: 'file_not_allowed', message: expect.stringContaining('BATON_FILE_REPO_ROOTS') });
  });

  it('refuses credentials on a file: URL', async () => {
    const failure = get(path.join(root, 'el9', 'repomd.xml'), [root], { auth: { username: 'reader', password: 's3cret' } });

    await expect(failure).rejects.toMatchObject({ code: 'file_not_allowed' });
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it('fails a file body that was not read yet when the signal aborted', async () => {
    const controller = new AbortController();
    const client = createHttpClient(settings([root]), controller.signal, fileRepository());
    const response = await client.get({ url: pathToFileURL(path.join(root, 'el9', 'repomd.xml')).href });

    controller.abort();

    await expect(response.text()).rejects.toMatchObject({ kind: 'transient', code: 'aborted' });
  });

  it('applies the byte cap', async () => {
    const failure = get(path.join(root, 'el9', 'repomd.xml'), [root], { maxBytes: 4 });

    await expect(failure).rejects.toMatchObject({ code: 'body_too_large', message: expect.stringContaining('limit of 4 bytes') });
  });
});
