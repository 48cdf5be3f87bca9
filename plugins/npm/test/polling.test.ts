import { createHash } from 'node:crypto';
import { TransientError, type BatchItem, type KeyValueStore } from '@baton/plugin-api';
import { MemoryKeyValueStore } from '@baton/plugin-api/testing';
import { daily, madeUpPackument } from './support/packuments';
import { batch, contextFor, plugin, stored, thrown } from './support/plugin-calls';
import { fixturePackuments, startRegistry, type RegistryServer } from './support/registry-server';

let registry: RegistryServer;
beforeAll(async () => {
  registry = await startRegistry(fixturePackuments());
});
afterAll(() => registry.close());
beforeEach(() => {
  registry.requests.length = 0;
  registry.options.validators = 'etag';
  registry.options.canned.clear();
});

/** A store that counts its writes: a packument parsed again is written again. */
class CountingStore extends MemoryKeyValueStore {
  writes = 0;
  override async set(key: string, value: string): Promise<void> {
    this.writes += 1;
    await super.set(key, value);
  }
}

const repository = () => ({ REGISTRY_URL: registry.url });
const latest = (pkg: Record<string, string>, store: KeyValueStore) => plugin.latestRevision(repository(), pkg, contextFor(store));

describe('asking again for an unchanged packument', () => {
  it.each([
    ['etag', 'if-none-match'],
    ['last-modified', 'if-modified-since'],
  ] as const)('with %s, asks conditionally and answers the 304 from the store', async (validators, header) => {
    registry.options.validators = validators;
    const store = new CountingStore();

    const first = await latest({ PACKAGE_NAME: 'request' }, store);
    const writes = store.writes;
    const second = await latest({ PACKAGE_NAME: 'request' }, store);

    expect(registry.requests.map((r) => [r.status, r.headers[header] !== undefined])).toEqual([
      [200, false],
      [304, true],
    ]);
    expect(store.writes).toBe(writes);
    expect(second.revision?.revision).toBe(first.revision?.revision);
  });

  it('without validators, downloads it again but neither parses nor stores it again when its body is the same', async () => {
    registry.options.validators = 'none';
    const store = new CountingStore();

    await latest({ PACKAGE_NAME: 'semver' }, store);
    const writes = store.writes;
    const second = await latest({ PACKAGE_NAME: 'semver' }, store);

    expect(registry.requests.map((r) => [r.status, r.headers['if-none-match'], r.headers['if-modified-since']])).toEqual([
      [200, undefined, undefined],
      [200, undefined, undefined],
    ]);
    expect(store.writes).toBe(writes);
    expect(second.revision?.revision).toBe('7.8.6');
  });

  it('without validators, reads a changed body afresh', async () => {
    registry.options.validators = 'none';
    const store = new MemoryKeyValueStore();
    registry.publish(madeUpPackument('hashed', daily('1.0.0'), { latest: '1.0.0' }));
    await latest({ PACKAGE_NAME: 'hashed' }, store);

    registry.publish(madeUpPackument('hashed', daily('1.0.0', '1.1.0'), { latest: '1.1.0' }));
    const { revision } = await latest({ PACKAGE_NAME: 'hashed' }, store);

    expect(revision?.revision).toBe('1.1.0');
  });
  it('without validators, reads afresh a body that changed by one byte', async () => {
    registry.options.validators = 'none';
    const store = new CountingStore();
    registry.publish(madeUpPackument('one-byte', daily('1.0.0', '1.1.0'), { latest: '1.1.0' }));
    await latest({ PACKAGE_NAME: 'one-byte' }, store);
    const text = registry.packuments.get('one-byte') ?? '';
    const at = text.lastIndexOf('one-byte at 1.1.0');
    const changed = `${text.slice(0, at)}O${text.slice(at + 1)}`;
    registry.packuments.set('one-byte', changed);
    const writes = store.writes;

    const { revision } = await latest({ PACKAGE_NAME: 'one-byte' }, store);
    const parsedAgainWrites = store.writes - writes;
    await latest({ PACKAGE_NAME: 'one-byte' }, store);

    expect(Buffer.byteLength(changed)).toBe(Buffer.byteLength(text));
    expect(revision?.comment).toBe((JSON.parse(changed) as { versions: Record<string, { description: string }> }).versions['1.1.0'].description);
    expect(parsedAgainWrites).toBeGreaterThan(0);
    expect(store.writes - writes).toBe(parsedAgainWrites);
  });

  it('reads the same packument whether its length is announced or it streams in chunks', async () => {
    const packument = madeUpPackument('chunks', daily('1.0.0', '1.1.0'), { latest: '1.1.0' }, { readme: 'é☕'.repeat(100_000) });
    (packument as { versions: Record<string, { description: string }> }).versions['1.1.0'].description = `${'☕'.repeat(50_000)} 1.1.0`;
    registry.publish(packument);
    const announced = await latest({ PACKAGE_NAME: 'chunks' }, new MemoryKeyValueStore());
    registry.options.canned.set('chunks', { body: JSON.stringify(packument), chunked: true });

    const streamed = await latest({ PACKAGE_NAME: 'chunks' }, new MemoryKeyValueStore());

    expect(streamed.revision).toEqual(announced.revision);
    expect(streamed.revision?.comment).toBe((packument as { versions: Record<string, { description: string }> }).versions['1.1.0'].description);
  });
});

