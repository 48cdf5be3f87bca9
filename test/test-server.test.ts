import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, TEST_PLUGINS_DIR } from './support/test-server';

/**
 * The helper every server test starts Baton with leaves no plugins folder behind: it makes one
 * only when the test names none, and removes it when the server stops.
 */
describe('startTestServer', () => {
  let mkdtemp: jest.SpiedFunction<typeof fs.mkdtempSync>;

  /** The temporary folders made since the test began whose names start with one of `prefixes`. */
  const madeWithPrefix = (...prefixes: string[]) =>
    mkdtemp.mock.results
      .map((result) => result.value as unknown)
      .filter((made): made is string => typeof made === 'string' && prefixes.some((prefix) => path.basename(made).startsWith(prefix)));
  const pluginsFoldersMade = () => madeWithPrefix('baton-plugins-');

  beforeEach(() => {
    mkdtemp = jest.spyOn(fs, 'mkdtempSync');
  });

  afterEach(() => {
    mkdtemp.mockRestore();
  });

  it('links the test plugins into a folder of its own, and removes that folder when the server stops', async () => {
    const baton = await startTestServer('embedded', { plugins: ['json-file'] });
    const folder = baton.env['BATON_PLUGINS_DIR'];
    try {
      expect(pluginsFoldersMade()).toEqual([folder]);
      expect(fs.readlinkSync(path.join(folder, 'json-file'))).toBe(path.join(TEST_PLUGINS_DIR, 'json-file'));
    } finally {
      await baton.destroy();
    }

    expect(fs.existsSync(folder)).toBe(false);
  });

  it('removes its folder on stop, which keeps the database, too', async () => {
    const baton = await startTestServer('embedded');
    await baton.stop();

    expect(pluginsFoldersMade()).toHaveLength(1);
    expect(fs.existsSync(baton.env['BATON_PLUGINS_DIR'])).toBe(false);
    await baton.database.drop();
  });

  it('makes no folder when the test names BATON_PLUGINS_DIR, and leaves that one in place', async () => {
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-own-plugins-'));
    try {
      const baton = await startTestServer('embedded', { env: { BATON_PLUGINS_DIR: own } });
      await baton.destroy();

      expect(baton.env['BATON_PLUGINS_DIR']).toBe(own);
      expect(pluginsFoldersMade()).toEqual([]);
      expect(fs.existsSync(own)).toBe(true);
    } finally {
      fs.rmSync(own, { recursive: true, force: true });
    }
  });

  it('removes its folder and its database when the server does not start', async () => {
    await expect(startTestServer('embedded', { env: { BATON_PORT: 'not a port' } })).rejects.toThrow(/BATON_PORT/);

    expect(madeWithPrefix('baton-test-')).toHaveLength(1);
    expect(pluginsFoldersMade()).toHaveLength(1);
    expect(madeWithPrefix('baton-test-', 'baton-plugins-').filter((folder) => fs.existsSync(folder))).toEqual([]);
  });
});
