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

  it("answers every key and value of the repository's store, and no other repository's", async () => {
    const [mine, other] = [await repository(), await repository()];
    await store.set(mine, 'etag', '"v1"');
    await store.set(mine, 'seen', 'ü');
    await store.set(other, 'etag', '"v9"');

    expect(await store.snapshot(mine, 1024)).toEqual({ etag: '"v1"', seen: 'ü' });
    expect(await store.snapshot(await repository(), 1024)).toEqual({});
  });

  it('answers null when keys and values come to more than the limit, counted in UTF-8 bytes', async () => {
    const id = await repository();
    await store.set(id, 'k', 'üü');

    // 'k' is one byte, 'üü' four.
    expect(await store.snapshot(id, 5)).toEqual({ k: 'üü' });
    expect(await store.snapshot(id, 4)).toBeNull();
  });
});
