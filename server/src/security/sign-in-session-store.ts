import type { Database } from '../db/database';
import { TABLES, type DbSignInSessionRow } from '../db/tables';
import type { Role } from './roles';

/** Sign-in sessions, each found by the SHA-256 hash of the secret its cookie holds. */
export class SignInSessionStore {
  constructor(private readonly db: Database) {}

  async insert(session: { id: string; secretHash: string; tokenId: string; role: Role; expiresAt: Date }): Promise<DbSignInSessionRow> {
    const [row] = (await this.db
      .knex(TABLES.signInSessions)
      .insert({ id: session.id, secret_hash: session.secretHash, token_id: session.tokenId, role: session.role, expires_at: session.expiresAt })
      .returning('*')) as DbSignInSessionRow[];
    return row;
  }

  async bySecretHash(secretHash: string): Promise<DbSignInSessionRow | undefined> {
    return (await this.db.knex(TABLES.signInSessions).where({ secret_hash: secretHash }).first()) as DbSignInSessionRow | undefined;
  }

  /** The ids of these sessions that have not ended by `now`. */
  async liveIds(ids: readonly string[], now: Date): Promise<string[]> {
    const rows = await this.db.knex(TABLES.signInSessions).whereIn('id', ids).where('expires_at', '>', now).select<{ id: string }[]>('id');
    return rows.map((row) => row.id);
  }

  /** Answers the id of the session removed, if there was one. */
  async deleteBySecretHash(secretHash: string): Promise<string | null> {
    const rows = await this.db.knex(TABLES.signInSessions).where({ secret_hash: secretHash }).delete().returning<{ id: string }[]>('id');
    return rows[0]?.id ?? null;
  }

  async delete(id: string): Promise<void> {
    await this.db.knex(TABLES.signInSessions).where({ id }).delete();
  }

  async deleteExpired(now: Date): Promise<number> {
    return this.db.knex(TABLES.signInSessions).where('expires_at', '<=', now).delete();
  }
}
