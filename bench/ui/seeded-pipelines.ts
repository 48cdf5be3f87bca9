import type { BatonApi } from '../polling/baton-api';
import { progress, seconds } from '../polling/report';
import type { BenchOptions } from './options';

/** Requests in flight at once while seeding: enough to keep the server busy, few enough for two cores. */
const CONCURRENCY = 8;
/** Pipelines per group: the dashboard lists them under a heading each. */
const GROUP_SIZE = 20;
const WAIT_STEP_MS = 2000;
const WAIT_LIMIT_MS = 30 * 60_000;

interface DashboardAnswer {
  pipelines: { pipeline: { name: string }; runs: { status: string }[] }[];
}

export const pipelineName = (i: number): string => `pipeline-${String(i).padStart(4, '0')}`;

/**
 * Real runs, made the cheapest way the API offers: pipelines with one stage of one job running
 * `true`, on a package material that does not trigger them, each triggered `runs` times; the
 * local agent runs every job, and seeding ends when every run has finished.
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

async function everyRunFinished(api: BatonApi, options: BenchOptions): Promise<void> {
  const wanted = options.pipelines * options.runs;
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (let last = -1; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS))) {
    const answer = await api.json<DashboardAnswer>('GET', `/api/dashboard?runs=${options.runs}`);
    const finished = answer.pipelines.reduce((sum, p) => sum + p.runs.filter((r) => r.status === 'completed').length, 0);
    const shown = answer.pipelines.reduce((sum, p) => sum + p.runs.length, 0);
    if (finished === shown && shown === wanted) return;
    if (finished !== last) progress(`${finished} of the newest runs finished (of ${wanted} runs)`);
    last = finished;
  }
  throw new Error(`the runs did not all finish within ${WAIT_LIMIT_MS / 60_000} minutes`);
}
