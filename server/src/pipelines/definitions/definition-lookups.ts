import { isPackageMaterial, type PipelineDefinition } from './definition';

/** A repository as definitions name it, with the names of its packages. */
export interface NamedRepository {
  name: string;
  packages: readonly string[];
}

/**
 * What the semantic rules need to know beyond the definition itself. Read-only and synchronous:
 * it is loaded once per validation, so the rules stay pure and can be tested without a database.
 * Lookups ignore case, so that a reference differing only in case can be named in the message.
 */
export interface DefinitionLookups {
  repository(name: string): NamedRepository | null;
  /** Another pipeline's definition, or null. */
  pipeline(name: string): PipelineDefinition | null;
  /** The other pipelines with a material on this pipeline. */
  dependents(name: string): PipelineDefinition[];
  /** Whether a secure value decrypts for this pipeline and variable. */
  decrypts(encrypted: string, pipeline: string, variable: string): boolean;
}

/** Lookups over lists already loaded. */
export function definitionLookups(
  repositories: readonly NamedRepository[],
  pipelines: readonly PipelineDefinition[],
  decrypts: DefinitionLookups['decrypts'],
): DefinitionLookups {
  const repositoryByName = new Map(repositories.map((r) => [r.name.toLowerCase(), r]));
  const pipelineByName = new Map(pipelines.map((p) => [p.name.toLowerCase(), p]));
  return {
    repository: (name) => repositoryByName.get(name.toLowerCase()) ?? null,
    pipeline: (name) => pipelineByName.get(name.toLowerCase()) ?? null,
    dependents: (name) =>
      pipelines.filter(
        (p) => p.name.toLowerCase() !== name.toLowerCase() && p.materials.some((m) => !isPackageMaterial(m) && m.pipeline.toLowerCase() === name.toLowerCase()),
      ),
    decrypts,
  };
}
