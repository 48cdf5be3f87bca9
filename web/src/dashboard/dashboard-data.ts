import { api, dataOf, type Schemas } from '../api/client';

export type Pipeline = Schemas['Pipeline'];
export type Run = Schemas['Run'];
export type StageRun = Schemas['StageRun'];

/** How many of each pipeline's latest runs the dashboard shows. */
export const RUNS_SHOWN = 5;

/** Pipelines listed under one group's heading. */
export interface PipelineGroup {
  name: string;
  pipelines: Pipeline[];
}

/** Every pipeline with its latest runs, in one request however many pipelines there are. */
export async function loadDashboard(): Promise<{ pipelines: Pipeline[]; runs: Map<string, Run[]> }> {
  const answer = dataOf(await api.GET('/api/dashboard', { params: { query: { runs: String(RUNS_SHOWN) } } }));
  return {
    pipelines: answer.pipelines.map((entry) => entry.pipeline),
    runs: new Map(answer.pipelines.map((entry) => [entry.pipeline.name, entry.runs])),
  };
}

/** A pipeline as it is now: its status says whether it is paused or locked. */
export async function loadPipeline(name: string): Promise<Pipeline> {
  return dataOf(await api.GET('/api/pipelines/{name}', { params: { path: { name } } }));
}

export async function loadLatestRuns(pipeline: string): Promise<Run[]> {
  const page = dataOf(await api.GET('/api/pipelines/{name}/runs', { params: { path: { name: pipeline }, query: { limit: String(RUNS_SHOWN) } } }));
  return page.runs;
}

/** The pipelines by group, groups in name order and pipelines in name order within each; empty groups are left out. */
export function groupPipelines(pipelines: readonly Pipeline[]): PipelineGroup[] {
  const groups = new Map<string, Pipeline[]>();
  for (const pipeline of pipelines) {
    const members = groups.get(pipeline.group);
    if (members) members.push(pipeline);
    else groups.set(pipeline.group, [pipeline]);
  }
  const byName = (a: string, b: string) => a.localeCompare(b);
  return [...groups.entries()].sort(([a], [b]) => byName(a, b)).map(([name, members]) => ({ name, pipelines: members.sort((a, b) => byName(a.name, b.name)) }));
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
