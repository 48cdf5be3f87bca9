import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database';
import { BY_NAME, keysetPage, type Page, type PageRequest } from '../db/pagination';
import { TABLES, UNIQUE_VIOLATION, violatedConstraint, type DbApiTokenRow } from '../db/tables';
import { Conflict } from '../domain-errors';
import type { Role } from './roles';

type Queryable = Knex | Knex.Transaction;

/** The API tokens, each stored as the SHA-256 hash of its secret. */
export class TokenStore {
  constructor(private readonly db: Database) {}

  async byHash(tokenHash: string): Promise<DbApiTokenRow | undefined> {
    return (await this.db.knex(TABLES.tokens).where({ token_hash: tokenHash }).first()) as DbApiTokenRow | undefined;
  }

  async byId(trx: Queryable, id: string): Promise<DbApiTokenRow | undefined> {
    return (await trx(TABLES.tokens).where({ id }).first()) as DbApiTokenRow | undefined;
  }

  async markUsed(id: string, at: Date): Promise<void> {
    await this.db.knex(TABLES.tokens).where({ id }).update({ last_used_at: at });
  }

  async rolesOf(ids: readonly string[]): Promise<Pick<DbApiTokenRow, 'id' | 'role'>[]> {
    return this.db.knex(TABLES.tokens).whereIn('id', ids).select<Pick<DbApiTokenRow, 'id' | 'role'>[]>('id', 'role');
  }

  list(page: PageRequest): Promise<Page<DbApiTokenRow & Record<string, unknown>>> {
    return keysetPage<DbApiTokenRow & Record<string, unknown>>(this.db.knex(TABLES.tokens).select('*'), BY_NAME, page);
  }

  /** The ids of the admin tokens, held until the transaction ends. */
  async lockAdmins(trx: Knex.Transaction): Promise<string[]> {
    const rows = await trx(TABLES.tokens).where({ role: 'admin' }).forUpdate().select<{ id: string }[]>('id');
    return rows.map((row) => row.id);
  }

  async hasAdmin(trx: Queryable): Promise<boolean> {
    return (await trx(TABLES.tokens).where({ role: 'admin' }).first<{ id: string } | undefined>('id')) !== undefined;
  }

  /** Conflict when a token of this name exists. */
  async insert(trx: Queryable, token: { name: string; role: Role; tokenHash: string; createdBy: string }): Promise<DbApiTokenRow> {
    try {
      const [row] = (await trx(TABLES.tokens)
        .insert({ id: randomUUID(), name: token.name, role: token.role, token_hash: token.tokenHash, created_by: token.createdBy })
        .returning('*')) as DbApiTokenRow[];
      return row;
    } catch (error) {
      if (violatedConstraint(error, UNIQUE_VIOLATION) === 'api_tokens_name_unique') throw new Conflict(`a token named '${token.name}' already exists`);
      throw error;
    }
  }

  async delete(trx: Queryable, id: string): Promise<void> {
    await trx(TABLES.tokens).where({ id }).delete();
  }
}
