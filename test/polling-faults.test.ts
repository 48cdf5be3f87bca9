import { DATABASE_KINDS, type DatabaseKind } from './support/databases';
import { eventually } from './support/eventually';
import { startFaultyRepository, type FaultyRepository, type RepositoryFault } from './support/faulty-repository';
import { listOf } from './support/json-repository';
import { startTestServer, type TestServer } from './support/test-server';

// Long enough that a healthy answer meets them on a machine at load 15 (2 s and 3 s did not
// always); the faults that never answer still meet them within each case's limits.
const IDLE_TIMEOUT_SECONDS = 6;
const CALL_TIMEOUT_SECONDS = 12;
const MAX_BYTES = 4096;
const INTERVAL_SECONDS = 1;
const OVERSIZE_BYTES = 64 * 1024;

interface PackageView {
  latest_revision: { revision: string } | null;
  poll: {
    status: string;
    last_polled_at: string | null;
    next_poll_at: string | null;
    last_error: string | null;
    error_kind: string | null;
    consecutive_failures: number;
  };
}

interface PollAnswer {
  outcome: string;
  revision?: { revision: string };
  error?: { kind: string; code: string | null; message: string };
}

interface StoredEvent {
  id: number;
  type: string;
  data: { package_id?: string; error_code?: string; error_kind?: string };
}

/** Faults a retry may cure: name, fault, error code, the message (given the URL), backoff after the first and second failure (s). */
const TRANSIENT: [string, RepositoryFault, string, (url: string) => string, [number, number]][] = [
  ['answers 500', { status: 500 }, 'http_500', (url) => `${url} answered 500 Internal Server Error`, [30, 60]],
  [
    'answers 429 with Retry-After: 120',
    { status: 429, headers: { 'retry-after': '120' } },
    'http_429',
    (url) => `${url} answered 429 Too Many Requests`,
    [120, 120],
  ],
  ['hangs without answering', 'hang', 'timeout', (url) => `${url}: no response headers within ${IDLE_TIMEOUT_SECONDS * 1000} ms`, [30, 60]],
  ['stalls in the middle of the body', 'stall', 'timeout', (url) => `${url}: no data within ${IDLE_TIMEOUT_SECONDS * 1000} ms`, [30, 60]],
  // Never idle, so only the plugin call's own timeout ends it.
  ['trickles a body that never ends', 'trickle', 'timeout', () => `did not answer latest-revisions-since within ${CALL_TIMEOUT_SECONDS} s`, [30, 60]],
  ['closes the connection in the middle of the body', 'cut', 'network', (url) => `${url}: aborted (ECONNRESET)`, [30, 60]],
];

/** Faults that retrying soon will not cure: name, fault, error code, the message (given the URL). */
const PERMANENT: [string, RepositoryFault, string, (url: string) => string][] = [
  ['sends a page that is not JSON', 'invalid-json', 'unparsable_document', (url) => `${url} is not valid JSON`],
  ['sends a truncated document', 'truncated-json', 'unparsable_document', (url) => `${url} is not valid JSON`],
  [
    'declares a body over the size limit',
    'oversized',
    'body_too_large',
    (url) => `${url}: its Content-Length of ${OVERSIZE_BYTES} bytes is larger than the limit of ${MAX_BYTES} bytes`,
  ],
  ['streams a body over the size limit', 'oversized-chunked', 'body_too_large', (url) => `${url}: the body is larger than the limit of ${MAX_BYTES} bytes`],
  ['redirects in a loop', 'redirect-loop', 'too_many_redirects', (url) => `${url}: redirect loop back to ${url}`],
];

const millisBetween = (from: string | null, to: string | null) => new Date(to!).getTime() - new Date(from!).getTime();

// Every case has its own repository and package, so the cases run concurrently: most of their
// time is spent waiting for timeouts and poll slots.
const servers = new Map<DatabaseKind, Promise<TestServer>>();
const upstreams: FaultyRepository[] = [];

