import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { startJsonRepository, type JsonRepository, type ListedVersion } from './support/json-repository';
import { startTestServer, type TestServer } from './support/test-server';

const KIB = 1024;
/** Text no log line, event or stored field may carry whole. */
const FILLER = 'oversized-summary ';

interface PackageView {
  latest_revision: { revision: string; comment: string | null } | null;
  poll: {
    status: string;
    last_polled_at: string | null;
    next_poll_at: string | null;
    last_error: string | null;
    error_kind: string | null;
    consecutive_failures: number;
  };
}

const version = (extra: Partial<ListedVersion>): ListedVersion[] => [
  { version: '1.0.0', published: '2026-01-01T00:00:00Z', url: 'https://repo.example.org/a-1.0.0.tgz', ...extra },
];

/** A revision too large for the contract, and one the database refuses, through the real server. */
describe.each(DATABASE_KINDS)('revisions with oversized fields [%s]', (kind) => {
  const logs: string[] = [];
  let upstream: JsonRepository;
  let baton: TestServer;
  let repositoryId: string;

  beforeAll(async () => {
    upstream = await startJsonRepository({
      packages: {
        'long-comment': version({ comment: FILLER.repeat((150 * KIB) / FILLER.length) }),
        'long-location': version({ url: `https://repo.example.org/${'a'.repeat(20 * KIB)}.tgz` }),
        // PostgreSQL stores no NUL character in text: the insert is refused.
        'nul-comment': version({ comment: `before\u0000after ${FILLER.repeat((100 * KIB) / FILLER.length)}` }),
      },
    });
    baton = await startTestServer(kind, { logs, env: { BATON_HTTP_MAX_BYTES: String(4 * 1024 * KIB) } });
    const repository = await baton.api.post('/api/repositories', {
      name: 'upstream',
      plugin_id: 'json-file',
      configuration: [{ key: 'URL', value: upstream.url }],
    });
    repositoryId = repository.body.id;
  });

  afterAll(async () => {
    await baton?.destroy();
    await upstream?.close();
  });

  const createPackage = async (name: string): Promise<string> =>
    (await baton.api.post('/api/packages', { name, repository_id: repositoryId, configuration: [{ key: 'NAME', value: name }] })).body.id;
  const polledView = (id: string): Promise<PackageView> =>
    eventually(
      async () => {
        const view = (await baton.api.get(`/api/packages/${id}`)).body as PackageView;
        return view.poll.status === 'pending' ? undefined : view;
      },
      60_000,
      'the first poll to be recorded',
    );

  it('stores a 150 KB comment cut to 16 KiB with a marker, and sends it cut in its event', async () => {
    const id = await createPackage('long-comment');

    const view = await polledView(id);
    const [revision] = (await baton.api.get(`/api/packages/${id}/revisions`)).body.revisions as { comment: string }[];
    const events = (await baton.api.get('/api/events/history?after=0&limit=500&types=package.revision.detected')).body.events as {
      data: { package_id: string; revision: { comment: string } };
    }[];
    const event = events.find((e) => e.data.package_id === id);

    expect(view.poll.status).toBe('ok');
    expect(Buffer.byteLength(revision.comment)).toBeLessThanOrEqual(16 * KIB);
    expect(revision.comment).toMatch(/^oversized-summary .*… \[cut: \d+ bytes\]$/s);
    expect(event?.data.revision.comment).toBe(revision.comment);
  });

  it('fails a package whose LOCATION is 20 KB with a permanent error naming LOCATION, and records no revision', async () => {
    const id = await createPackage('long-location');

    const view = await polledView(id);
    const revisions = (await baton.api.get(`/api/packages/${id}/revisions`)).body.revisions;

    expect(view.poll).toMatchObject({ status: 'failing', error_kind: 'permanent' });
    expect(view.poll.last_error).toMatch(/^data value LOCATION of revision '1\.0\.0' is 20\d{3} bytes, more than the 8192 allowed$/);
    expect(view.latest_revision).toBeNull();
    expect(revisions).toEqual([]);
  });

  it('records an answer the database refuses as a failure of the package, with backoff, and polls it no more meanwhile', async () => {
    const id = await createPackage('nul-comment');

    const view = await polledView(id);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const later = (await baton.api.get(`/api/packages/${id}`)).body as PackageView;

    expect(view.poll).toMatchObject({ status: 'failing', error_kind: 'transient', consecutive_failures: 1 });
    expect(view.poll.last_error).toMatch(/^the poll's answer could not be recorded: .*\(SQLSTATE \w{5}\)$/);
    expect(new Date(view.poll.next_poll_at!).getTime() - new Date(view.poll.last_polled_at!).getTime()).toBeGreaterThanOrEqual(29_000);
    expect(later.poll).toEqual(view.poll);
  });

  it('never logs a line longer than 4 KiB, nor the values of a refused query', () => {
    const longest = Math.max(...logs.map((line) => Buffer.byteLength(line)));

    expect(logs.some((line) => line.includes('could not be recorded'))).toBe(true);
    expect(longest).toBeLessThanOrEqual(4 * KIB + 1);
    expect(logs.filter((line) => line.includes(FILLER.repeat(3)))).toEqual([]);
  });
});
