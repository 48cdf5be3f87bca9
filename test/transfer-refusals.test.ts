import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createTestDatabase, PROJECT_ROOT, type TestDatabase } from './support/databases';
import { startTestServer } from './support/test-server';
import { envFor, readExport, rowCounts, runBatonCli, scratchFile } from './transfer-cli';

function writeLines(lines: string[]): string {
  const file = scratchFile('edited.jsonl');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

describe('import refusals [embedded]', () => {
  const databases: TestDatabase[] = [];
  let source: TestDatabase;
  let sourceKey: string;
  let exportFile: string;
  let lines: string[];

  beforeAll(async () => {
    const baton = await startTestServer('embedded');
    await baton.api.post('/api/repositories', {
      name: 'guarded',
      plugin_id: 'json-file',
      configuration: [
        { key: 'URL', value: 'http://127.0.0.1:9/packages.json' },
        { key: 'USERNAME', value: 'u' },
        { key: 'PASSWORD', value: 'p' },
      ],
    });
    await baton.stop();
    source = baton.database;
    databases.push(source);
    sourceKey = fs.readFileSync(path.join(source.dataDir, 'secret.key'), 'utf8').trim();
    exportFile = scratchFile('baton.jsonl');
    expect(await runBatonCli('export', envFor(source, sourceKey), { stdout: exportFile })).toMatchObject({ code: 0 });
    lines = fs.readFileSync(exportFile, 'utf8').trimEnd().split('\n');
  }, 300_000);

  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  async function freshTarget(): Promise<TestDatabase> {
    const database = await createTestDatabase('embedded');
    databases.push(database);
    return database;
  }

  it('refuses a database that already holds data, and leaves it as it was', async () => {
    const before = await rowCounts(source);

    const run = await runBatonCli('import', envFor(source, sourceKey), { stdin: exportFile });

    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/refused: the database already holds data \(in server_meta, package_repositories.*\): import only into a new, empty database/);
    expect(await rowCounts(source)).toEqual(before);
  });

  it('refuses a malformed line, says which, and keeps none of the rows before it', async () => {
    const target = await freshTarget();
    const broken = writeLines([...lines.slice(0, 3), '{"table": "packages", "row": ', ...lines.slice(3)]);

    const run = await runBatonCli('import', envFor(target, sourceKey), { stdin: broken });
    const counts = await rowCounts(target);
    const retry = await runBatonCli('import', envFor(target, sourceKey), { stdin: exportFile });

    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/refused: line 4: not valid JSON/);
    expect(total(counts)).toBe(0);
    expect(retry).toMatchObject({ code: 0 });
    expect(total(await rowCounts(target))).toBe(lines.length - 1);
  });

  it('refuses an export whose schema has migrations this server does not know, and names them', async () => {
    const target = await freshTarget();
    const header = readExport(exportFile).header;
    const future = writeLines([JSON.stringify({ ...header, schema: [...header.schema, '29991231000000_create_time_machines'] }), ...lines.slice(1)]);

    const run = await runBatonCli('import', envFor(target, sourceKey), { stdin: future });

    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/refused: .*migrations this server does not know \(29991231000000_create_time_machines\)/);
    expect(total(await rowCounts(target))).toBe(0);
  });

  it("refuses a secret key other than the source database's, and keeps nothing", async () => {
    const target = await freshTarget();

    const run = await runBatonCli('import', envFor(target, randomBytes(32).toString('base64')), { stdin: exportFile });

    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/refused: the secret key does not match.*BATON_SECRET_KEY=\$\(cat <its data directory>\/secret\.key\)/s);
    expect(total(await rowCounts(target))).toBe(0);
  });

  it('refuses to import into a new embedded database without being given the key', async () => {
    const target = await freshTarget();
    const { BATON_SECRET_KEY: _key, ...withoutKey } = envFor(target, sourceKey);

    const run = await runBatonCli('import', withoutKey, { stdin: exportFile });

    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/refused: set BATON_SECRET_KEY to the secret key of the database the export came from/);
    expect(fs.existsSync(path.join(target.dataDir, 'secret.key'))).toBe(false);
  });

  it("reads what `npm run baton -- export > file` writes, npm's banner included", async () => {
    const target = await freshTarget();
    const file = scratchFile('npm.jsonl');
    const out = fs.openSync(file, 'w');
    const npm = spawn('npm', ['run', 'baton', '--', 'export'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...envFor(source, sourceKey) },
      stdio: ['ignore', out, 'ignore'],
    });
    fs.closeSync(out);
    const code = await new Promise((resolve) => npm.once('close', resolve));

    const run = await runBatonCli('import', envFor(target, sourceKey), { stdin: file });

    expect(code).toBe(0);
    expect(fs.readFileSync(file, 'utf8').startsWith('{')).toBe(false);
    expect(run).toMatchObject({ code: 0 });
    expect(total(await rowCounts(target))).toBe(lines.length - 1);
  });
});
