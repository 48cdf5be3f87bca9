import { randomBytes } from 'node:crypto';
import { ApiClient } from './support/api-client';
import { spawnBaton, type BatonProcess } from './support/baton-process';
import { createTestDatabase, DATABASE_KINDS, type DatabaseKind, type TestDatabase } from './support/databases';
import { eventually } from './support/eventually';
import { startFaultyRepository, type FaultyRepository } from './support/faulty-repository';
import { listOf, type PackageList } from './support/json-repository';
import { pluginsFolder } from './support/test-server';
import { WebhookReceiver } from './support/webhook-receiver';

const SLOW_ANSWER_MS = 700;
const WEBHOOK_SECRET = 'restart-secret-0123456789';

/** One Baton process of a site, and a client for its API. */
interface Running {
  process: BatonProcess;
  api: ApiClient;
}

interface ListedPackage {
  id: string;
  latest_revision: { revision: string } | null;
  poll: { status: string; last_error: string | null; next_poll_at: string | null };
}

/**
 * A database, fake repositories with a few packages each, and Baton processes started one after
 * the other on that database, as an operator restarting the server would.
 */
class RestartSite {
  readonly packageIds: string[] = [];
  private readonly processes: BatonProcess[] = [];
  private readonly env: Record<string, string>;

  private constructor(
    readonly database: TestDatabase,
    readonly repositories: FaultyRepository[],
    private readonly packagesPerRepository: number,
  ) {
    this.env = {
      BATON_DATA_DIR: database.dataDir,
      BATON_ADMIN_TOKEN: `test-admin-${randomBytes(16).toString('hex')}`,
      BATON_PLUGINS_DIR: pluginsFolder('json-file'),
      BATON_MIN_POLL_INTERVAL_SECONDS: '1',
      // A lease short enough that a killed process's repositories are taken over within the test,
      // and a call timeout below it that a 0.7 s answer meets even on a machine at load 15 (5 s
      // did not: calls timed out there and were recorded as failed polls).
      BATON_PLUGIN_CALL_TIMEOUT_SECONDS: '20',
      BATON_POLL_LEASE_SECONDS: '22',
      // No grace: SIGTERM cuts the polls under way instead of letting them finish.
      BATON_SHUTDOWN_DELAY_SECONDS: '0',
      BATON_SHUTDOWN_GRACE_SECONDS: '0',
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl, BATON_SECRET_KEY: randomBytes(32).toString('base64') } : {}),
    };
  }

  static async create(kind: DatabaseKind, repositoryCount: number, packagesPerRepository: number): Promise<RestartSite> {
    const database = await createTestDatabase(kind);
    const repositories: FaultyRepository[] = [];
    for (let i = 0; i < repositoryCount; i += 1) repositories.push(await startFaultyRepository({ packages: {} }));
    return new RestartSite(database, repositories, packagesPerRepository);
  }

  /** Starts a Baton process on the site's database and waits until it listens. */
  async start(): Promise<Running> {
    const process = spawnBaton(this.env);
    this.processes.push(process);
    const url = await process.listening;
    return { process, api: await ApiClient.connect(url, this.env['BATON_ADMIN_TOKEN']) };
  }

  /** Stops a process with the signal and waits until it has exited. */
  async stop(running: Running, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    running.process.child.kill(signal);
    return running.process.exited;
  }

  /** Registers every repository and its packages, each polled every second. */
  async watchAll(api: ApiClient): Promise<void> {
    for (const [r, upstream] of this.repositories.entries()) {
      const repository = await api.post('/api/repositories', {
        name: `upstream-${r}`,
        plugin_id: 'json-file',
        configuration: [{ key: 'URL', value: upstream.url }],
      });
      for (const name of this.packageNames()) {
        const pkg = await api.post('/api/packages', {
          name,
          repository_id: repository.body.id,
          configuration: [{ key: 'NAME', value: name }],
          poll_interval_seconds: 1,
        });
        this.packageIds.push(pkg.body.id);
      }
    }
  }

  /** Every package of every repository now lists versions 1.0.1 … 1.0.<round>; answers each repository's request count before. */
  publish(round: number): number[] {
    const versions = Array.from({ length: round }, (_, i) => `1.0.${i + 1}`);
    const list: PackageList = { packages: Object.fromEntries(this.packageNames().map((name) => [name, listOf(name, ...versions).packages[name]])) };
    return this.repositories.map((upstream) => {
      const before = upstream.arrivals();
      upstream.publish(list);
      return before;
    });
  }

  /** Waits until some repository is answering a request that arrived after `marks` were taken. */
  async pollInFlightSince(marks: number[]): Promise<void> {
    await eventually(
      async () => (this.repositories.some((upstream, i) => upstream.inFlight().some((seq) => seq > marks[i])) ? true : undefined),
      60_000,
      'a poll in flight',
    );
  }

  /** Waits until every package's latest revision is the one of this round; a timeout names the packages that lag and why. */
  async waitRecorded(api: ApiClient, round: number): Promise<void> {
    const wanted = `1.0.${round}`;
    let lagging: ListedPackage[] = [];
    try {
      await eventually(async () => {
        const { packages } = (await api.get<{ packages: ListedPackage[] }>('/api/packages?limit=500')).body;
        const ours = packages.filter((p) => this.packageIds.includes(p.id));
        lagging = ours.filter((p) => p.latest_revision?.revision !== wanted);
        return ours.length === this.packageIds.length && lagging.length === 0 ? true : undefined;
      }, 180_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}: packages without ${wanted}: ${JSON.stringify(lagging)}`);
    }
  }

  /** Every (package, revision) pair that must be recorded after `rounds` rounds. */
  expectedRevisions(rounds: number): string[] {
    return this.packageIds.flatMap((id) => Array.from({ length: rounds }, (_, i) => `${id} 1.0.${i + 1}`)).sort();
  }

  /** Kills what a failed test left running, then removes the repositories and the database. */
  async close(): Promise<void> {
    for (const process of this.processes) {
      if (process.child.exitCode === null && process.child.signalCode === null) process.child.kill('SIGKILL');
      await process.exited;
    }
    await Promise.all(this.repositories.map((upstream) => upstream.close()));
    await this.database.drop();
  }

  private packageNames(): string[] {
    return Array.from({ length: this.packagesPerRepository }, (_, i) => `pkg-${i}`);
  }
}

/** What the database holds after the processes stopped: revisions and detection events, with how often each appears. */
/** The types of these events, as stored. */
async function typesOf(database: TestDatabase, ids: number[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const db = await database.open();
  try {
    return (await db.knex('events').whereIn('id', ids).select<{ type: string }[]>('type')).map((row) => row.type);
  } finally {
    await db.close();
  }
}

async function recorded(
  database: TestDatabase,
): Promise<{ revisions: Map<string, number>; detections: Map<string, number>; failures: number; mismatched: number }> {
  const db = await database.open();
  try {
    const revisions = await db.knex('package_revisions').select('package_id', 'revision').count({ n: '*' }).groupBy<
      {
        package_id: string;
        revision: string;
        n: string | number;
      }[]
    >('package_id', 'revision');
    const { rows: detections } = await db.knex.raw<{ rows: { package_id: string; revision: string; n: string | number }[] }>(
      `SELECT data->>'package_id' AS package_id, data->'revision'->>'revision' AS revision, count(*) AS n
         FROM events WHERE type = 'package.revision.detected' GROUP BY 1, 2`,
    );
    const failures = (await db.knex('events').where({ type: 'package.poll.failed' }).count({ n: '*' }).first()) as { n: string | number };
    // Each event must carry the revision row it announced.
    const { rows: mismatched } = await db.knex.raw<{ rows: unknown[] }>(
      `SELECT e.id FROM events e LEFT JOIN package_revisions r ON r.id = (e.data->'revision'->>'id')::bigint
        WHERE e.type = 'package.revision.detected'
          AND (r.id IS NULL OR r.package_id::text <> e.data->>'package_id' OR r.revision <> e.data->'revision'->>'revision')`,
    );
    const counted = (rows: { package_id: string; revision: string; n: string | number }[]) =>
      new Map(rows.map((r) => [`${r.package_id} ${r.revision}`, Number(r.n)]));
    return { revisions: counted(revisions), detections: counted(detections), failures: Number(failures.n), mismatched: mismatched.length };
  } finally {
    await db.close();
  }
}

// Each test has its own database, repositories and processes, so they run side by side: most of
// their time is spent starting processes and waiting for poll slots.
describe.each(DATABASE_KINDS)('restarting Baton while it polls [%s]', (kind) => {
  it.concurrent.each<NodeJS.Signals>(['SIGTERM', 'SIGKILL'])(
    '%s in the middle of polls loses no revision and records none twice',
    async (signal) => {
      const site = await RestartSite.create(kind, 3, 3);
      try {
        for (const upstream of site.repositories) upstream.slowDown(SLOW_ANSWER_MS);
        const first = await site.start();
        await site.watchAll(first.api);
        site.publish(1);
        await site.waitRecorded(first.api, 1);

        const marks = site.publish(2);
        await site.pollInFlightSince(marks);
        const exit = await site.stop(first, signal);
        const second = await site.start();
        await site.waitRecorded(second.api, 2);
        site.publish(3);
        await site.waitRecorded(second.api, 3);
        await site.stop(second, 'SIGTERM');
        const { revisions, detections, failures, mismatched } = await recorded(site.database);

        expect(exit).toEqual(signal === 'SIGTERM' ? { code: 0, signal: null } : { code: null, signal: 'SIGKILL' });
        expect([...revisions.keys()].sort()).toEqual(site.expectedRevisions(3));
        expect([...revisions.values()].every((n) => n === 1)).toBe(true);
        expect([...detections.keys()].sort()).toEqual(site.expectedRevisions(3));
        expect([...detections.values()].every((n) => n === 1)).toBe(true);
        expect(mismatched).toBe(0);
        // The repositories never failed: a stop is not a failure of theirs.
        expect(failures).toBe(0);
      } finally {
        await site.close();
      }
    },
    600_000,
  );

  it.concurrent(
    'delivers every event once, in order, to a webhook receiver that was down across a restart',
    async () => {
      const site = await RestartSite.create(kind, 2, 2);
      const receiver = await WebhookReceiver.start(WEBHOOK_SECRET);
      try {
        const first = await site.start();
        const webhook = (await first.api.post('/api/webhooks', { url: receiver.url, secret: WEBHOOK_SECRET })).body;
        await site.watchAll(first.api);
        site.publish(1);
        await site.waitRecorded(first.api, 1);
        await receiver.waitUntil(() => receiver.distinctAcceptedIds().length >= site.packageIds.length, 'the first revisions');

        await receiver.goDown();
        site.publish(2);
        await site.waitRecorded(first.api, 2);
        await eventually(
          async () =>
            (await first.api.get(`/api/webhooks/${webhook.id}/deliveries`)).body.deliveries.some((d: { status: string }) => d.status === 'failed')
              ? true
              : undefined,
          60_000,
          'a failed delivery',
        );
        await site.stop(first, 'SIGTERM');
        const second = await site.start();
        site.publish(3);
        await site.waitRecorded(second.api, 3);
        await receiver.comeBack();
        const { events } = (await second.api.get<{ events: { id: number; type: string }[] }>('/api/events/history?after=0&limit=500')).body;
        const lastId = events.at(-1)!.id;
        await receiver.waitUntil(() => receiver.distinctAcceptedIds().includes(lastId), 'the last event');
        await site.stop(second, 'SIGTERM');

        const ids = events.map((e) => e.id);
        // Events written after the history was read (a poll that ran out of time on a busy machine,
        // say) may arrive as well; those read, deduplicated by id in the order they first arrived,
        // arrive every one once, oldest first.
        const distinct = receiver.distinctAcceptedIds().filter((id) => id <= lastId);
        const later = await typesOf(
          site.database,
          receiver.distinctAcceptedIds().filter((id) => id > lastId),
        );
        expect(events.filter((e) => e.type === 'package.revision.detected')).toHaveLength(site.packageIds.length * 3);
        expect(distinct).toEqual(ids);
        // None of those later ones announces a revision again.
        expect(later.filter((type) => type === 'package.revision.detected')).toEqual([]);
        expect(receiver.received.every((d) => d.signatureValid && d.body.id === d.eventId)).toBe(true);
      } finally {
        await receiver.close();
        await site.close();
      }
    },
    600_000,
  );
});