/** The plugin as a new worker loads it: without the copies of packuments the running one holds. */
function freshPlugin(): typeof plugin {
  let fresh: typeof plugin | undefined;
  jest.isolateModules(() => {
    fresh = jest.requireActual<{ default: typeof plugin }>('../src').default;
  });
  if (fresh === undefined) throw new Error('the plugin did not load');
  return fresh;
}

describe('a new worker asking again for an unchanged packument', () => {
  it("answers the 304 from the store's copy", async () => {
    const store = new CountingStore();
    await latest({ PACKAGE_NAME: 'left-pad' }, store);

    const again = await freshPlugin().latestRevision(repository(), { PACKAGE_NAME: 'left-pad' }, contextFor(store));

    expect(registry.requests.map((r) => r.status)).toEqual([200, 304]);
    expect(again.revision?.revision).toBe('1.3.0');
  });

  it("asks once more, unconditionally, when the store's copy is gone", async () => {
    const store = new CountingStore();
    await latest({ PACKAGE_NAME: 'left-pad' }, store);
    await store.delete(`npm.versions.v3.${createHash('sha256').update('left-pad').digest('hex')}`);

    const again = await freshPlugin().latestRevision(repository(), { PACKAGE_NAME: 'left-pad' }, contextFor(store));

    expect(registry.requests.map((r) => [r.status, r.headers['if-none-match'] !== undefined])).toEqual([
      [200, false],
      [304, true],
      [200, false],
    ]);
    expect(again.revision?.revision).toBe('1.3.0');
  });
});

describe('a new version', () => {
  it('is new when it is higher than the previous one, and nothing is new after it', async () => {
    const store = new MemoryKeyValueStore();
    registry.publish(madeUpPackument('growing', daily('1.0.0', '1.1.0'), { latest: '1.1.0' }));
    const first = await latest({ PACKAGE_NAME: 'growing' }, store);

    registry.publish(madeUpPackument('growing', daily('1.0.0', '1.1.0', '1.2.0', '2.0.0-rc.1'), { latest: '1.2.0', next: '2.0.0-rc.1' }));
    const next = await plugin.latestRevisionSince(repository(), { PACKAGE_NAME: 'growing' }, stored(first.revision), contextFor(store));
    const after = await plugin.latestRevisionSince(repository(), { PACKAGE_NAME: 'growing' }, stored(next.revision), contextFor(store));

    expect(next.revision?.revision).toBe('1.2.0');
    expect(next.revision?.data).toMatchObject({ DIST_TAGS: 'latest', VERSION: '1.2.0' });
    expect(after.revision).toBeNull();
  });

  it('is nothing new when the highest version went away', async () => {
    registry.publish(madeUpPackument('shrinking', daily('1.0.0'), { latest: '1.0.0' }));

    const { revision } = await plugin.latestRevisionSince(
      repository(),
      { PACKAGE_NAME: 'shrinking' },
      { revision: '1.5.0', timestamp: new Date() },
      contextFor(),
    );

    expect(revision).toBeNull();
  });
});

