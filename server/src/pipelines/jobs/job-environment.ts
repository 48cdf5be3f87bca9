import type { PackageMaterialConfiguration, PlainConfiguration } from '../../materials/material-reader';
import type { SecretBox } from '../../security/secret-box';
import { environmentName, packageEnvironmentName, type JobDefinition, type PipelineDefinition } from '../definitions/definition';
import { overridableIn } from '../runs/environment-overrides';
import type { BuildCause, EnvironmentOverride, PackageMaterialRevision, PipelineMaterialRevision, UpstreamPackageRevision } from '../runs/run-model';
import { decryptVariable } from '../definitions/secure-environment';

export interface JobEnvironmentInput {
  pipeline: string;
  counter: number;
  label: string;
  triggeredBy: string;
  definition: PipelineDefinition;
  buildCause: BuildCause;
  environmentOverrides: Record<string, EnvironmentOverride>;
  stage: { name: string; counter: number };
  job: JobDefinition;
  /** The current configuration of each package material, by package id; null when the package is gone. */
  packages: ReadonlyMap<string, PackageMaterialConfiguration | null>;
}

/** The variables a job's processes see, and the values to mask in its console. */
export interface JobEnvironment {
  environment: Record<string, string>;
  secrets: string[];
}

/** Thrown when a secure pipeline variable cannot be decrypted: the job cannot run as defined. */
export class UnreadableVariable extends Error {}

/**
 * The job environment as GoCD defines it, in order — the packages that came with upstream runs,
 * the pipeline's own materials, the run's own variables, then
 * the pipeline's `environment`, its decrypted `secure_environment`, the job's `environment` and
 * the run's overrides (later ones win). Nothing comes from the server's own environment. An
 * override applies only to a job whose pipeline or own `overridable` lists it, and never to a
 * protected name; one that replaces a secure variable is masked like it.
 */
export function jobEnvironment(input: JobEnvironmentInput, box: SecretBox): JobEnvironment {
  // Variable names are data: `__proto__` or `constructor` is a variable like any other.
  const environment: Record<string, string> = Object.create(null) as Record<string, string>;
  const secrets: string[] = [];
  for (const revision of input.buildCause.upstream_packages ?? []) addPackage(environment, secrets, revision, input.packages.get(revision.package_id) ?? null);
  for (const material of input.buildCause.materials) {
    if (material.type === 'package') addPackage(environment, secrets, material, input.packages.get(material.package_id) ?? null);
    else addDependency(environment, material);
  }
  Object.assign(environment, {
    GO_PIPELINE_NAME: input.pipeline,
    GO_PIPELINE_COUNTER: String(input.counter),
    GO_PIPELINE_LABEL: input.label,
    GO_STAGE_NAME: input.stage.name,
    GO_STAGE_COUNTER: String(input.stage.counter),
    GO_JOB_NAME: input.job.name,
    GO_TRIGGER_USER: input.triggeredBy,
  });
  Object.assign(environment, input.definition.environment ?? {});
  for (const [key, value] of Object.entries(input.definition.secure_environment ?? {})) {
    const plain = decryptSecure(box, value.encrypted_value, input.pipeline, key);
    environment[key] = plain;
    secrets.push(plain);
  }
  Object.assign(environment, input.job.environment ?? {});
  addOverrides(environment, secrets, input, box);
  return { environment, secrets: [...new Set(secrets.filter((s) => s !== ''))] };
}

function addOverrides(environment: Record<string, string>, secrets: string[], input: JobEnvironmentInput, box: SecretBox): void {
  const accepted = overridableIn(input.definition, input.job);
  const secure = input.definition.secure_environment ?? {};
  for (const [key, value] of Object.entries(input.environmentOverrides)) {
    if (!accepted.has(key)) continue;
    const plain = typeof value === 'string' ? value : decryptSecure(box, value.encrypted_value, input.pipeline, key);
    environment[key] = plain;
    if (typeof value !== 'string' || Object.hasOwn(secure, key)) secrets.push(plain);
  }
}

function addPackage(
  environment: Record<string, string>,
  secrets: string[],
  material: PackageMaterialRevision | UpstreamPackageRevision,
  configuration: PackageMaterialConfiguration | null,
): void {
  const name = packageEnvironmentName(material.name);
  environment[`GO_PACKAGE_${name}_LABEL`] = material.revision;
  if (configuration) {
    addConfiguration(environment, secrets, `GO_REPO_${name}_`, configuration.repository);
    addConfiguration(environment, secrets, `GO_PACKAGE_${name}_`, configuration.package);
  }
  for (const [key, value] of Object.entries(material.data)) environment[`GO_PACKAGE_${name}_${key}`] = value;
}

function addConfiguration(environment: Record<string, string>, secrets: string[], prefix: string, configuration: PlainConfiguration): void {
  for (const [key, value] of Object.entries(configuration.values)) environment[`${prefix}${environmentName(key)}`] = value;
  for (const key of configuration.secureKeys) secrets.push(configuration.values[key] ?? '');
}

function addDependency(environment: Record<string, string>, material: PipelineMaterialRevision): void {
  const name = environmentName(material.name);
  environment[`GO_DEPENDENCY_LABEL_${name}`] = material.label;
  environment[`GO_DEPENDENCY_LOCATOR_${name}`] = `${material.pipeline}/${material.counter}/${material.stage}/${material.stage_counter}`;
}

function decryptSecure(box: SecretBox, encrypted: string, pipeline: string, key: string): string {
  try {
    return decryptVariable(box, encrypted, pipeline, key);
  } catch (error) {
    throw new UnreadableVariable(
      `the secure variable ${key} of pipeline '${pipeline}' cannot be decrypted (${(error as Error).message}); encrypt it again with POST /api/encrypt`,
    );
  }
}
