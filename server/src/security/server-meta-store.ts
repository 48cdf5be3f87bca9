import type { Database } from '../db/database';
import { TABLES } from '../db/tables';

/** Facts about the installation itself, one value per key. */
export class ServerMetaStore {
  constructor(private readonly db: Database) {}

  /** Stores the value unless the key has one; a value already there stays. */
  async putIfAbsent(key: string, value: string): Promise<void> {
    await this.db.knex(TABLES.meta).insert({ key, value }).onConflict('key').ignore();
  }

  async get(key: string): Promise<string | null> {
    const row = await this.db.knex(TABLES.meta).where({ key }).first<{ value: string } | undefined>('value');
    return row?.value ?? null;
  }
}
