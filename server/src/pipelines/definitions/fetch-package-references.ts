import { addFieldError, type FieldErrors } from '../../domain-errors';
import { isPackageMaterial, materialName, type MaterialDefinition, type PipelineDefinition } from './definition';
import type { DefinitionLookups } from './definition-lookups';
import { packagesSeenBy, type SeenPackage, type ThroughUpstream } from './upstream-package-names';

/**
 * What each `fetch_package` names must be a package its runs will carry: one of the pipeline's
 * package materials by its name, or one that comes with an upstream pipeline's run as
 * `<upstream pipeline>/<its name there>`. A wrong name is answered with the names there are.
 */
export function fetchPackageErrors(definition: PipelineDefinition, lookups: DefinitionLookups, errors: FieldErrors): void {
  const materials = new Map(definition.materials.map((m) => [materialName(m), m]));
  let throughUpstreams: ThroughUpstream<SeenPackage>[] | null = null;
  const fetchable = () => (throughUpstreams ??= packagesSeenBy(definition, lookups).throughUpstreams);
  definition.stages.forEach((stage, s) =>
    stage.jobs.forEach((job, j) =>
      job.tasks.forEach((task, t) => {
        if (!('fetch_package' in task)) return;
        const name = task.fetch_package.material;
        const message = name.includes('/') ? throughUpstreamError(definition, name, fetchable()) : materialError(name, materials, fetchable());
        if (message !== null) addFieldError(errors, `stages[${s}].jobs[${j}].tasks[${t}].fetch_package.material`, message);
      }),
    ),
  );
}

function materialError(name: string, materials: ReadonlyMap<string, MaterialDefinition>, fetchable: readonly ThroughUpstream<SeenPackage>[]): string | null {
  const material = materials.get(name);
  if (material && isPackageMaterial(material)) return null;
  if (material) {
    const carried = fetchable.filter((e) => e.upstream === material.pipeline).map(fetchName);
    const hint = carried.length > 0 ? `; fetch a package its runs carry as ${carried.join(', ')}` : '';
    return `'${name}' is an upstream pipeline, not a package material${hint}`;
  }
  const upstream = fetchable.length > 0 ? `; packages that come with upstream runs: ${fetchable.map(fetchName).join(', ')}` : '';
  return `no material named '${name}' (materials: ${[...materials.keys()].join(', ')}${upstream})`;
}

function throughUpstreamError(definition: PipelineDefinition, name: string, fetchable: readonly ThroughUpstream<SeenPackage>[]): string | null {
  const at = name.indexOf('/');
  const [upstream, inside] = [name.slice(0, at), name.slice(at + 1)];
  const upstreams = [...new Set(definition.materials.flatMap((m) => (isPackageMaterial(m) ? [] : [m.pipeline])))];
  if (!upstreams.includes(upstream)) {
    const known = upstreams.length > 0 ? `its upstream pipelines: ${upstreams.join(', ')}` : 'it has none';
    return `'${upstream}' is not an upstream pipeline of this pipeline (${known})`;
  }
  const carried = fetchable.filter((e) => e.upstream === upstream);
  if (carried.some((e) => e.upstreamName === inside)) return null;
  const known = carried.length > 0 ? `packages that come with its runs: ${carried.map(fetchName).join(', ')}` : 'its runs carry no package';
  return `pipeline '${upstream}' carries no package named '${inside}' (${known})`;
}

/** The name `fetch_package` takes for a package that came through an upstream. */
function fetchName(entry: ThroughUpstream<SeenPackage>): string {
  return `${entry.upstream}/${entry.upstreamName}`;
}
