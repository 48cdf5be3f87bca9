/**
 * The pipeline model, as JSON over REST and as YAML in the configuration folder (snake_case, as
 * the API speaks). `definition-schema.ts` describes the same shape as a JSON Schema; the
 * semantic rules (references, cycles, names) are in `definition-rules.ts`.
 */

import type { TaskDefinition } from '../../agents/task-definition';

export interface PackageMaterialDefinition {
  /** Default: `<repository>_<package>`. */
  name?: string;
  package: { repository: string; package: string };
  /** False: a new revision does not trigger the pipeline (it is still used by other triggers). */
  auto_trigger?: boolean;
}

export interface PipelineMaterialDefinition {
  /** Default: the upstream pipeline's name. */
  name?: string;
  pipeline: string;
  stage: string;
  auto_trigger?: boolean;
}

export type MaterialDefinition = PackageMaterialDefinition | PipelineMaterialDefinition;

export interface JobDefinition {
  name: string;
  environment?: Record<string, string>;
  /** Variables a manual trigger may override for this job (besides the pipeline's `overridable`). */
  overridable?: string[];
  tasks: TaskDefinition[];
}

export type Approval = { type: 'success' } | { type: 'manual'; roles?: ('viewer' | 'operator' | 'admin')[]; users?: string[] };

export interface StageDefinition {
  name: string;
  /** Default `{ type: 'success' }`: runs when the previous stage passes. */
  approval?: Approval;
  jobs: JobDefinition[];
}

export interface TimerDefinition {
  /** node-cron syntax, with seconds: `0 0 22 * * 1-5`. */
  spec: string;
  timezone?: string;
  /** Only when a material has a revision the pipeline has not run with. */
  only_on_changes?: boolean;
}

export interface PipelineDefinition {
  name: string;
  /** Default `${COUNT}`; tokens `${COUNT}`, `${<material>}`, `${<material>[:N]}`. */
  label_template?: string;
  /** One run at a time: a new run waits until the previous one has finished. */
  lock?: boolean;
  materials: MaterialDefinition[];
  environment?: Record<string, string>;
  secure_environment?: Record<string, { encrypted_value: string }>;
  /** Variables a manual trigger may override in every job; none by default. */
  overridable?: string[];
  timer?: TimerDefinition;
  stages: StageDefinition[];
}

export const DEFAULT_LABEL_TEMPLATE = '${COUNT}';

export function isPackageMaterial(material: MaterialDefinition): material is PackageMaterialDefinition {
  return 'package' in material;
}

/** A material's name: given, or derived as GoCD does. */
export function materialName(material: MaterialDefinition): string {
  if (material.name) return material.name;
  return isPackageMaterial(material) ? `${material.package.repository}_${material.package.package}` : material.pipeline;
}

/** The environment prefix of a material: every character outside `[A-Za-z0-9_]` becomes `_`, then upper case. */
export function environmentName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase();
}

/** The approval of a stage, defaults applied. */
export function approvalOf(stage: StageDefinition): Approval {
  return stage.approval ?? { type: 'success' };
}
