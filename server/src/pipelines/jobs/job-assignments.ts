import type { FetchCredentials } from '@baton/plugin-api';
import type { AssignedPackage, JobAssignment, PackageCredentials } from '../../agents/job-assignment';
import type { DbJobRunRow, DbPipelineRunRow, DbStageRunRow } from '../../db/tables';
import type { MaterialReader, PackageMaterialConfiguration } from '../../materials/material-reader';
import type { SecretBox } from '../../security/secret-box';
import type { PipelineDefinition } from '../definitions/definition';
import { jobEnvironment } from './job-environment';
import type { BuildCause, PackageMaterialRevision, UpstreamPackageRevision } from '../runs/run-model';

/** A job just claimed, with its stage and run as the database holds them. */
export interface ClaimedJob {
  job: DbJobRunRow;
  stage: DbStageRunRow;
  run: DbPipelineRunRow;
}

/** Thrown when a claimed job cannot be handed to an agent; the message says why, for its console. */
export class UnassignableJob extends Error {}

/**
 * Turns a claimed job into a self-contained assignment: its tasks from the run's definition
 * snapshot, its environment and secrets, and for each package material — and each package that
 * came with an upstream run — the revision's location and its own repository's current
 * credentials with the one origin they may go to.
 */
export class JobAssignments {
  constructor(
    private readonly materials: MaterialReader,
    private readonly box: SecretBox,
  ) {}

  async build({ job, stage, run }: ClaimedJob): Promise<JobAssignment> {
    const definition = run.definition as unknown as PipelineDefinition;
    const buildCause = run.build_cause as unknown as BuildCause;
    const jobDefinition = definition.stages[stage.stage_index]?.jobs.find((j) => j.name === job.job_name);
    if (!jobDefinition) throw new UnassignableJob(`the run's definition has no job '${job.job_name}' in stage '${stage.stage_name}'`);
    const packages = await this.packageConfigurations(buildCause);
    const { environment, secrets } = jobEnvironment(
      {
        pipeline: run.pipeline_name,
        counter: run.counter,
        label: run.label,
        triggeredBy: run.triggered_by,
        definition,
        buildCause,
        environmentOverrides: run.environment_overrides ?? {},
        stage: { name: stage.stage_name, counter: stage.counter },
        job: jobDefinition,
        packages,
      },
      this.box,
    );
    return {
      jobId: job.id,
      stageRunId: stage.id,
      runId: run.id,
      pipeline: run.pipeline_name,
      counter: run.counter,
      label: run.label,
      stage: stage.stage_name,
      stageCounter: stage.counter,
      job: job.job_name,
      tasks: jobDefinition.tasks,
      environment,
      secrets,
      packages: assignedPackages(buildCause, packages),
    };
  }

  private async packageConfigurations(buildCause: BuildCause): Promise<Map<string, PackageMaterialConfiguration | null>> {
    const configurations = new Map<string, PackageMaterialConfiguration | null>();
    for (const { material } of fetchable(buildCause)) {
      if (configurations.has(material.package_id)) continue;
      try {
        configurations.set(material.package_id, await this.materials.packageConfiguration(material.package_id));
      } catch (error) {
        throw new UnassignableJob(`the configuration of material '${material.name}' cannot be read: ${(error as Error).message}`);
      }
    }
    return configurations;
  }
}

/**
 * The run's package revisions under the names `fetch_package` takes: its own materials by their
 * names, those that came with an upstream run as `<upstream>/<name in the upstream run>`.
 */
function fetchable(buildCause: BuildCause): { name: string; material: PackageMaterialRevision | UpstreamPackageRevision }[] {
  const own = buildCause.materials.flatMap((material) => (material.type === 'package' ? [{ name: material.name, material }] : []));
  const upstream = (buildCause.upstream_packages ?? []).map((material) => ({ name: `${material.upstream}/${material.upstream_name}`, material }));
  return [...own, ...upstream];
}

function assignedPackages(buildCause: BuildCause, configurations: ReadonlyMap<string, PackageMaterialConfiguration | null>): AssignedPackage[] {
  const assigned: AssignedPackage[] = [];
  for (const { name, material } of fetchable(buildCause)) {
    assigned.push({
      material: name,
      revision: material.revision,
      location: material.data['LOCATION'] ?? null,
      checksum: material.data['CHECKSUM'] ?? null,
      integrity: material.data['INTEGRITY'] ?? null,
      credentials: credentialsOf(configurations.get(material.package_id) ?? null),
      localRepository: isLocalRepository(configurations.get(material.package_id) ?? null),
    });
  }
  return assigned;
}

/** Without a plugin's declaration: USERNAME and PASSWORD as Basic, to the origin of REPO_URL (or URL). */
function defaultFetchCredentials(values: Readonly<Record<string, string>>): FetchCredentials {
  return { urlKey: values['REPO_URL'] !== undefined ? 'REPO_URL' : 'URL', basic: { username: 'USERNAME', password: 'PASSWORD' } };
}

/**
 * The repository's credentials as its plugin declares them — a Bearer token when one is set,
 * else a user name and password — bound to the origin of the declared URL; none without one.
 */
function credentialsOf(configuration: PackageMaterialConfiguration | null): PackageCredentials | null {
  if (!configuration) return null;
  const { values } = configuration.repository;
  const rule = configuration.fetchCredentials ?? defaultFetchCredentials(values);
  const origin = httpOrigin(values[rule.urlKey]);
  if (origin === null) return null;
  const token = rule.bearer ? values[rule.bearer.token] : undefined;
  if (token) return { origin, scheme: 'bearer', token };
  if (!rule.basic) return null;
  const username = values[rule.basic.username] ?? null;
  const password = values[rule.basic.password] ?? null;
  return username === null && password === null ? null : { origin, scheme: 'basic', username, password };
}

/** Whether the repository's URL (`REPO_URL` or `URL`) is a `file:` URL. */
function isLocalRepository(configuration: PackageMaterialConfiguration | null): boolean {
  const value = configuration?.repository.values['REPO_URL'] ?? configuration?.repository.values['URL'];
  return value !== undefined && value.trim().toLowerCase().startsWith('file:');
}

/**
 * The origin of `REPO_URL` (or, for plugins that name it so, `URL`) when it is an http(s) URL.
 * No other property is guessed at: a proxy's or a callback's URL must never receive the
 * repository's credentials.
 */
export function repositoryOrigin(values: Readonly<Record<string, string>>): string | null {
  return httpOrigin(values['REPO_URL'] ?? values['URL']);
}

function httpOrigin(value: string | undefined): string | null {
  if (value === undefined || value.trim() === '') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}
