import type { Database } from '../../db/database';
import { TABLES } from '../../db/tables';

/** The signatures of accepted refresh hints, kept until a hint that old would be refused anyway. */
export class HintSignatureStore {
  constructor(private readonly db: Database) {}

  /** Records a signature; answers false when it was recorded before (a replay). */
  async remember(repositoryId: string, signature: string, expiresAt: Date): Promise<boolean> {
    const inserted = await this.db
      .knex(TABLES.hintSignatures)
      .insert({ repository_id: repositoryId, signature, expires_at: expiresAt })
      .onConflict(['repository_id', 'signature'])
      .ignore()
      .returning<{ signature: string }[]>('signature');
    return inserted.length > 0;
  }

  async forget(repositoryId: string, signature: string): Promise<void> {
    await this.db.knex(TABLES.hintSignatures).where({ repository_id: repositoryId, signature }).delete();
  }

  async deleteExpired(): Promise<void> {
    await this.db.knex(TABLES.hintSignatures).where('expires_at', '<', this.db.knex.fn.now()).delete();
  }
}
