import { allPages, PAGE_SIZE } from '../api/all-pages';
import { api, dataOf, type Schemas } from '../api/client';

export type Pipeline = Schemas['Pipeline'];
export type Run = Schemas['Run'];
export type StageRun = Schemas['StageRun'];

/** How many of each pipeline's latest runs the dashboard shows. */
export const RUNS_SHOWN = 5;
/** Runs are read a few pipelines at a time: a browser opens only so many connections to one server anyway. */
const PARALLEL_READS = 6;

export async function loadPipelines(): Promise<Pipeline[]> {
  const pipelines = await allPages(
    async (cursor) => dataOf(await api.GET('/api/pipelines', { params: { query: { limit: PAGE_SIZE, cursor } } })),
    (page) => page.pipelines,
  );
  return pipelines.sort((a, b) => a.name.localeCompare(b.name));
}

export async function loadLatestRuns(pipeline: string): Promise<Run[]> {
  const page = dataOf(await api.GET('/api/pipelines/{name}/runs', { params: { path: { name: pipeline }, query: { limit: String(RUNS_SHOWN) } } }));
  return page.runs;
}

/** Every pipeline's latest runs, keyed by pipeline name. */
export async function loadAllRuns(pipelines: Pipeline[]): Promise<Map<string, Run[]>> {
  const runs = new Map<string, Run[]>();
  const queue = pipelines.map((p) => p.name);
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) runs.set(name, await loadLatestRuns(name));
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, queue.length) }, worker));
  return runs;
}

export async function approveStage(pipeline: string, counter: number, stage: string): Promise<Run> {
  return dataOf(
    await api.POST('/api/pipelines/{name}/runs/{counter}/stages/{stage}/approve', { params: { path: { name: pipeline, counter: String(counter), stage } } }),
  );
}

/** Package revisions a run carries: those it chose and those that came with its upstream runs. */
export function carriedRevisions(run: Run): { name: string; revision: string }[] {
  const chosen = run.build_cause.materials.flatMap((m) => (m.type === 'package' ? [{ name: m.package_name, revision: m.revision }] : []));
  const upstream = (run.build_cause.upstream_packages ?? []).map((p) => ({ name: p.package_name, revision: p.revision }));
  return [...chosen, ...upstream];
}