/** The Baton server of one database kind, started by the first case that needs it. */
function batonFor(kind: DatabaseKind): Promise<TestServer> {
  let server = servers.get(kind);
  if (!server) {
    server = startTestServer(kind, {
      env: {
        BATON_MIN_POLL_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
        BATON_HTTP_IDLE_TIMEOUT_SECONDS: String(IDLE_TIMEOUT_SECONDS),
        BATON_PLUGIN_CALL_TIMEOUT_SECONDS: String(CALL_TIMEOUT_SECONDS),
        BATON_HTTP_MAX_BYTES: String(MAX_BYTES),
      },
    });
    servers.set(kind, server);
  }
  return server;
}

afterAll(async () => {
  for (const server of servers.values()) await (await server).destroy();
  await Promise.all(upstreams.map((u) => u.close()));
});

/** One package in a repository that is already broken when Baton first polls it, and what the test does with it. */
class FaultCase {
  private constructor(
    readonly baton: TestServer,
    readonly upstream: FaultyRepository,
    readonly packageId: string,
  ) {}

  /** Serves version 1.0.0 of one package once healed; the package is polled every second. */
  static async start(kind: DatabaseKind, fault: RepositoryFault): Promise<FaultCase> {
    const baton = await batonFor(kind);
    const upstream = await startFaultyRepository(listOf('scrt', '1.0.0'), { oversizeBytes: OVERSIZE_BYTES });
    upstreams.push(upstream);
    upstream.breakWith(fault);
    const repository = await baton.api.post('/api/repositories', {
      name: `faulty-${upstreams.length}`,
      plugin_id: 'json-file',
      configuration: [{ key: 'URL', value: upstream.url }],
    });
    const pkg = await baton.api.post('/api/packages', {
      name: 'scrt',
      repository_id: repository.body.id,
      configuration: [{ key: 'NAME', value: 'scrt' }],
      poll_interval_seconds: INTERVAL_SECONDS,
    });
    if (pkg.status !== 201) throw new Error(`the package was not created: ${JSON.stringify(pkg.body)}`);
    return new FaultCase(baton, upstream, pkg.body.id);
  }

  async view(): Promise<PackageView> {
    return (await this.baton.api.get<PackageView>(`/api/packages/${this.packageId}`)).body;
  }

