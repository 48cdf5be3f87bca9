import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Client } from 'pg';
import { spawnBaton } from './support/baton-process';
import { createPostgresDatabase, createTestDatabase, describeOnPostgres, removeDataDir } from './support/databases';

describe('Baton as an operating-system process', () => {
  it('refuses a second process on the same data directory, and stops cleanly on SIGTERM', async () => {
    const database = await createTestDatabase('embedded');
    const env = { BATON_DATA_DIR: database.dataDir };
    const first = spawnBaton(env);
    const url = await first.listening;

    const second = spawnBaton(env);
    const secondExit = await second.exited;
    const readyWhileSecondTried = await fetch(`${url}/readyz`);
    first.child.kill('SIGTERM');
    const firstExit = await first.exited;
    await database.drop();

    expect(secondExit.code).toBe(1);
    expect(second.lines.join('\n')).toContain('is in use by another Baton process');
    expect(readyWhileSecondTried.status).toBe(200);
    expect(firstExit.code).toBe(0);
    expect(first.lines.join('\n')).toContain('shutting down');
    expect(first.lines.at(-1)).toContain('stopped');
    expect(fs.existsSync(path.join(database.dataDir, 'baton.lock'))).toBe(false);
  });

  it.each([
    ['BATON_PORT', 'eighty'],
    ['BATON_PLUGIN_WORKERS', '0'],
    ['BATON_SECRET_KEY', 'too-short'],
    ['BATON_TRUST_PROXY', 'maybe'],
  ])('stops at once with a message naming %s when its value is bad', async (variable, value) => {
    const process = spawnBaton({ BATON_DATA_DIR: '/nonexistent/never-created', [variable]: value });

    const exit = await process.exited;

    expect(exit.code).toBe(2);
    expect(process.lines.join('\n')).toContain(variable);
  });

  it('requires BATON_SECRET_KEY with DATABASE_URL', async () => {
    const process = spawnBaton({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/none' });

    const exit = await process.exited;

    expect(exit.code).toBe(2);
    expect(process.lines.join('\n')).toContain('BATON_SECRET_KEY is required when DATABASE_URL is set');
  });
});

// Several processes need a server they can share: PostgreSQL, when the run has one.
describeOnPostgres('several processes starting together on one PostgreSQL', () => {
  it('migrate once and create one admin token [postgres]', async () => {
    const { url, drop } = await createPostgresDatabase();
    const secretKey = randomBytes(32).toString('base64');
    const dirs = [0, 1, 2].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'baton-proc-')));
    const processes = dirs.map((dir) => spawnBaton({ DATABASE_URL: url, BATON_SECRET_KEY: secretKey, BATON_DATA_DIR: dir }));

    const urls = await Promise.all(processes.map((p) => p.listening));
    const ready = await Promise.all(urls.map(async (u) => (await fetch(`${u}/readyz`)).status));
    const client = new Client({ connectionString: url });
    await client.connect();
    const admins = await client.query("SELECT count(*)::int AS n FROM api_tokens WHERE role = 'admin'");
    const migrations = await client.query('SELECT name, count(*)::int AS n FROM baton_migrations GROUP BY name');
    await client.end();
    for (const p of processes) p.child.kill('SIGTERM');
    const exits = await Promise.all(processes.map((p) => p.exited));
    const tokenFiles = dirs.filter((dir) => fs.existsSync(path.join(dir, 'admin-token')));
    await drop();
    for (const dir of dirs) removeDataDir(dir);

    expect(ready).toEqual([200, 200, 200]);
    expect(admins.rows[0].n).toBe(1);
    expect(migrations.rows.length).toBeGreaterThan(0);
    expect(migrations.rows.every((row: { n: number }) => row.n === 1)).toBe(true);
    expect(tokenFiles).toHaveLength(1);
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0]);
  });
});
