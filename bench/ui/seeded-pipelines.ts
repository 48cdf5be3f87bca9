import type { BatonApi } from '../polling/baton-api';
import { total } from '../polling/prometheus';
import { progress, seconds } from '../polling/report';
import type { BenchOptions } from './options';

/** Requests in flight at once while seeding: enough to keep the server busy, few enough for two cores. */
const CONCURRENCY = 8;
/** Pipelines per group: the dashboard lists them under a heading each. */
const GROUP_SIZE = 20;
const WAIT_STEP_MS = 5000;
const WAIT_LIMIT_MS = 30 * 60_000;

interface DashboardAnswer {
  pipelines: { pipeline: { name: string }; runs: { status: string }[] }[];
}

export const pipelineName = (i: number): string => `pipeline-${String(i).padStart(4, '0')}`;

/**
 * Real runs, made the cheapest way the API offers: pipelines with one stage of one job running
 * `true`, on a package material that does not trigger them, each triggered `runs` times. With an
 * agent, seeding ends when every run has finished; without, the runs stay scheduled, which the
 * dashboard shows in as many rows and cells.
 */
export async function seedPipelines(api: BatonApi, repositoryUrl: string, options: BenchOptions): Promise<void> {
  const repository = await api.json<{ id: string }>(
    'POST',
    '/api/repositories',
    { name: 'upstream', plugin_id: 'json-file', configuration: [{ key: 'URL', value: repositoryUrl }] },
    201,
  );
  const pkg = await api.json<{ id: string }>(
    'POST',
    '/api/packages',
    { name: 'app', repository_id: repository.id, configuration: [{ key: 'NAME', value: 'app' }], auto_update: false },
    201,
  );
  await api.json('POST', `/api/packages/${pkg.id}/poll?wait=60`);
  const startedAt = Date.now();
  await inParallel(options.pipelines, (i) => api.json('POST', '/api/pipelines', definition(i), 201));
  progress(`${options.pipelines} pipelines created in ${seconds((Date.now() - startedAt) / 1000, 1)}`);
  await inParallel(options.pipelines * options.runs, (k) => api.json('POST', `/api/pipelines/${pipelineName(k % options.pipelines)}/runs`, undefined, 201));
  progress(`${options.pipelines * options.runs} runs triggered after ${seconds((Date.now() - startedAt) / 1000, 1)}`);
  if (options.agentJobs === 0) return;
  await everyRunFinished(api, options);
  progress(`every run finished after ${seconds((Date.now() - startedAt) / 1000, 1)}`);
}

function definition(i: number) {
  return {
    name: pipelineName(i),
    group: `team-${String(Math.floor(i / GROUP_SIZE)).padStart(2, '0')}`,
    materials: [{ name: 'app', package: { repository: 'upstream', package: 'app' }, auto_trigger: false }],
    stages: [{ name: 'build', jobs: [{ name: 'compile', tasks: [{ exec: { command: 'true' } }] }] }],
  };
}

async function inParallel(count: number, task: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) await task(i);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
}

/**
 * Waits on the metrics' job gauges, which cost the server two counts (the runs themselves, read
 * every few seconds, would take its time from the jobs), then checks every run once.
 */
async function everyRunFinished(api: BatonApi, options: BenchOptions): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (let last = -1; ; await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS))) {
    if (Date.now() > deadline) throw new Error(`the jobs did not all finish within ${WAIT_LIMIT_MS / 60_000} minutes`);
    const scrape = await api.scrape();
    const left = total(scrape, 'baton_jobs_waiting') + total(scrape, 'baton_jobs_running');
    if (left === 0) break;
    if (left !== last) progress(`${left} jobs waiting or running`);
    last = left;
  }
  const answer = await api.json<DashboardAnswer>('GET', `/api/dashboard?runs=${options.runs}`);
  const finished = answer.pipelines.reduce((sum, p) => sum + p.runs.filter((r) => r.status === 'completed').length, 0);
  if (finished !== options.pipelines * options.runs) throw new Error(`${finished} runs finished, not ${options.pipelines * options.runs}`);
}