describe('a dist-tag that moves', () => {
  const tagged = { PACKAGE_NAME: 'tagged', DIST_TAG: 'latest' };
  const publishAt = (version: string) => registry.publish(madeUpPackument('tagged', daily('1.0.0', '1.1.0', '1.2.0', '2.0.0'), { latest: version }));

  it('forwards and backwards to versions not recorded is new; back to a recorded one is a warning', async () => {
    const store = new MemoryKeyValueStore();
    publishAt('1.1.0');
    const first = await plugin.latestRevision(repository(), tagged, contextFor(store));

    publishAt('2.0.0');
    const forwards = await plugin.latestRevisionSince(repository(), tagged, stored(first.revision), contextFor(store));
    publishAt('1.2.0');
    const backwards = await plugin.latestRevisionSince(repository(), tagged, stored(forwards.revision), contextFor(store));
    publishAt('1.1.0');
    const backToRecorded = await plugin.latestRevisionSince(repository(), tagged, stored(backwards.revision), contextFor(store));

    expect([first, forwards, backwards].map((answer) => answer.revision?.revision)).toEqual(['1.1.0', '2.0.0', '1.2.0']);
    expect(backToRecorded.revision).toBeNull();
    expect(backToRecorded.warnings).toEqual([
      expect.stringContaining("dist-tag 'latest' of tagged moved from 1.2.0 back to 1.1.0, a version already recorded"),
    ]);
  });

  it('outside the range gives no revision and a warning', async () => {
    publishAt('2.0.0');

    const answer = await plugin.latestRevisionSince(
      repository(),
      { ...tagged, VERSION_RANGE: '^1' },
      { revision: '1.1.0', timestamp: new Date() },
      contextFor(),
    );

    expect(answer.revision).toBeNull();
    expect(answer.warnings).toEqual([expect.stringContaining('points at 2.0.0, outside the range ^1')]);
  });
});

describe('the time of a version', () => {
  it.each([
    ['the modification time', { time: { modified: '2026-03-01T10:00:00.123456+00:00' } }, '2026-03-01T10:00:00.123Z'],
    ['the abbreviated document’s modified', { modified: '2026-03-02T10:00:00Z' }, '2026-03-02T10:00:00.000Z'],
  ])('is %s when `time` does not date it', async (_what, extra, expected) => {
    registry.publish(madeUpPackument('undated', [{ version: '1.0.0' }], { latest: '1.0.0' }, extra));

    const { revision } = await latest({ PACKAGE_NAME: 'undated' }, new MemoryKeyValueStore());

    expect(revision?.timestamp.toISOString()).toBe(expected);
  });

  it('is when the packument was first read, and stays so, when nothing dates it', async () => {
    registry.publish(madeUpPackument('undated', [{ version: '1.0.0' }], { latest: '1.0.0' }));
    const store = new MemoryKeyValueStore();
    const before = Date.now();

    const first = await latest({ PACKAGE_NAME: 'undated' }, store);
    const again = await latest({ PACKAGE_NAME: 'undated' }, store);

    expect(first.revision?.timestamp.getTime()).toBeGreaterThanOrEqual(before);
    expect(again.revision?.timestamp.getTime()).toBe(first.revision?.timestamp.getTime());
  });
});