  /** Waits for a view the test accepts; a timeout shows the last one seen. */
  async viewOnce(what: string, accept: (v: PackageView) => boolean): Promise<PackageView> {
    let last: PackageView | undefined;
    try {
      return await eventually(
        async () => {
          last = await this.view();
          return accept(last) ? last : undefined;
        },
        120_000,
        what,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; the package last showed ${JSON.stringify(last?.poll)}`);
    }
  }

  async pollNow(): Promise<PollAnswer> {
    return (await this.baton.api.post<PollAnswer>(`/api/packages/${this.packageId}/poll?wait=60`)).body;
  }

  /** Polls on request and probes readiness once the request has reached the repository (and may hang there). */
  async pollWhileProbing(): Promise<{ answer: PollAnswer; ready: number }> {
    const before = this.upstream.arrivals();
    const polling = this.pollNow();
    await eventually(async () => (this.upstream.arrivals() > before ? true : undefined), 60_000, 'the poll to reach the repository');
    const ready = await this.readiness();
    return { answer: await polling, ready };
  }

  async readiness(): Promise<number> {
    return (await fetch(`${this.baton.url}/readyz`)).status;
  }

  async revisions(): Promise<string[]> {
    return (await this.baton.api.get<{ revisions: { revision: string }[] }>(`/api/packages/${this.packageId}/revisions`)).body.revisions.map((r) => r.revision);
  }

  async events(): Promise<StoredEvent[]> {
    const { events } = (await this.baton.api.get<{ events: StoredEvent[] }>('/api/events/history?after=0&limit=500')).body;
    return events.filter((e) => e.data.package_id === this.packageId);
  }
}

describe.each(DATABASE_KINDS)('polling a faulty repository [%s]', (kind) => {
  describe.each(TRANSIENT)('a repository that %s', (_name, fault, code, message, [firstBackoff, secondBackoff]) => {
    it.concurrent(
      `makes the package fail transiently, backs off ${firstBackoff} s then ${secondBackoff} s, and recovers on the next poll once healed`,
      async () => {
        const fc = await FaultCase.start(kind, fault);
        const says = message(fc.upstream.url);

        const first = await fc.viewOnce('the first failure', (v) => v.poll.status === 'failing');
        const second = await fc.pollWhileProbing();
        const afterSecond = await fc.view();
        fc.upstream.heal();
        const healed = await fc.pollNow();
        const recovered = await fc.view();
        const history = await fc.revisions();
        const events = await fc.events();

        expect(first.poll).toMatchObject({ status: 'failing', error_kind: 'transient', consecutive_failures: 1 });
        expect(first.poll.last_error).toContain(says);
        expect(first.latest_revision).toBeNull();
        expect(millisBetween(first.poll.last_polled_at, first.poll.next_poll_at) / 1000).toBeCloseTo(firstBackoff, 0);
        expect(second.ready).toBe(200);
        expect(second.answer).toMatchObject({ outcome: 'failed', error: { kind: 'transient', code } });
        expect(second.answer.error?.message).toContain(says);
        expect(afterSecond.poll).toMatchObject({ status: 'failing', error_kind: 'transient', consecutive_failures: 2 });
        expect(afterSecond.latest_revision).toBeNull();
        expect(millisBetween(afterSecond.poll.last_polled_at, afterSecond.poll.next_poll_at) / 1000).toBeCloseTo(secondBackoff, 0);
        expect(healed).toMatchObject({ outcome: 'new_revision', revision: { revision: '1.0.0' } });
        expect(recovered.poll).toMatchObject({ status: 'ok', last_error: null, error_kind: null, consecutive_failures: 0 });
        // Back on its one-second grid: the backoff is gone.
        expect(millisBetween(recovered.poll.last_polled_at, recovered.poll.next_poll_at)).toBeLessThanOrEqual(INTERVAL_SECONDS * 1000);
        expect(history).toEqual(['1.0.0']);
        expect(events.map((e) => e.type).sort()).toEqual(['package.poll.failed', 'package.poll.recovered', 'package.revision.detected']);
        expect(events.find((e) => e.type === 'package.poll.failed')!.data).toMatchObject({ error_kind: 'transient', error_code: code });
      },
      300_000,
    );
  });

  describe.each(PERMANENT)('a repository that %s', (_name, fault, code, message) => {
    it.concurrent('makes the package fail permanently, retries it at its normal interval, and recovers by itself once healed', async () => {
      const fc = await FaultCase.start(kind, fault);

      // Two failures in a row show that the schedule kept going without backing off.
      const failing = await fc.viewOnce('a second failure', (v) => v.poll.status === 'failing' && v.poll.consecutive_failures >= 2);
      const ready = await fc.readiness();
      const historyWhileFailing = await fc.revisions();
      fc.upstream.heal();
      const recovered = await fc.viewOnce('the recovery', (v) => v.poll.status === 'ok');
      const history = await fc.revisions();
      const events = await fc.events();

      expect(failing.poll).toMatchObject({ status: 'failing', error_kind: 'permanent' });
      expect(failing.poll.last_error).toContain(message(fc.upstream.url));
      expect(failing.latest_revision).toBeNull();
      expect(millisBetween(failing.poll.last_polled_at, failing.poll.next_poll_at)).toBeLessThanOrEqual(INTERVAL_SECONDS * 1000);
      expect(ready).toBe(200);
      expect(historyWhileFailing).toEqual([]);
      expect(recovered.poll).toMatchObject({ last_error: null, error_kind: null, consecutive_failures: 0 });
      expect(recovered.latest_revision?.revision).toBe('1.0.0');
      expect(history).toEqual(['1.0.0']);
      // Poll events only on a change of state: one failure however many polls failed.
      expect(events.map((e) => e.type).sort()).toEqual(['package.poll.failed', 'package.poll.recovered', 'package.revision.detected']);
      expect(events.find((e) => e.type === 'package.poll.failed')!.data).toMatchObject({ error_kind: 'permanent', error_code: code });
    });
  });
});
