import { addFieldError, type FieldErrors } from '../../domain-errors';
import { isPackageMaterial, type PackageMaterialDefinition, type PipelineDefinition, type PipelineMaterialDefinition } from './definition';
import type { DefinitionLookups } from './definition-lookups';

/**
 * References are exact: runs and triggers match names as written, so a reference that differs
 * from the real name only in case is refused, with the real name suggested.
 */
export function referenceErrors(definition: PipelineDefinition, lookups: DefinitionLookups, errors: FieldErrors): void {
  const seenPackages = new Map<string, number>();
  definition.materials.forEach((material, index) => {
    if (isPackageMaterial(material)) {
      packageErrors(material, index, lookups, errors);
      const key = `${material.package.repository}\u0000${material.package.package}`;
      const first = seenPackages.get(key);
      if (first !== undefined) addFieldError(errors, `materials[${index}].package`, `this package is already material materials[${first}]`);
      else seenPackages.set(key, index);
    } else {
      upstreamErrors(definition, material, index, lookups, errors);
    }
  });
  dependentErrors(definition, lookups, errors);
}

function packageErrors(material: PackageMaterialDefinition, index: number, lookups: DefinitionLookups, errors: FieldErrors): void {
  const path = `materials[${index}].package`;
  const { repository: repositoryName, package: packageName } = material.package;
  const repository = lookups.repository(repositoryName);
  if (!repository) return addFieldError(errors, path, `no repository named '${repositoryName}'`);
  if (repository.name !== repositoryName) return addFieldError(errors, path, `no repository named '${repositoryName}'; did you mean '${repository.name}'?`);
  if (repository.packages.includes(packageName)) return;
  const similar = repository.packages.find((p) => p.toLowerCase() === packageName.toLowerCase());
  const hint = similar ? `; did you mean '${similar}'?` : '';
  addFieldError(errors, path, `repository '${repositoryName}' has no package named '${packageName}'${hint}`);
}

function upstreamErrors(
  definition: PipelineDefinition,
  material: PipelineMaterialDefinition,
  index: number,
  lookups: DefinitionLookups,
  errors: FieldErrors,
): void {
  const path = `materials[${index}]`;
  if (material.pipeline.toLowerCase() === definition.name.toLowerCase()) {
    return addFieldError(errors, `${path}.pipeline`, 'dependency cycle: a pipeline cannot depend on itself');
  }
  const upstream = lookups.pipeline(material.pipeline);
  if (!upstream) return addFieldError(errors, `${path}.pipeline`, `no pipeline named '${material.pipeline}'`);
  if (upstream.name !== material.pipeline) {
    return addFieldError(errors, `${path}.pipeline`, `no pipeline named '${material.pipeline}'; did you mean '${upstream.name}'?`);
  }
  const cycle = cycleThrough(definition, upstream, lookups);
  if (cycle) addFieldError(errors, `${path}.pipeline`, `dependency cycle: ${cycle.join(' → ')}`);
  if (upstream.stages.some((s) => s.name === material.stage)) return;
  const similar = upstream.stages.find((s) => s.name.toLowerCase() === material.stage.toLowerCase());
  const hint = similar ? `; did you mean '${similar.name}'?` : '';
  addFieldError(errors, `${path}.stage`, `pipeline '${upstream.name}' has no stage named '${material.stage}'${hint}`);
}

/** The path from the definition back to itself through `upstream`, or null when there is none. */
function cycleThrough(definition: PipelineDefinition, upstream: PipelineDefinition, lookups: DefinitionLookups): string[] | null {
  const target = definition.name.toLowerCase();
  const visited = new Set<string>();
  const walk = (pipeline: PipelineDefinition, path: string[]): string[] | null => {
    const key = pipeline.name.toLowerCase();
    if (key === target) return [...path, pipeline.name];
    if (visited.has(key)) return null;
    visited.add(key);
    for (const material of pipeline.materials) {
      if (isPackageMaterial(material)) continue;
      const next = material.pipeline.toLowerCase() === target ? definition : lookups.pipeline(material.pipeline);
      const found = next ? walk(next, [...path, pipeline.name]) : null;
      if (found) return found;
    }
    return null;
  };
  return walk(upstream, [definition.name]);
}

/** Pipelines that depend on a stage of this one keep working only if the stage stays. */
function dependentErrors(definition: PipelineDefinition, lookups: DefinitionLookups, errors: FieldErrors): void {
  const stages = new Set(definition.stages.map((s) => s.name));
  for (const dependent of lookups.dependents(definition.name)) {
    for (const material of dependent.materials) {
      if (isPackageMaterial(material) || material.pipeline !== definition.name || stages.has(material.stage)) continue;
      addFieldError(errors, 'stages', `stage '${material.stage}' is used by pipeline '${dependent.name}'`);
    }
  }
}
