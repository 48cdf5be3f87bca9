/**
 * Everything an agent needs to run one job, and nothing more: a remote agent would receive the
 * same object over the API, so it holds values, never database ids to look things up with.
 */

import type { ExecTask, FetchPackageTask, HttpTask, TaskDefinition } from './task-definition';

/** Tasks as the pipeline definition declares them: the agent runs them as written. */
export type ExecStep = ExecTask;
export type FetchPackageStep = FetchPackageTask;
export type HttpStep = HttpTask;
export type AssignedTask = TaskDefinition;

/** Repository credentials, how they are sent, and the only origin they may be sent to. */
export type PackageCredentials =
  { origin: string; scheme: 'basic'; username: string | null; password: string | null } | { origin: string; scheme: 'bearer'; token: string };

/** A package material's revision as the job carries it. */
export interface AssignedPackage {
  /** The name `fetch_package` takes: a package material's, or `<upstream pipeline>/<name>` for one that came with an upstream run. */
  material: string;
  revision: string;
  /** The revision's `LOCATION` data, if the plugin reported one. */
  location: string | null;
  /** The revision's `CHECKSUM` data: `<algorithm>:<hex>`. */
  checksum: string | null;
  /** The revision's `INTEGRITY` data: Subresource Integrity, `sha512-<base64>` (npm's `dist.integrity`). */
  integrity?: string | null;
  credentials: PackageCredentials | null;
  /** The repository is itself a folder (a `file:` URL): only then may its `LOCATION` be a local file. */
  localRepository?: boolean;
}

export interface JobAssignment {
  jobId: string;
  stageRunId: string;
  runId: string;
  pipeline: string;
  counter: number;
  label: string;
  stage: string;
  stageCounter: number;
  job: string;
  tasks: AssignedTask[];
  /** The job environment, without `PATH` and `HOME`, which the agent adds. */
  environment: Record<string, string>;
  /** Values to mask wherever the job's output is shown. */
  secrets: string[];
  packages: AssignedPackage[];
}
