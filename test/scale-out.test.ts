import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApiClient } from './support/api-client';
import { spawnBaton, type BatonProcess } from './support/baton-process';
import { createTestDatabase, describeOnPostgres, removeDataDir, type TestDatabase } from './support/databases';
import { eventually } from './support/eventually';
import { listOf, type PackageList } from './support/json-repository';
import { startJsonRepositorySet, type JsonRepositorySet } from './support/json-repository-set';
import { installPollLog, readPollLog, withClient, type LoggedPoll } from './support/poll-log';
import { pluginsFolder } from './support/test-server';

const REPOSITORIES = Array.from({ length: 10 }, (_, r) => `repo-${r}`);
const PACKAGES_PER_REPOSITORY = 20;
const VERSIONS = ['1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.0.4'];
// Long enough that a process stalled for seconds on a busy machine keeps its leases; short enough to wait out.
const LEASE_SECONDS = 20;
// Slow answers widen the window in which two pollers of one repository would be seen overlapping.
const ANSWER_DELAY_MS = 300;
/**
 * The claim tick is one second; the rest is room for a claim and a request on a busy machine, which
 * may take many seconds. Without a takeover the repository would not be polled again at all.
 */
const TAKEOVER_MARGIN_MS = 30_000;

const packageNames = (repository: string) => Array.from({ length: PACKAGES_PER_REPOSITORY }, (_, i) => `${repository}-pkg-${i}`);
const listing = (repository: string, versions: string[]): PackageList => ({
  packages: Object.fromEntries(packageNames(repository).map((name) => [name, listOf(name, ...versions).packages[name]])),
});

interface Orphan {
  repository: string;
  leaseExpiresAt: number;
  repolledAt: number;
}

