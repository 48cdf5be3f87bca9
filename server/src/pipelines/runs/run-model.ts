import { Type, type Static } from '@sinclair/typebox';
import { TriggerCause } from '../../events/event-catalogue';
import { component, Dictionary, OneOf, ref } from '../../schema-components';

/**
 * What a run carries and why it exists: the build cause, stored with the run. The API shows it as
 * stored, so these schemas are also the OpenAPI document's `BuildCause` and `MaterialRevision`;
 * the trigger is the one `pipeline.run.created` events carry.
 */

export type TriggerCause = Static<typeof TriggerCause>;

/** Which package revision, as a run records it: the package with its repository, and the data its plugin reported. */
const PACKAGE_REVISION = {
  repository_id: Type.String(),
  repository_name: Type.String(),
  package_id: Type.String(),
  package_name: Type.String(),
  revision_id: Type.Integer(),
  revision: Type.String(),
  data: Dictionary(Type.String()),
};

const PackageMaterialRevision = Type.Object(
  {
    type: Type.Literal('package'),
    name: Type.String(),
    ...PACKAGE_REVISION,
    via_upstream: Type.Boolean({ description: 'Reached through an upstream run rather than chosen for this run.' }),
    changed: Type.Boolean({ description: 'Not the revision the pipeline’s previous run carried.' }),
  },
  { additionalProperties: false },
);
export type PackageMaterialRevision = Static<typeof PackageMaterialRevision>;

const PipelineMaterialRevision = Type.Object(
  {
    type: Type.Literal('pipeline'),
    name: Type.String(),
    pipeline: Type.String(),
    stage: Type.String(),
    counter: Type.Integer(),
    stage_counter: Type.Integer(),
    label: Type.String(),
    changed: Type.Boolean({ description: 'Not the upstream stage run the pipeline’s previous run carried.' }),
  },
  { additionalProperties: false },
);
export type PipelineMaterialRevision = Static<typeof PipelineMaterialRevision>;

export const MaterialRevision = component('MaterialRevision', OneOf([PackageMaterialRevision, PipelineMaterialRevision]));
export type MaterialRevision = Static<typeof MaterialRevision>;

const UpstreamPackageRevision = Type.Object(
  {
    name: Type.String({
      description:
        'Its name in this run’s jobs (GO_PACKAGE_<NAME>_*): the upstream’s, or `<upstream>/<upstream_name>` where packages of two upstreams share one.',
    }),
    upstream: Type.String({ description: 'The upstream pipeline it came through.' }),
    upstream_name: Type.String({ description: 'Its name in the upstream run; `fetch_package` names it `<upstream>/<upstream_name>`.' }),
    ...PACKAGE_REVISION,
  },
  { additionalProperties: false },
);
export type UpstreamPackageRevision = Static<typeof UpstreamPackageRevision>;

export const BuildCause = component(
  'BuildCause',
  Type.Object(
    {
      trigger: TriggerCause,
      materials: Type.Array(ref(MaterialRevision)),
      upstream_packages: Type.Optional(
        Type.Array(UpstreamPackageRevision, {
          description: 'The package revisions the upstream runs carried, as this run’s jobs see them (absent in runs made before Baton recorded them).',
        }),
      ),
    },
    { additionalProperties: false },
  ),
);
export type BuildCause = Static<typeof BuildCause>;

/** A manual trigger's override as stored with the run: the value of a secure variable only encrypted. */
export type EnvironmentOverride = string | { encrypted_value: string };
