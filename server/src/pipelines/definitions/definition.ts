/**
 * The pipeline model, as JSON over REST and as YAML in the configuration folder (snake_case, as
 * the API speaks). Its types are those of the schemas in `definition-schema.ts`, so the two cannot
 * drift apart; the semantic rules (references, cycles, names) are in `definition-rules.ts`.
 */

import type { Static } from '@sinclair/typebox';
import type { ApprovalSchema, JobSchema, PackageMaterialSchema, PIPELINE_SCHEMA, PipelineMaterialSchema, StageSchema, TimerSchema } from './definition-schema';

export type PackageMaterialDefinition = Static<typeof PackageMaterialSchema>;
export type PipelineMaterialDefinition = Static<typeof PipelineMaterialSchema>;
export type MaterialDefinition = PackageMaterialDefinition | PipelineMaterialDefinition;
export type JobDefinition = Static<typeof JobSchema>;
export type Approval = Static<typeof ApprovalSchema>;
export type StageDefinition = Static<typeof StageSchema>;
export type TimerDefinition = Static<typeof TimerSchema>;
export type PipelineDefinition = Static<typeof PIPELINE_SCHEMA>;

export const DEFAULT_LABEL_TEMPLATE = '${COUNT}';

/** The group of a pipeline whose definition names none. */
export const DEFAULT_GROUP = 'default';

/** The group a pipeline is listed under, default applied. */
export function groupOf(definition: PipelineDefinition): string {
  return definition.group ?? DEFAULT_GROUP;
}

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

/**
 * The environment prefix of a package a job sees: a name qualified by the upstream pipeline it
 * came through (`build-api/app`) keeps its parts apart with `__` (`BUILD_API__APP`), so that it
 * cannot fall together with a material named `build_api_app`.
 */
export function packageEnvironmentName(name: string): string {
  return name.split('/').map(environmentName).join('__');
}

/** The approval of a stage, defaults applied. */
export function approvalOf(stage: StageDefinition): Approval {
  return stage.approval ?? { type: 'success' };
}
