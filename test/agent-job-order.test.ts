import type { PipelineDefinition } from '../server/src/pipelines/definitions/definition';
import { AgentHarness, packageRevision } from './support/agent-harness';
import { DATABASE_KINDS } from './support/databases';

const TWO_STAGES: PipelineDefinition = {
  name: 'ordered',
  materials: [{ name: 'app', package: { repository: 'repo', package: 'pkg' } }],
  stages: [
    { name: 'build', jobs: [{ name: 'compile', tasks: [{ exec: { command: 'true' } }] }] },
    { name: 'qa', jobs: [{ name: 'smoke', tasks: [{ exec: { command: 'true' } }] }] },
  ],
};

/** Runs under way come first: a run's next stage is handed out before newer runs' first stages. */
describe.each(DATABASE_KINDS)('the order of the job queue [%s]', (kind) => {
  let harness: AgentHarness;

  beforeAll(async () => {
    harness = await AgentHarness.open(kind);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('hands out the jobs of older runs first, even when they were scheduled later', async () => {
    const repositoryId = await harness.addRepository('repo', { plain: { REPO_URL: 'http://repo.example.org/' } });
    const material = packageRevision('app', { repositoryId, packageId: await harness.addPackage(repositoryId, 'pkg', {}) }, '1.0.0', {});
    const queue = await harness.queue();
    const runs = [
      await harness.startRun(TWO_STAGES, [material]),
      await harness.startRun(TWO_STAGES, [material]),
      await harness.startRun(TWO_STAGES, [material]),
    ];

    const [firstBuild] = await queue.claim('owner-o', 1);
    await queue.complete('owner-o', firstBuild.jobId, true, 'passed');
    const next = await queue.claim('owner-o', 3);

    expect(firstBuild).toMatchObject({ counter: runs[0].counter, stage: 'build' });
    expect(next.map((a) => `${a.counter}/${a.stage}`)).toEqual([`${runs[0].counter}/qa`, `${runs[1].counter}/build`, `${runs[2].counter}/build`]);
  });
});
