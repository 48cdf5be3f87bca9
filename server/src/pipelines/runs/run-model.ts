/** What a run carries and why it exists: the build cause, stored with the run. */

export type TriggerKind = 'revision' | 'upstream' | 'timer' | 'manual';

export interface UpstreamReference {
  pipeline: string;
  counter: number;
  stage: string;
  stage_counter: number;
}

export interface TriggerCause {
  kind: TriggerKind;
  /** The user who asked (manual), or `system`. */
  by: string;
  /** One line for people: "scrt-0.3.4-1.x86_64 detected", "build-app/12 package passed". */
  message: string;
  event_id?: number;
  upstream?: UpstreamReference;
  fired_at?: string;
}

export interface PackageMaterialRevision {
  type: 'package';
  name: string;
  repository_id: string;
  repository_name: string;
  package_id: string;
  package_name: string;
  revision_id: number;
  revision: string;
  data: Record<string, string>;
  /** Reached through an upstream run rather than chosen for this run. */
  via_upstream: boolean;
  /** Not the revision the pipeline's previous run carried. */
  changed: boolean;
}

export interface PipelineMaterialRevision {
  type: 'pipeline';
  name: string;
  pipeline: string;
  stage: string;
  counter: number;
  stage_counter: number;
  label: string;
  changed: boolean;
}

export type MaterialRevision = PackageMaterialRevision | PipelineMaterialRevision;

export interface BuildCause {
  trigger: TriggerCause;
  materials: MaterialRevision[];
}

/** A manual trigger's override as stored with the run: the value of a secure variable only encrypted. */
export type EnvironmentOverride = string | { encrypted_value: string };