describe('a batch', () => {
  it('downloads each package name once, whatever the number of packages asking about it', async () => {
    const items: BatchItem[] = [
      { key: 'a', package: { PACKAGE_NAME: 'semver' }, previous: null },
      { key: 'b', package: { PACKAGE_NAME: 'semver', VERSION_RANGE: '^5' }, previous: null },
      { key: 'c', package: { PACKAGE_NAME: 'semver', INCLUDE_PRERELEASE: 'true', VERSION_RANGE: '<2.0.0' }, previous: null },
      { key: 'd', package: { PACKAGE_NAME: '@isaacs/ttlcache' }, previous: { revision: '2.1.5', timestamp: new Date() } },
      { key: 'e', package: { PACKAGE_NAME: 'no-such-package' }, previous: null },
    ];

    const answers = await batch(repository(), items, contextFor());

    expect(registry.requests.map((r) => r.path).sort()).toEqual(['/npm/@isaacs%2fttlcache', '/npm/no-such-package', '/npm/semver']);
    expect(answers.map((a) => [a.key, a.result?.revision?.revision ?? null])).toEqual([
      ['a', '7.8.6'],
      ['b', '5.7.3'],
      ['c', '2.0.0-beta'],
      ['d', null],
      ['e', null],
    ]);
    expect(answers[4].result?.warnings).toEqual([expect.stringContaining("no such package 'no-such-package' in this registry")]);
  });

  it('keeps a failure of one package name with the packages of that name', async () => {
    registry.options.canned.set('request', { status: 403, body: '{"error":"forbidden"}' });

    const answers = await batch(
      repository(),
      [
        { key: 'refused', package: { PACKAGE_NAME: 'request' }, previous: null },
        { key: 'fine', package: { PACKAGE_NAME: 'left-pad' }, previous: null },
      ],
      contextFor(),
    );

    expect(answers[0].error).toMatchObject({ kind: 'permanent', code: 'access_denied' });
    expect(answers[1].result?.revision?.revision).toBe('1.3.0');
  });
});

/** A store whose writes wait until `release`, then fail with `failure` when one is given; `written` names the keys it kept. */
class HeldStore extends MemoryKeyValueStore {
  readonly written: string[] = [];
  private started!: () => void;
  /** Settles when the first write is asked for. */
  readonly writing = new Promise<void>((resolve) => (this.started = resolve));
  private opened!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve));

  constructor(private readonly failure: Error | null = null) {
    super();
  }

  release(): void {
    this.opened();
  }

  override async set(key: string, value: string): Promise<void> {
    this.started();
    await this.gate;
    if (this.failure !== null) throw this.failure;
    await super.set(key, value);
    this.written.push(key);
  }
}

describe('keeping a newly read packument', () => {
  it('answers only once the packument is in the store', async () => {
    const store = new HeldStore();
    let answered = false;

    const answer = latest({ PACKAGE_NAME: 'left-pad' }, store).finally(() => (answered = true));
    await store.writing;
    for (let turn = 0; turn < 20; turn += 1) await new Promise(setImmediate);
    const before = answered;
    store.release();

    expect(before).toBe(false);
    expect((await answer).revision?.revision).toBe('1.3.0');
    expect(store.written.filter((key) => key.startsWith('npm.packument.') || key.startsWith('npm.versions.'))).toHaveLength(2);
  });

  it('fails the answer when the store refuses the packument, in a batch as the package’s error', async () => {
    const failure = new TransientError('store_unavailable', 'the store is unavailable');
    const single = new HeldStore(failure);
    single.release();
    const batched = new HeldStore(failure);
    batched.release();

    expect(await thrown(latest({ PACKAGE_NAME: 'left-pad' }, single))).toBe(failure);
    const answers = await batch(repository(), [{ key: 'a', package: { PACKAGE_NAME: 'left-pad' }, previous: null }], contextFor(batched));
    expect(answers[0].error).toBe(failure);
  });
});
