import net from 'node:net';
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from './support/databases';
import { startTestServer } from './support/test-server';

/** A loopback port some other program already listens on. */
async function occupiedPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface LogLine {
  part?: string;
  msg: string;
}

describe.each(DATABASE_KINDS)('a server that cannot start [%s]', (kind) => {
  let database: TestDatabase;
  let occupied: Awaited<ReturnType<typeof occupiedPort>>;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    occupied = await occupiedPort();
  });

  afterAll(async () => {
    await occupied?.close();
    await database?.drop();
  });

  it('stops the parts it had started, last first, and leaves the database to the next start', async () => {
    const logs: string[] = [];

    const failed = startTestServer(kind, { database, logs, env: { BATON_PORT: String(occupied.port) } });

    await expect(failed).rejects.toThrow(/EADDRINUSE/);
    const stopped = logs
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.msg === 'stopped' && line.part !== undefined)
      .map((line) => line.part);
    expect(stopped).toEqual(['config files', 'event stream', 'configuration review', 'database maintenance', 'plugins', 'database']);
    const again = await startTestServer(kind, { database });
    await again.stop();
  });
});
