import fs from 'node:fs';
import path from 'node:path';
import type { LocalAgent } from '../server/src/agents/local-agent';
import type { DbPipelineRunRow, DbStageRunRow } from '../server/src/db/tables';
import { AgentHarness, oneJobPipeline, packageRevision } from './support/agent-harness';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';
import { isAlive } from './support/processes';

describe.each(DATABASE_KINDS)('the processes of jobs [%s]', (kind) => {
  let harness: AgentHarness;
  let agent: LocalAgent;
  let material: ReturnType<typeof packageRevision>;
  const started: number[] = [];

  const folderOf = (run: DbPipelineRunRow) => path.join(harness.workDir, run.pipeline_name, String(run.counter), 'qa-1', 'smoke');
  const pidsIn = (run: DbPipelineRunRow, ...files: string[]) =>
    eventually(
      async () => {
        const paths = files.map((f) => path.join(folderOf(run), f));
        if (!paths.every((p) => fs.existsSync(p) && fs.readFileSync(p, 'utf8').trim() !== '')) return undefined;
        const pids = paths.map((p) => Number(fs.readFileSync(p, 'utf8').trim()));
        started.push(...pids);
        return pids;
      },
      60_000,
      `pid files ${files.join(', ')}`,
    );

  beforeAll(async () => {
    harness = await AgentHarness.open(kind);
    const repositoryId = await harness.addRepository('repo', { plain: { REPO_URL: 'http://repo.example.org/' } });
    const packageId = await harness.addPackage(repositoryId, 'pkg', {});
    material = packageRevision('app', { repositoryId, packageId }, '1.0.0', {});
    agent = harness.agent(await harness.queue({ leaseSeconds: 3 }), { leaseSeconds: 3, shutdownGraceMs: 500 });
  });

  afterAll(async () => {
    for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await harness?.close();
  });

  it('kills a job that outlives its timeout, with its children', async () => {
    const script = 'sleep 300 & echo $! > first.pid; sleep 300 & echo $! > second.pid; echo $$ > shell.pid; wait';
    const run = await harness.startRun(oneJobPipeline('slow', [{ exec: { command: 'sh', arguments: ['-c', script], timeout_seconds: 5 } }]), [material]);
    const pids = await pidsIn(run, 'first.pid', 'second.pid', 'shell.pid');

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('failed');
    expect(job.result).toContain('timed out after 5 s');
    expect(pids.filter(isAlive)).toEqual([]);
    expect((await harness.stage(run.id, 'qa')).state).toBe('failed');
  });

  it('stops what a task left running in the background when the task ends', async () => {
    const script = 'sleep 300 & echo $! > leftover.pid; exit 0';
    const run = await harness.startRun(oneJobPipeline('leftover', [{ exec: { command: 'sh', arguments: ['-c', script] } }]), [material]);

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('passed');
    const [pid] = await pidsIn(run, 'leftover.pid');
    expect(isAlive(pid)).toBe(false);
  });

  it('kills the processes of a job that is cancelled while it runs', async () => {
    const script = 'echo $$ > shell.pid; sleep 300 & echo $! > child.pid; wait';
    const run = await harness.startRun(oneJobPipeline('cancelled', [{ exec: { command: 'sh', arguments: ['-c', script] } }]), [material]);
    const pids = await pidsIn(run, 'shell.pid', 'child.pid');

    await harness.db.knex.transaction(async (trx) => {
      const stage = (await trx('stage_runs').where({ run_id: run.id }).forUpdate().first()) as DbStageRunRow;
      await harness.stages.cancel(trx, stage, 'dave');
    });

    await eventually(async () => (pids.some(isAlive) ? undefined : true), 60_000, 'the cancelled job’s processes to end');
    const job = await harness.job(run.id, 'qa', 'smoke');
    expect(job.state).toBe('cancelled');
    expect((await harness.stage(run.id, 'qa')).state).toBe('cancelled');
    await eventually(
      async () => ((await harness.jobConsole.text(job.id)).includes('the job was cancelled') ? true : undefined),
      60_000,
      'the cancel in the console',
    );
  });

  it('at a stop, kills the jobs still running after the grace and records why', async () => {
    const script = 'echo $$ > shell.pid; sleep 300';
    const run = await harness.startRun(oneJobPipeline('at-shutdown', [{ exec: { command: 'sh', arguments: ['-c', script] } }]), [material]);
    const pids = await pidsIn(run, 'shell.pid');

    await agent.stop();

    const job = await harness.job(run.id, 'qa', 'smoke');
    expect(job.state).toBe('failed');
    expect(job.result).toBe('stopped: the server shut down while the job ran');
    expect(pids.filter(isAlive)).toEqual([]);
    expect((await harness.stage(run.id, 'qa')).state).toBe('failed');
  });
});
