import { Client } from 'pg';

/** One recorded poll of one package: the slot it was due at and when its result was written. */
export interface LoggedPoll {
  packageId: string;
  /** Epoch seconds (database clock, microseconds kept). */
  dueAt: number;
  polledAt: number;
}

/**
 * Every poll of every package, exactly, on a test's own PostgreSQL database: a trigger copies each
 * change of `package_poll_state.last_polled_at` (the recorder's write) with the slot the package
 * was due at. Only tests install it; Baton knows nothing of it.
 */
export async function installPollLog(databaseUrl: string): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    await client.query(`
      CREATE TABLE test_poll_log (
        id bigserial PRIMARY KEY, package_id uuid NOT NULL, due_at timestamptz NOT NULL, polled_at timestamptz NOT NULL)`);
    await client.query(`
      CREATE FUNCTION test_log_poll() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.last_polled_at IS DISTINCT FROM OLD.last_polled_at THEN
          INSERT INTO test_poll_log (package_id, due_at, polled_at) VALUES (NEW.package_id, OLD.next_poll_at, NEW.last_polled_at);
        END IF;
        RETURN NEW;
      END $$`);
    await client.query('CREATE TRIGGER test_log_poll AFTER UPDATE ON package_poll_state FOR EACH ROW EXECUTE FUNCTION test_log_poll()');
  });
}

/** The logged polls, per package, in the order they were written. */
export async function readPollLog(databaseUrl: string): Promise<Map<string, LoggedPoll[]>> {
  const { rows } = await withClient(databaseUrl, (client) =>
    client.query<{ package_id: string; due_at: number; polled_at: number }>(
      'SELECT package_id, extract(epoch FROM due_at)::float8 AS due_at, extract(epoch FROM polled_at)::float8 AS polled_at FROM test_poll_log ORDER BY id',
    ),
  );
  const byPackage = new Map<string, LoggedPoll[]>();
  for (const row of rows) {
    const polls = byPackage.get(row.package_id) ?? [];
    polls.push({ packageId: row.package_id, dueAt: row.due_at, polledAt: row.polled_at });
    byPackage.set(row.package_id, polls);
  }
  return byPackage;
}

export async function withClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
