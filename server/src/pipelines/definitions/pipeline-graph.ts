import { isPackageMaterial, materialName, type PackageMaterialDefinition, type PipelineDefinition, type PipelineMaterialDefinition } from './definition';

/** A package as pipelines name it: by repository and package name. */
export function packageKey(repository: string, pkg: string): string {
  return `${repository}\u0000${pkg}`;
}

/**
 * How pipelines hang together, from their definitions: which packages reach a pipeline through
 * its upstream pipelines (fan-in), who consumes a package directly, who depends on a stage.
 */
export class PipelineGraph {
  private readonly reachable = new Map<string, Set<string>>();

  constructor(private readonly definitions: ReadonlyMap<string, PipelineDefinition>) {}

  definition(name: string): PipelineDefinition | undefined {
    return this.definitions.get(name);
  }

  /** Every package that reaches `pipeline` through its upstream pipelines (not its own package materials). */
  packagesThroughUpstream(pipeline: string): Set<string> {
    const definition = this.definitions.get(pipeline);
    const result = new Set<string>();
    for (const material of definition?.materials ?? []) {
      if (!isPackageMaterial(material)) for (const key of this.packagesReaching(material.pipeline, new Set([pipeline]))) result.add(key);
    }
    return result;
  }

  /** Pipelines a new revision of this package triggers: they consume it directly, not through an upstream. */
  consumersOf(repository: string, pkg: string): { pipeline: PipelineDefinition; material: PackageMaterialDefinition }[] {
    const key = packageKey(repository, pkg);
    const consumers: { pipeline: PipelineDefinition; material: PackageMaterialDefinition }[] = [];
    for (const pipeline of this.definitions.values()) {
      const material = pipeline.materials.find(
        (m): m is PackageMaterialDefinition => isPackageMaterial(m) && packageKey(m.package.repository, m.package.package) === key,
      );
      if (material && material.auto_trigger !== false && !this.packagesThroughUpstream(pipeline.name).has(key)) {
        consumers.push({ pipeline, material });
      }
    }
    return consumers;
  }

  /** Pipelines that a passed stage triggers. */
  dependentsOf(upstream: string, stage: string): { pipeline: PipelineDefinition; material: PipelineMaterialDefinition }[] {
    const dependents: { pipeline: PipelineDefinition; material: PipelineMaterialDefinition }[] = [];
    for (const pipeline of this.definitions.values()) {
      const material = pipeline.materials.find((m): m is PipelineMaterialDefinition => !isPackageMaterial(m) && m.pipeline === upstream && m.stage === stage);
      if (material && material.auto_trigger !== false) dependents.push({ pipeline, material });
    }
    return dependents;
  }

  /** Pipelines that use this package, directly or not: for the value stream. */
  pipelinesDownstreamOf(repository: string, pkg: string): PipelineDefinition[] {
    const key = packageKey(repository, pkg);
    return [...this.definitions.values()].filter((p) => this.packagesReaching(p.name, new Set()).has(key));
  }

  /** The material of `pipeline` with this name. */
  material(pipeline: string, name: string) {
    return this.definitions.get(pipeline)?.materials.find((m) => materialName(m) === name);
  }

  private packagesReaching(pipeline: string, visiting: Set<string>): Set<string> {
    const cached = this.reachable.get(pipeline);
    if (cached) return cached;
    const result = new Set<string>();
    const definition = this.definitions.get(pipeline);
    if (!definition || visiting.has(pipeline)) return result;
    visiting.add(pipeline);
    for (const material of definition.materials) {
      if (isPackageMaterial(material)) result.add(packageKey(material.package.repository, material.package.package));
      else for (const key of this.packagesReaching(material.pipeline, visiting)) result.add(key);
    }
    visiting.delete(pipeline);
    this.reachable.set(pipeline, result);
    return result;
  }
}
