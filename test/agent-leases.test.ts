import fs from 'node:fs';
import path from 'node:path';
import type { DbJobRunRow, DbStageRunRow } from '../server/src/db/tables';
import type { PipelineDefinition } from '../server/src/pipelines/definitions/definition';
import { AgentHarness, oneJobPipeline, packageRevision } from './support/agent-harness';
import { DATABASE_KINDS } from './support/databases';
import { eventually } from './support/eventually';

function manyJobs(name: string, count: number, command: string, environment: Record<string, string> = {}): PipelineDefinition {
  const jobs = Array.from({ length: count }, (_, i) => ({ name: `job-${i}`, tasks: [{ exec: { command: 'sh', arguments: ['-c', command] } }] }));
  return { name, environment, materials: [{ name: 'app', package: { repository: 'repo', package: 'pkg' } }], stages: [{ name: 'qa', jobs }] };
}

describe.each(DATABASE_KINDS)('job leases [%s]', (kind) => {
  let harness: AgentHarness;
  let material: ReturnType<typeof packageRevision>;

  const jobsOf = async (runId: string): Promise<DbJobRunRow[]> => {
    const stage = await harness.stage(runId, 'qa');
    return (await harness.db.knex('job_runs').where({ stage_run_id: stage.id })) as DbJobRunRow[];
  };

  beforeAll(async () => {
    harness = await AgentHarness.open(kind);
    const repositoryId = await harness.addRepository('repo', { plain: { REPO_URL: 'http://repo.example.org/' } });
    material = packageRevision('app', { repositoryId, packageId: await harness.addPackage(repositoryId, 'pkg', {}) }, '1.0.0', {});
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('hands each scheduled job to one claimer only, whatever claims race', async () => {
    const run = await harness.startRun(manyJobs('raced', 30, 'true'), [material]);
    const [first, second] = [await harness.queue({ ownConnection: true }), await harness.queue({ ownConnection: true })];

    const rounds = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? first.claim('owner-a', 4) : second.claim('owner-b', 4))));
    const rest = [...(await first.claim('owner-a', 30)), ...(await second.claim('owner-b', 30))];

    const claimed = [...rounds.flat(), ...rest].map((a) => a.jobId);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.sort()).toEqual((await jobsOf(run.id)).map((j) => j.id).sort());
    expect((await harness.stage(run.id, 'qa')).state).toBe('running');
  });

  it('renews the leases a heartbeat names and answers the jobs cancelled meanwhile', async () => {
    const queue = await harness.queue({ leaseSeconds: 60 });
    const kept = await harness.startRun(oneJobPipeline('kept', [{ exec: { command: 'true' } }]), [material]);
    const dropped = await harness.startRun(oneJobPipeline('dropped', [{ exec: { command: 'true' } }]), [material]);
    const claimed = await queue.claim('owner-h', 10);
    await harness.db.knex.transaction(async (trx) => {
      const stage = (await trx('stage_runs').where({ run_id: dropped.id }).forUpdate().first()) as DbStageRunRow;
      await harness.stages.cancel(trx, stage, 'erin');
    });
    const before = (await harness.job(kept.id, 'qa', 'smoke')).lease_expires_at!;

    const stop = await queue.heartbeat(
      'owner-h',
      claimed.map((a) => a.jobId),
    );

    expect(stop).toEqual([(await harness.job(dropped.id, 'qa', 'smoke')).id]);
    expect((await harness.job(kept.id, 'qa', 'smoke')).lease_expires_at!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(await queue.heartbeat('someone-else', [claimed[0].jobId])).toEqual([claimed[0].jobId]);
  });

  it('fails a job whose lease expired as "agent lost"; its stage fails and can run again', async () => {
    const queue = await harness.queue({ leaseSeconds: 600 });
    const run = await harness.startRun(oneJobPipeline('orphaned', [{ exec: { command: 'true' } }]), [material]);
    const [assignment] = (await queue.claim('dead-agent', 10)).filter((a) => a.runId === run.id);
    expect((await harness.job(run.id, 'qa', 'smoke')).state).toBe('running');
    await queue.reapExpired();
    expect((await harness.job(run.id, 'qa', 'smoke')).state).toBe('running');

    // The lease runs out as if the agent had not been heard from for its whole length.
    await harness.db
      .knex('job_runs')
      .where({ id: assignment.jobId })
      .update({ lease_expires_at: new Date(Date.now() - 1000) });
    const reaped = await queue.reapExpired();

    expect(reaped).toBeGreaterThanOrEqual(1);
    const job = await harness.job(run.id, 'qa', 'smoke');
    expect(job).toMatchObject({ id: assignment.jobId, state: 'failed', result: 'agent lost' });
    expect((await harness.stage(run.id, 'qa')).state).toBe('failed');
    expect(await harness.jobConsole.text(job.id)).toContain('agent lost: the lease of dead-agent expired');
    expect(await queue.complete('dead-agent', job.id, true, 'late')).toBe(false);
    expect(await queue.heartbeat('dead-agent', [job.id])).toEqual([job.id]);

    await harness.db.knex.transaction((trx) => harness.stages.rerun(trx, run, 0, 'frank'));
    const agent = harness.agent(await harness.queue());
    const rerun = await harness.waitForJob(run.id, 'qa', 'smoke');
    await agent.stop();

    expect(rerun.state).toBe('passed');
    expect((await harness.stage(run.id, 'qa')).counter).toBe(2);
  });

  it('runs every job exactly once with two agents on two queues', async () => {
    const markers = fs.mkdtempSync(path.join(harness.workDir, 'markers-'));
    // noclobber: a second run of a job cannot write its marker again, and fails. The first jobs wait
    // until four have started, more than one agent runs at a time, so both get work however slow either is to start.
    const script = 'set -C; echo "$GO_JOB_NAME" > "$MARKERS/$GO_JOB_NAME"; while [ "$(ls "$MARKERS" | wc -l)" -lt 4 ]; do sleep 0.1; done';
    const run = await harness.startRun(manyJobs('shared', 12, script, { MARKERS: markers }), [material]);
    const a = harness.agent(await harness.queue({ ownConnection: true }), { concurrency: 3, owner: 'agent-a' });
    const b = harness.agent(await harness.queue({ ownConnection: true }), { concurrency: 3, owner: 'agent-b' });

    const stage = await eventually(
      async () => {
        const row = await harness.stage(run.id, 'qa');
        return ['passed', 'failed'].includes(row.state) ? row : undefined;
      },
      60_000,
      'the stage to end',
    );
    await Promise.all([a.stop(), b.stop()]);

    const jobs = await jobsOf(run.id);
    expect(stage.state).toBe('passed');
    expect(jobs.every((j) => j.state === 'passed')).toBe(true);
    expect(fs.readdirSync(markers).sort()).toEqual(jobs.map((j) => j.job_name).sort());
    expect(new Set(jobs.map((j) => j.lease_owner))).toEqual(new Set(['agent-a', 'agent-b']));
  });
});
