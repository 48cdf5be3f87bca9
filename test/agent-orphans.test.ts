import { randomBytes } from 'node:crypto';
import { ApiClient } from './support/api-client';
import { spawnBaton, type BatonProcess } from './support/baton-process';
import { createTestDatabase, type TestDatabase } from './support/databases';
import { eventually } from './support/eventually';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { isAlive } from './support/processes';
import { pluginsFolder } from './support/test-server';
import { registerUpstreamApp } from './support/pipeline-runs';

const SCRIPT = 'sleep 300 & echo "child $!"; sleep 300 & echo "child $!"; wait';

/**
 * A server killed with SIGKILL cannot stop its jobs' processes. The next server on the same work
 * folder kills them when its agent starts, and fails the jobs once their leases run out.
 */
describe('the processes of jobs whose server died', () => {
  let database: TestDatabase;
  let upstream: JsonRepository;
  const processes: BatonProcess[] = [];
  const children: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('embedded');
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
  });

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    for (const pid of children) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await upstream?.close();
    await database?.drop();
  });

  it('are killed by the next server’s agent, and their job is failed as "agent lost"', async () => {
    const admin = `test-admin-${randomBytes(12).toString('hex')}`;
    const env = {
      BATON_DATA_DIR: database.dataDir,
      BATON_ADMIN_TOKEN: admin,
      BATON_PLUGINS_DIR: pluginsFolder('json-file'),
      // Heartbeats every third of it: the first server keeps its job through any stall of a busy machine until it is killed.
      BATON_JOB_LEASE_SECONDS: '12',
      BATON_SHUTDOWN_DELAY_SECONDS: '0',
    };
    const first = spawnBaton(env);
    processes.push(first);
    const api = await ApiClient.connect(await first.listening, admin);
    const packageId = await registerUpstreamApp(api, upstream.url);
    await api.post(`/api/packages/${packageId}/poll?wait=120`);
    await api.post('/api/pipelines', {
      name: 'long',
      materials: [{ name: 'app', package: { repository: 'upstream', package: 'app' }, auto_trigger: false }],
      stages: [{ name: 'run', jobs: [{ name: 'wait', tasks: [{ exec: { command: 'sh', arguments: ['-c', SCRIPT] } }] }] }],
    });
    await api.post('/api/pipelines/long/runs', {});
    const console = () =>
      fetch(`${api.baseUrl}/api/pipelines/long/runs/1/stages/run/jobs/wait/console?follow=false`, { headers: { authorization: `Bearer ${admin}` } }).then((r) =>
        r.text(),
      );
    const started = await eventually(async () => {
      const pids = [...(await console()).matchAll(/^child (\d+)$/gm)].map((m) => Number(m[1]));
      return pids.length === 2 ? pids : undefined;
    });
    children.push(...started);

    first.child.kill('SIGKILL');
    await first.exited;
    const aliveAfterKill = started.filter(isAlive);
    const second = spawnBaton(env);
    processes.push(second);
    const again = await ApiClient.connect(await second.listening, admin);
    await eventually(async () => (started.some(isAlive) ? undefined : true), 60_000, 'the orphaned processes to be killed');
    const job = await eventually(
      async () => {
        const stage = (await again.get('/api/pipelines/long/runs/1')).body.stages[0];
        return stage.state === 'failed' ? stage.jobs[0] : undefined;
      },
      60_000,
      'the job to be failed',
    );
    second.child.kill('SIGTERM');
    const exit = await second.exited;

    expect(aliveAfterKill).toEqual(started);
    expect(job).toMatchObject({ state: 'failed', result: 'agent lost' });
    expect(exit.code).toBe(0);
  });
});
