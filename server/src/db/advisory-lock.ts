import type { Knex } from 'knex';
import type { Database } from './database';

/**
 * Every advisory lock key of the server, in one place, so that two features can never share a
 * key by accident. Each entry says where its lock stands with respect to row locks and the other
 * advisory locks: a transaction takes them only in the order written here, which is what keeps
 * them free of deadlocks.
 */
export const ADVISORY_LOCKS = {
  /** Session lock while migrations run at start; held before any transaction of the process. */
  migrations: 1,
  /** First thing in the transaction that creates the first admin token. */
  bootstrap: 2,
  /**
   * Changes to pipeline definitions: each is validated against the others under this lock.
   * Taken first in its transaction, before any row lock (the pipeline's row comes after it).
   */
  pipelineConfig: 3,
  /**
   * Appending to the event log (the outbox's id order). Taken last in any transaction, after
   * every row lock and every other advisory lock, and nothing is locked after it.
   */
  eventOrder: 4,
} as const;

/** The first key of every Baton advisory lock: the second is one of `ADVISORY_LOCKS`. */
const NAMESPACE = 0x42a70;

export type AdvisoryLock = (typeof ADVISORY_LOCKS)[keyof typeof ADVISORY_LOCKS];

/**
 * Runs `work` while holding a session advisory lock on a connection of its own, so that several
 * processes starting together take turns. The embedded database has one process by design (its
 * lock file), so there the lock is not needed.
 */
export async function withSessionLock<T>(db: Database, lock: AdvisoryLock, work: () => Promise<T>): Promise<T> {
  if (db.kind === 'embedded') return work();
  // knex types its client as `any`: this is the part of it used here, for pg.
  const client = db.knex.client as {
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
export async function lockInTransaction(trx: Knex.Transaction, lock: AdvisoryLock): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(?, ?)', [NAMESPACE, lock]);
}
