import { isPackageMaterial, materialName, packageEnvironmentName, type PipelineDefinition, type PipelineMaterialDefinition } from './definition';
import type { DefinitionLookups } from './definition-lookups';

/** A package under the name a pipeline's jobs see it; `key` tells packages apart (a package id, or its repository and name). */
export interface SeenPackage {
  name: string;
  key: string;
}

/** A package that reaches a pipeline through one of its upstream pipelines. */
export interface ThroughUpstream<T> {
  /** The upstream pipeline it came through. */
  upstream: string;
  /** Its name in the upstream pipeline's jobs: `fetch_package` names it `<upstream>/<upstreamName>`. */
  upstreamName: string;
  /** Its name in this pipeline's jobs. */
  name: string;
  of: T;
}

/**
 * Names the packages that reach a pipeline through its upstream pipelines. Each keeps the name the
 * upstream's jobs saw it under, unless that name (as an environment prefix) also belongs to
 * another package — one of another upstream, or one of the pipeline's own materials: then every
 * such package that came through an upstream is named `<upstream>/<name>`, and its variables
 * `GO_PACKAGE_<UPSTREAM>__<NAME>_*`. The pipeline's own materials keep their names. One rule for
 * the definitions (what `fetch_package` may name) and for runs (what jobs get).
 */
export function namedThroughUpstreams<T>(
  own: readonly SeenPackage[],
  upstreams: readonly { pipeline: string; packages: readonly T[] }[],
  seen: (item: T) => SeenPackage,
): ThroughUpstream<T>[] {
  const entries = new Map<string, { upstream: string; seen: SeenPackage; of: T }>();
  for (const { pipeline, packages } of upstreams) {
    for (const item of packages) {
      const found = seen(item);
      const id = [pipeline, found.name, found.key].join('\u0000');
      if (!entries.has(id)) entries.set(id, { upstream: pipeline, seen: found, of: item });
    }
  }
  const keysByPrefix = new Map<string, Set<string>>();
  for (const { name, key } of [...own, ...[...entries.values()].map((e) => e.seen)]) {
    const prefix = packageEnvironmentName(name);
    keysByPrefix.set(prefix, (keysByPrefix.get(prefix) ?? new Set<string>()).add(key));
  }
  return [...entries.values()].map(({ upstream, seen: { name }, of }) => ({
    upstream,
    upstreamName: name,
    name: keysByPrefix.get(packageEnvironmentName(name))!.size > 1 ? `${upstream}/${name}` : name,
    of,
  }));
}

/** The packages a pipeline's jobs see: its own materials, and those its upstream pipelines' runs carry. */
export interface PackagesSeen {
  own: SeenPackage[];
  throughUpstreams: ThroughUpstream<SeenPackage>[];
}

/**
 * The packages the runs of `definition` will carry, as its jobs will see them, from the
 * definitions as they are now (keys are repository and package names): what `fetch_package` may
 * name. An upstream that does not exist, or a cycle, adds nothing: other rules report those.
 */
export function packagesSeenBy(definition: PipelineDefinition, lookups: DefinitionLookups): PackagesSeen {
  const known = new Map<string, PackagesSeen>();
  const walk = (pipeline: PipelineDefinition, visiting: ReadonlySet<string>): PackagesSeen => {
    const id = pipeline.name.toLowerCase();
    const cached = known.get(id);
    if (cached) return cached;
    const own = pipeline.materials.filter(isPackageMaterial).map((m) => ({ name: materialName(m), key: `${m.package.repository}\u0000${m.package.package}` }));
    const inside = new Set(visiting).add(id);
    const upstreams = pipeline.materials
      .filter((m): m is PipelineMaterialDefinition => !isPackageMaterial(m))
      .flatMap((material) => {
        const upstream = inside.has(material.pipeline.toLowerCase()) ? null : lookups.pipeline(material.pipeline);
        if (!upstream) return [];
        const seen = walk(upstream, inside);
        return [{ pipeline: material.pipeline, packages: [...seen.own, ...seen.throughUpstreams.map((e) => ({ name: e.name, key: e.of.key }))] }];
      });
    const result = { own, throughUpstreams: namedThroughUpstreams(own, upstreams, (p) => p) };
    known.set(id, result);
    return result;
  };
  return walk(definition, new Set());
}
