import { randomUUID } from 'node:crypto';
import type { Database } from '../server/src/db/database';
import { RepositoryPluginStateStore } from '../server/src/materials/repository-plugin-state-store';
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from './support/databases';

describe.each(DATABASE_KINDS)('plugin store snapshot [%s]', (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let store: RepositoryPluginStateStore;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    db = await testDb.open();
    store = new RepositoryPluginStateStore(db);
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  async function repository(): Promise<string> {
    const id = randomUUID();
    await db.knex('package_repositories').insert({ id, name: `r-${id}`, plugin_id: 'p' });
    return id;
  }

  const limits = { maxValueBytes: 1024, maxTotalBytes: 4096 };

  it("answers every key and value of the repository's store, and no other repository's", async () => {
    const [mine, other] = [await repository(), await repository()];
    await store.set(mine, 'etag', '"v1"');
    await store.set(mine, 'seen', 'ü');
    await store.set(other, 'etag', '"v9"');

    expect(await store.snapshot(mine, limits)).toEqual({ values: { etag: '"v1"', seen: 'ü' }, deferred: [] });
    expect(await store.snapshot(await repository(), limits)).toEqual({ values: {}, deferred: [] });
  });

  it('defers a value larger than the limit for one, counted with its key in UTF-8 bytes', async () => {
    const id = await repository();
    await store.set(id, 'k', 'üü');
    await store.set(id, 'z', 's');

    // 'k' is one byte, 'üü' four.
    expect(await store.snapshot(id, { maxValueBytes: 5, maxTotalBytes: 100 })).toEqual({ values: { k: 'üü', z: 's' }, deferred: [] });
    expect(await store.snapshot(id, { maxValueBytes: 4, maxTotalBytes: 100 })).toEqual({ values: { z: 's' }, deferred: ['k'] });
  });

  it('carries the smallest values first and defers the rest once the total would pass its limit', async () => {
    const id = await repository();
    await store.set(id, 'a', 'x'.repeat(9)); // 10 bytes
    await store.set(id, 'b', 'x'.repeat(19)); // 20 bytes
    await store.set(id, 'c', 'x'.repeat(29)); // 30 bytes

    expect(await store.snapshot(id, { maxValueBytes: 100, maxTotalBytes: 30 })).toEqual({ values: { a: 'x'.repeat(9), b: 'x'.repeat(19) }, deferred: ['c'] });
    expect(await store.snapshot(id, { maxValueBytes: 100, maxTotalBytes: 29 })).toEqual({ values: { a: 'x'.repeat(9) }, deferred: ['b', 'c'] });
  });

  it("reads several repositories' snapshots in one go, each within the limits and as its own snapshot reads it", async () => {
    const [first, second, empty, other] = [await repository(), await repository(), await repository(), await repository()];
    await store.set(first, 'a', 'x'.repeat(9));
    await store.set(first, 'b', 'x'.repeat(19));
    await store.set(second, 'etag', '"v2"');
    await store.set(other, 'etag', '"not asked"');
    const tight = { maxValueBytes: 100, maxTotalBytes: 29 };

    const read = await store.snapshots([first, second, empty], tight);

    expect([...read.keys()]).toEqual([first, second, empty]);
    expect(read.get(first)).toEqual({ values: { a: 'x'.repeat(9) }, deferred: ['b'] });
    expect(read.get(second)).toEqual(await store.snapshot(second, tight));
    expect(read.get(empty)).toEqual({ values: {}, deferred: [] });
  });

  it('stores values uncompressed, out of line when large (a write of a large value does not compress it)', async () => {
    const { rows } = await db.knex.raw<{ rows: { attstorage: string }[] }>(
      "SELECT attstorage FROM pg_attribute WHERE attrelid = 'plugin_state'::regclass AND attname = 'value'",
    );

    expect(rows[0]?.attstorage).toBe('e');
  });
});
