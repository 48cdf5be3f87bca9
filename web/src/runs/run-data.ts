import { api, dataOf, type Schemas } from '../api/client';

export type Run = Schemas['Run'];
export type StageRun = Schemas['StageRun'];
export type JobRun = StageRun['jobs'][number];
export type StageAction = 'approve' | 'cancel' | 'rerun';

export async function loadRun(pipeline: string, counter: number): Promise<Run> {
  return dataOf(await api.GET('/api/pipelines/{name}/runs/{counter}', { params: { path: { name: pipeline, counter: String(counter) } } }));
}

export async function actOnStage(action: StageAction, pipeline: string, counter: number, stage: string): Promise<Run> {
  const path = { name: pipeline, counter: String(counter), stage };
  return dataOf(await api.POST(`/api/pipelines/{name}/runs/{counter}/stages/{stage}/${action}`, { params: { path } }));
}

/** The run page's address; the dashboard links each run label to it. */
export function runPath(pipeline: string, counter: number): string {
  return `/pipelines/${encodeURIComponent(pipeline)}/runs/${counter}`;
}

/** The pipeline and counter of a run page's address, or null for any other path. */
export function parseRunPath(path: string): { pipeline: string; counter: number } | null {
  const match = /^\/pipelines\/([^/]+)\/runs\/([1-9][0-9]{0,8})$/.exec(path);
  if (match === null) return null;
  return { pipeline: decodeURIComponent(match[1] ?? ''), counter: Number(match[2]) };
}

export function consoleUrl(pipeline: string, counter: number, stage: string, job: string): string {
  const parts = [pipeline, String(counter), 'stages', stage, 'jobs', job].map(encodeURIComponent);
  return `/api/pipelines/${parts[0]}/runs/${parts.slice(1).join('/')}/console`;
}
