import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnBaton, type BatonProcess } from './support/baton-process';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases';

/** Every path under `dir` (itself included), with its permission bits; links are not followed. */
function modesUnder(dir: string): Map<string, number> {
  const modes = new Map<string, number>();
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    const stat = fs.lstatSync(current);
    modes.set(current, stat.mode & 0o7777);
    if (stat.isDirectory()) for (const name of fs.readdirSync(current)) pending.push(path.join(current, name));
  }
  return modes;
}

/** As an older Baton under umask 022 left them: folders 0755, files 0666. */
function loosen(dir: string): void {
  for (const [file] of modesUnder(dir)) fs.chmodSync(file, fs.statSync(file).isDirectory() ? 0o755 : 0o666);
}

/** Starts Baton as its own process with the usual umask 022, as a shell or a service manager would. */
function startUnderUmask022(env: Record<string, string>): BatonProcess {
  const previous = process.umask(0o022);
  try {
    return spawnBaton(env);
  } finally {
    process.umask(previous);
  }
}

async function stop(baton: BatonProcess): Promise<void> {
  baton.child.kill('SIGTERM');
  await baton.exited;
}

function envOf(database: TestDatabase): Record<string, string> {
  const postgres: Record<string, string> = database.databaseUrl
    ? { DATABASE_URL: database.databaseUrl, BATON_SECRET_KEY: randomBytes(32).toString('base64') }
    : {};
  return { BATON_DATA_DIR: database.dataDir, BATON_SHUTDOWN_DELAY_SECONDS: '0', ...postgres };
}

describe.each(DATABASE_KINDS)('the data directory [%s]', (kind) => {
  it('is the server’s alone after a start under umask 022: nothing in it keeps a group or other bit, loosened files included', async () => {
    const database = await createTestDatabase(kind);
    loosen(database.dataDir);
    const baton = startUnderUmask022(envOf(database));

    const url = await baton.listening;
    const ready = (await fetch(`${url}/readyz`)).status;
    await stop(baton);
    const modes = modesUnder(database.dataDir);
    await database.drop();

    expect(ready).toBe(200);
    expect(modes.has(path.join(database.dataDir, 'admin-token'))).toBe(true);
    if (kind === 'embedded') expect([...modes.keys()].filter((file) => file.includes(`${path.sep}pgdata${path.sep}`)).length).toBeGreaterThan(100);
    const shared = [...modes].filter(([, mode]) => (mode & 0o077) !== 0).map(([file, mode]) => `${file} ${mode.toString(8)}`);
    expect(shared).toEqual([]);
    expect(modes.get(database.dataDir)).toBe(0o700);
  }, 300_000);
});

describe('the data directory’s lock [embedded]', () => {
  it('is taken over when it names a live process that started at another time than the lock says', async () => {
    const database = await createTestDatabase('embedded');
    const unrelated = spawn('sleep', ['600'], { stdio: 'ignore' });
    fs.writeFileSync(path.join(database.dataDir, 'baton.lock'), `${unrelated.pid} 1\n`);
    const baton = spawnBaton(envOf(database));

    const url = await baton.listening.catch((error: Error) => error.message);
    const ready = url.startsWith('http') ? (await fetch(`${url}/readyz`)).status : url;
    const lock = fs.readFileSync(path.join(database.dataDir, 'baton.lock'), 'utf8');
    await stop(baton);
    unrelated.kill();
    await database.drop();

    expect(ready).toBe(200);
    expect(lock.split(' ')[0]).toBe(String(baton.child.pid));
    expect(baton.lines.join('\n')).toContain('lock was stale');
  }, 300_000);

  it('is taken over when an older lock names only a pid that a process started after the lock was written now has', async () => {
    const database = await createTestDatabase('embedded');
    const file = path.join(database.dataDir, 'baton.lock');
    const unrelated = spawn('sleep', ['600'], { stdio: 'ignore' });
    fs.writeFileSync(file, `${unrelated.pid}\n`);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(file, anHourAgo, anHourAgo);
    const baton = spawnBaton(envOf(database));

    const url = await baton.listening.catch((error: Error) => error.message);
    const lock = fs.readFileSync(file, 'utf8');
    await stop(baton);
    unrelated.kill();
    await database.drop();

    expect(url).toMatch(/^http/);
    expect(lock.split(' ')[0]).toBe(String(baton.child.pid));
  }, 300_000);

  it('still honours an older lock that names only the pid of a process running since before it was written', async () => {
    const database = await createTestDatabase('embedded');
    const holder = spawn('sleep', ['600'], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    fs.writeFileSync(path.join(database.dataDir, 'baton.lock'), `${holder.pid}\n`);
    const baton = spawnBaton(envOf(database));

    const exit = await baton.exited;
    holder.kill();
    await database.drop();

    expect(exit.code).toBe(1);
    expect(baton.lines.join('\n')).toContain(`in use by another Baton process (pid ${holder.pid})`);
  }, 300_000);

  it('still refuses a second Baton while the first one holds it', async () => {
    const database = await createTestDatabase('embedded');
    const first = spawnBaton(envOf(database));
    await first.listening;

    const second = spawnBaton(envOf(database));
    const exit = await second.exited;
    await stop(first);
    await database.drop();

    expect(exit.code).toBe(1);
    expect(second.lines.join('\n')).toContain(`in use by another Baton process (pid ${first.child.pid})`);
  }, 300_000);
});
