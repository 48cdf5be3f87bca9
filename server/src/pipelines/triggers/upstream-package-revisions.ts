import { namedThroughUpstreams } from '../definitions/upstream-package-names';
import type { BuildCause, PackageMaterialRevision, UpstreamPackageRevision } from '../runs/run-model';

/** A package revision under the name a run's jobs saw it. */
type SeenRevision = Omit<UpstreamPackageRevision, 'upstream' | 'upstream_name'>;

/** The package revisions a run's jobs saw: its own package materials, then those that came through its upstreams. */
export function revisionsSeenBy(cause: BuildCause): SeenRevision[] {
  const own = cause.materials.flatMap((m) => (m.type === 'package' ? [seenRevision(m)] : []));
  return [...own, ...(cause.upstream_packages ?? []).map(seenRevision)];
}

/**
 * The package revisions that come to a new run with its upstream runs: each exactly as the
 * upstream run recorded it (never looked up again), named by the rule of `namedThroughUpstreams`.
 * Transitive: an upstream run's own upstream packages come along too.
 */
export function upstreamPackageRevisions(
  own: readonly PackageMaterialRevision[],
  upstreams: readonly { pipeline: string; cause: BuildCause }[],
): UpstreamPackageRevision[] {
  return namedThroughUpstreams(
    own.map((m) => ({ name: m.name, key: m.package_id })),
    upstreams.map(({ pipeline, cause }) => ({ pipeline, packages: revisionsSeenBy(cause) })),
    (revision) => ({ name: revision.name, key: revision.package_id }),
  ).map(({ upstream, upstreamName, name, of }) => ({ ...of, name, upstream, upstream_name: upstreamName }));
}

function seenRevision(revision: PackageMaterialRevision | UpstreamPackageRevision): SeenRevision {
  return {
    name: revision.name,
    repository_id: revision.repository_id,
    repository_name: revision.repository_name,
    package_id: revision.package_id,
    package_name: revision.package_name,
    revision_id: revision.revision_id,
    revision: revision.revision,
    data: revision.data,
  };
}
