import type { Knex } from 'knex';
import type { Database } from './database';

/** Advisory lock keys: one namespace for Baton, one number per purpose. */
export const ADVISORY_LOCKS = {
  migrations: 1,
  bootstrap: 2,
  /** Changes to pipeline definitions: each is validated against the others under this lock. */
  pipelineConfig: 3,
} as const;

const NAMESPACE = 0x42a70;

/**
 * Runs `work` while holding a session advisory lock on a connection of its own, so that several
 * processes starting together take turns. The embedded database has one process by design (its
 * lock file), so there the lock is not needed.
 */
export async function withSessionLock<T>(db: Database, lock: number, work: () => Promise<T>): Promise<T> {
  if (db.kind === 'embedded') return work();
  const client = db.knex.client as Knex.Client & {
    acquireConnection(): Promise<{ query(sql: string, values: unknown[]): Promise<unknown> }>;
    releaseConnection(connection: unknown): Promise<void>;
  };
  const connection = await client.acquireConnection();
  try {
    await connection.query('SELECT pg_advisory_lock($1, $2)', [NAMESPACE, lock]);
    try {
      return await work();
    } finally {
      await connection.query('SELECT pg_advisory_unlock($1, $2)', [NAMESPACE, lock]);
    }
  } finally {
    await client.releaseConnection(connection);
  }
}

/** Takes a transaction-scoped advisory lock inside `trx`; released when the transaction ends. */
export async function lockInTransaction(trx: Knex.Transaction, lock: number): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(?, ?)', [NAMESPACE, lock]);
}
