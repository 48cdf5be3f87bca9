import { sample } from '../../../test/support/metric-samples';
import { Metrics } from './metrics';
import { OTHER_STAGES } from './pipeline-metrics';

describe('PipelineMetrics', () => {
  it('counts runs created by trigger, every trigger from zero', async () => {
    const metrics = new Metrics();

    metrics.pipelines.runCreated('revision');
    metrics.pipelines.runCreated('revision');
    metrics.pipelines.runCreated('upstream');
    const text = await metrics.render();

    expect(sample(text, 'baton_pipeline_runs_created_total', { trigger: 'revision' })).toBe(2);
    expect(sample(text, 'baton_pipeline_runs_created_total', { trigger: 'upstream' })).toBe(1);
    expect(sample(text, 'baton_pipeline_runs_created_total', { trigger: 'timer' })).toBe(0);
    expect(sample(text, 'baton_pipeline_runs_created_total', { trigger: 'manual' })).toBe(0);
  });

  it('counts stage results by pipeline and stage, the other results of a stage from zero, and times them in buckets from seconds to hours', async () => {
    const metrics = new Metrics();

    metrics.pipelines.stageCompleted('app', 'build', 'passed', 42);
    metrics.pipelines.stageCompleted('app', 'build', 'passed', 5400);
    metrics.pipelines.stageCompleted('app', 'deploy', 'cancelled', null);
    const text = await metrics.render();

    const build = { pipeline: 'app', stage: 'build' };
    expect(sample(text, 'baton_stage_runs_completed_total', { ...build, result: 'passed' })).toBe(2);
    expect(sample(text, 'baton_stage_runs_completed_total', { ...build, result: 'failed' })).toBe(0);
    expect(sample(text, 'baton_stage_runs_completed_total', { pipeline: 'app', stage: 'deploy', result: 'cancelled' })).toBe(1);
    expect(sample(text, 'baton_stage_duration_seconds_count', { ...build, result: 'passed' })).toBe(2);
    expect(sample(text, 'baton_stage_duration_seconds_sum', { ...build, result: 'passed' })).toBe(5442);
    expect(sample(text, 'baton_stage_duration_seconds_bucket', { ...build, result: 'passed', le: '30' })).toBe(0);
    expect(sample(text, 'baton_stage_duration_seconds_bucket', { ...build, result: 'passed', le: '60' })).toBe(1);
    expect(sample(text, 'baton_stage_duration_seconds_bucket', { ...build, result: 'passed', le: '3600' })).toBe(1);
    expect(sample(text, 'baton_stage_duration_seconds_bucket', { ...build, result: 'passed', le: '7200' })).toBe(2);
    // A stage cancelled before it was scheduled has a result but no duration.
    expect(sample(text, 'baton_stage_duration_seconds_count', { pipeline: 'app', stage: 'deploy', result: 'cancelled' })).toBeNull();
  });

  it('gives series of their own to as many pipeline/stage pairs as its limit, and counts later pairs together', async () => {
    const metrics = new Metrics({ stageSeriesLimit: 2 });

    metrics.pipelines.stageCompleted('one', 'build', 'passed', 1);
    metrics.pipelines.stageCompleted('two', 'build', 'failed', 1);
    metrics.pipelines.stageCompleted('three', 'build', 'passed', 1);
    metrics.pipelines.stageApproved('four', 'deploy', 60);
    metrics.pipelines.stageCompleted('one', 'build', 'passed', 1);
    const text = await metrics.render();

    const other = { pipeline: OTHER_STAGES, stage: OTHER_STAGES };
    expect(sample(text, 'baton_stage_runs_completed_total', { pipeline: 'one', stage: 'build', result: 'passed' })).toBe(2);
    expect(sample(text, 'baton_stage_runs_completed_total', { pipeline: 'two', stage: 'build', result: 'failed' })).toBe(1);
    expect(sample(text, 'baton_stage_runs_completed_total', { pipeline: 'three', stage: 'build', result: 'passed' })).toBeNull();
    expect(sample(text, 'baton_stage_runs_completed_total', { ...other, result: 'passed' })).toBe(1);
    expect(sample(text, 'baton_stage_approval_wait_seconds_count', other)).toBe(1);
    expect(sample(text, 'baton_stage_approval_wait_seconds_count', { pipeline: 'four', stage: 'deploy' })).toBeNull();
  });

  it('records the wait for an approval by pipeline and stage, from a minute to a week', async () => {
    const metrics = new Metrics();

    metrics.pipelines.stageApproved('app', 'production', 20);
    metrics.pipelines.stageApproved('app', 'production', 3 * 86400);
    const text = await metrics.render();

    const production = { pipeline: 'app', stage: 'production' };
    expect(sample(text, 'baton_stage_approval_wait_seconds_count', production)).toBe(2);
    expect(sample(text, 'baton_stage_approval_wait_seconds_bucket', { ...production, le: '60' })).toBe(1);
    expect(sample(text, 'baton_stage_approval_wait_seconds_bucket', { ...production, le: '86400' })).toBe(1);
    expect(sample(text, 'baton_stage_approval_wait_seconds_bucket', { ...production, le: '259200' })).toBe(2);
    expect(sample(text, 'baton_stage_approval_wait_seconds_bucket', { ...production, le: '604800' })).toBe(2);
  });

  it('times jobs by result, both results from zero', async () => {
    const metrics = new Metrics();
    expect(sample(await metrics.render(), 'baton_job_duration_seconds_count', { result: 'failed' })).toBe(0);

    metrics.pipelines.jobCompleted('passed', 3);
    metrics.pipelines.jobCompleted('passed', 0.5);
    metrics.pipelines.jobCompleted('failed', null);
    const text = await metrics.render();

    expect(sample(text, 'baton_job_duration_seconds_count', { result: 'passed' })).toBe(2);
    expect(sample(text, 'baton_job_duration_seconds_sum', { result: 'passed' })).toBe(3.5);
    expect(sample(text, 'baton_job_duration_seconds_bucket', { result: 'passed', le: '1' })).toBe(1);
    expect(sample(text, 'baton_job_duration_seconds_count', { result: 'failed' })).toBe(0);
  });

  it('reads the jobs waiting and running when scraped, once for both gauges', async () => {
    let reads = 0;
    let counts = { waiting: 4, running: 2 };
    const metrics = new Metrics({
      activeJobs: async () => {
        reads += 1;
        return counts;
      },
    });

    const first = await metrics.render();
    const readsForOne = reads;
    counts = { waiting: 0, running: 1 };
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await metrics.render();

    expect(readsForOne).toBe(1);
    expect(sample(first, 'baton_jobs_waiting')).toBe(4);
    expect(sample(first, 'baton_jobs_running')).toBe(2);
    expect(sample(second, 'baton_jobs_waiting')).toBe(0);
    expect(sample(second, 'baton_jobs_running')).toBe(1);
  });

  it('shows the job gauges as not a number when the database cannot answer, and everything else as usual', async () => {
    const metrics = new Metrics({ activeJobs: () => Promise.reject(new Error('connection refused')) });
    metrics.pipelines.runCreated('manual');

    const text = await metrics.render();

    expect(sample(text, 'baton_jobs_waiting')).toBeNaN();
    expect(sample(text, 'baton_jobs_running')).toBeNaN();
    expect(sample(text, 'baton_pipeline_runs_created_total', { trigger: 'manual' })).toBe(1);
  });

  it('leaves the job gauges out when it has nothing to read them from', async () => {
    const text = await new Metrics().render();

    expect(text).not.toContain('baton_jobs_waiting');
    expect(text).not.toContain('baton_jobs_running');
  });
});