// Several processes need a server they can share: PostgreSQL, when the run has one.
describeOnPostgres('three Baton processes sharing 200 packages on one PostgreSQL', () => {
  let repositories: JsonRepositorySet;
  let database: TestDatabase;
  let processes: BatonProcess[] = [];
  const dataDirs: string[] = [];
  const intervals = new Map<string, number>();
  let pollsPerProcess: number[] = [];
  let killedAt = 0;
  let orphans: Orphan[] = [];
  let polls = new Map<string, LoggedPoll[]>();
  let revisionKeys: string[] = [];
  let eventKeys: string[] = [];

  beforeAll(async () => {
    repositories = await startJsonRepositorySet(Object.fromEntries(REPOSITORIES.map((r) => [r, listing(r, VERSIONS.slice(0, 1))])), ANSWER_DELAY_MS);
    database = await createTestDatabase('postgres');
    const url = database.databaseUrl!;
    await installPollLog(url);
    const adminToken = `scale-admin-${randomBytes(16).toString('hex')}`;
    const env = {
      DATABASE_URL: url,
      BATON_SECRET_KEY: randomBytes(32).toString('base64'),
      BATON_ADMIN_TOKEN: adminToken,
      BATON_PLUGINS_DIR: pluginsFolder('json-file'),
      BATON_MIN_POLL_INTERVAL_SECONDS: '2',
      BATON_POLL_LEASE_SECONDS: String(LEASE_SECONDS),
      BATON_PLUGIN_CALL_TIMEOUT_SECONDS: '10',
      BATON_SHUTDOWN_DELAY_SECONDS: '0',
      BATON_SHUTDOWN_GRACE_SECONDS: '2',
    };
    for (let i = 0; i < 3; i += 1) dataDirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-scale-')));
    processes = dataDirs.map((dir) => spawnBaton({ ...env, BATON_DATA_DIR: dir }));
    const clients = await Promise.all(processes.map(async (p) => ApiClient.connect(await p.listening, adminToken)));
    const repositoryIds = new Map<string, string>();
    for (const [r, name] of REPOSITORIES.entries()) {
      const created = await clients[r % 3].post('/api/repositories', {
        name,
        plugin_id: 'json-file',
        configuration: [{ key: 'URL', value: repositories.urlOf(name) }],
      });
      if (created.status !== 201) throw new Error(`could not register ${name}: ${JSON.stringify(created.body)}`);
      repositoryIds.set(created.body.id, name);
      await Promise.all(
        packageNames(name).map(async (pkg, i) => {
          const body = { name: pkg, repository_id: created.body.id, configuration: [{ key: 'NAME', value: pkg }], poll_interval_seconds: 2 + (i % 4) };
          const made = await clients[i % 3].post('/api/packages', body);
          if (made.status !== 201) throw new Error(`could not register ${pkg}: ${JSON.stringify(made.body)}`);
          intervals.set(made.body.id, made.body.poll_interval_seconds);
        }),
      );
    }
    await everyPackageHas(url, VERSIONS[0]);
    // Shares are counted from here, with all three running: a process that started later (three
    // starting at once on a busy machine do not finish together) missed the first polls.
    const before = await Promise.all(clients.map((c) => pollsCounted(c)));

    // Each version is published only once every package has the previous one, so each must be recorded.
    for (const version of VERSIONS.slice(1, 4)) await publishAndWait(url, version);
    const after = await Promise.all(clients.map((c) => pollsCounted(c)));
    pollsPerProcess = after.map((count, i) => count - before[i]);

    const victim = processes[2];
    const owner = `%:${victim.child.pid}:%`;
    await eventually(() => leasesHeld(url, owner).then((n) => (n >= 2 ? true : undefined)), 60_000, 'the victim to hold leases');
    victim.child.kill('SIGKILL');
    killedAt = Date.now();
    await victim.exited;
    // A request the victim sent just before it died may still be read after the kill: new polls are those begun after this.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const settledAt = Date.now();
    const leases = await withClient(url, (c) =>
      c.query<{ repository_id: string; expires: number }>(
        'SELECT repository_id, extract(epoch FROM lease_expires_at)::float8 AS expires FROM repository_poll_state WHERE lease_owner LIKE $1',
        [owner],
      ),
    );
    orphans = await Promise.all(
      leases.rows.map(async (lease) => {
        const repository = repositoryIds.get(lease.repository_id)!;
        const repolledAt = await eventually(
          async () => repositories.traffic(repository).requests.find((r) => r.startedAt > settledAt)?.startedAt,
          LEASE_SECONDS * 1000 + TAKEOVER_MARGIN_MS * 2,
          `a new poll of ${repository}`,
        );
        return { repository, leaseExpiresAt: lease.expires * 1000, repolledAt };
      }),
    );
    await publishAndWait(url, VERSIONS[4]);

    for (const survivor of processes.slice(0, 2)) survivor.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    polls = await readPollLog(url);
    revisionKeys = await keysOf(url, 'SELECT package_id::text AS package_id, revision FROM package_revisions');
    eventKeys = await keysOf(
      url,
      "SELECT data->>'package_id' AS package_id, data->'revision'->>'revision' AS revision FROM events WHERE type = 'package.revision.detected'",
    );

    async function publishAndWait(databaseUrl: string, version: string): Promise<void> {
      for (const r of REPOSITORIES) repositories.publish(r, listing(r, VERSIONS.slice(0, VERSIONS.indexOf(version) + 1)));
      await everyPackageHas(databaseUrl, version);
    }
  }, 300_000);

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await repositories?.close();
    await database?.drop();
    for (const dir of dataDirs) removeDataDir(dir);
  });

  it('never polls one repository from two processes at once [postgres]', () => {
    const traffic = REPOSITORIES.map((r) => repositories.traffic(r));

    expect(traffic.map((t) => t.maxInFlight)).toEqual(REPOSITORIES.map(() => 1));
    expect(Math.min(...traffic.map((t) => t.requests.length))).toBeGreaterThan(10);
  });

  it('never polls a package before its slot, and keeps its slots at least an interval apart [postgres]', () => {
    const early: LoggedPoll[] = [];
    const crowded: { packageId: string; interval: number; gap: number }[] = [];
    for (const [packageId, logged] of polls) {
      early.push(...logged.filter((p) => p.polledAt < p.dueAt));
      // The first slot is the package's creation; the second gets a random phase within the interval.
      for (let k = 2; k < logged.length; k += 1) {
        const gap = logged[k].dueAt - logged[k - 1].dueAt;
        if (gap < intervals.get(packageId)! - 0.001) crowded.push({ packageId, interval: intervals.get(packageId)!, gap });
      }
    }

    expect(polls.size).toBe(intervals.size);
    expect(Math.min(...[...polls.values()].map((p) => p.length))).toBeGreaterThanOrEqual(5);
    expect(early).toEqual([]);
    expect(crowded).toEqual([]);
  });

  it('records every published version once, each with exactly one event [postgres]', () => {
    const expected = [...intervals.keys()].flatMap((id) => VERSIONS.map((v) => `${id}@${v}`)).sort();

    expect(revisionKeys).toEqual(expected);
    expect(eventKeys).toEqual(expected);
  });

  it('shares the work among all three processes [postgres]', () => {
    const total = pollsPerProcess.reduce((a, b) => a + b, 0);

    expect(pollsPerProcess).toHaveLength(3);
    for (const count of pollsPerProcess) expect(count).toBeGreaterThan(total * 0.1);
  });

  it('polls a SIGKILLed process’s repositories again once their leases expire [postgres]', () => {
    expect(orphans.length).toBeGreaterThanOrEqual(1);
    for (const orphan of orphans) {
      expect(orphan.leaseExpiresAt).toBeLessThanOrEqual(killedAt + LEASE_SECONDS * 1000 + 50);
      expect(orphan.repolledAt).toBeGreaterThanOrEqual(orphan.leaseExpiresAt - 50);
      expect(orphan.repolledAt).toBeLessThanOrEqual(orphan.leaseExpiresAt + TAKEOVER_MARGIN_MS);
    }
  });
});

async function everyPackageHas(databaseUrl: string, version: string): Promise<void> {
  const total = REPOSITORIES.length * PACKAGES_PER_REPOSITORY;
  await eventually(
    async () => {
      const { rows } = await withClient(databaseUrl, (c) =>
        c.query<{ n: number }>('SELECT count(DISTINCT package_id)::int AS n FROM package_revisions WHERE revision = $1', [version]),
      );
      return rows[0].n === total ? true : undefined;
    },
    60_000,
    `every package to record ${version}`,
  );
}

async function leasesHeld(databaseUrl: string, owner: string): Promise<number> {
  const { rows } = await withClient(databaseUrl, (c) =>
    c.query<{ n: number }>('SELECT count(*)::int AS n FROM repository_poll_state WHERE lease_owner LIKE $1 AND lease_expires_at > now()', [owner]),
  );
  return rows[0].n;
}

/** Package polls a process has counted in its metrics, every plugin and outcome together. */
async function pollsCounted(client: ApiClient): Promise<number> {
  const text = (await client.get<string>('/metrics')).body;
  return text
    .split('\n')
    .filter((line) => line.startsWith('baton_polls_total{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** `<package>@<revision>` for every row, sorted, repeats kept. */
async function keysOf(databaseUrl: string, sql: string): Promise<string[]> {
  const { rows } = await withClient(databaseUrl, (c) => c.query<{ package_id: string; revision: string }>(sql));
  return rows.map((r) => `${r.package_id}@${r.revision}`).sort();
}
