/**
 * The tasks a job runs, as a pipeline definition declares them (snake_case, as the API speaks).
 * They live with the agents that run them: pipelines embed them in their definitions, and an
 * agent needs nothing else of the pipeline model.
 */

export interface ExecTask {
  exec: { command: string; arguments?: string[]; working_directory?: string; timeout_seconds?: number };
}

export interface FetchPackageTask {
  fetch_package: { material: string; destination?: string };
}

export interface HttpTask {
  http: { method?: string; url: string; headers?: Record<string, string>; body?: string; timeout_seconds?: number };
}

export type TaskDefinition = ExecTask | FetchPackageTask | HttpTask;
