/**
 * Rows of every table, as the database returns them (snake_case, as in SQL). Only the
 * repository classes that own a table map these to domain objects.
 */

/** One configuration entry as stored: plain, or encrypted when the property is secure. */
export type DbConfigurationEntry = { key: string; value: string } | { key: string; encrypted_value: string };

export interface DbPackageRepositoryRow {
  id: string;
  name: string;
  plugin_id: string;
  configuration: DbConfigurationEntry[];
  configuration_errors: Record<string, string[]>;
  config_version: number;
  created_at: Date;
  updated_at: Date;
}

export interface DbPackageRow {
  id: string;
  repository_id: string;
  name: string;
  configuration: DbConfigurationEntry[];
  configuration_errors: Record<string, string[]>;
  fingerprint: string;
  auto_update: boolean;
  poll_interval_seconds: number;
  config_version: number;
  created_at: Date;
  updated_at: Date;
}

export interface DbPackageRevisionRow {
  id: number;
  package_id: string;
  revision: string;
  timestamp: Date;
  user: string | null;
  comment: string | null;
  trackback_url: string | null;
  data: Record<string, string>;
  detected_at: Date;
}

export type DbRole = 'viewer' | 'operator' | 'admin';

export interface DbApiTokenRow {
  id: string;
  name: string;
  role: DbRole;
  token_hash: string;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
}

export interface DbAuditLogRow {
  id: number;
  occurred_at: Date;
  actor: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  details: Record<string, unknown>;
}

export interface DbServerMetaRow {
  key: string;
  value: string;
  updated_at: Date;
}

export interface DbPluginStateRow {
  repository_id: string;
  key: string;
  value: string;
  updated_at: Date;
}

export type DbPollStatus = 'pending' | 'ok' | 'failing';

export interface DbPackagePollStateRow {
  package_id: string;
  status: DbPollStatus;
  schedule_anchor: Date | null;
  next_poll_at: Date;
  poll_requested_at: Date | null;
  last_polled_at: Date | null;
  last_outcome: 'new_revision' | 'no_change' | 'failed' | null;
  last_error: string | null;
  error_kind: 'transient' | 'permanent' | 'bug' | null;
  error_code: string | null;
  consecutive_failures: number;
  warnings: string[];
  updated_at: Date;
}

export interface DbRepositoryPollStateRow {
  repository_id: string;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  poll_requested_at: Date | null;
  last_polled_at: Date | null;
  hook_secret: string | null;
}

/** A refresh hint's signature, kept until the hint would be too old to accept. */
export interface DbHintSignatureRow {
  repository_id: string;
  signature: string;
  expires_at: Date;
}

export interface DbEventRow {
  id: number;
  type: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

/** Table names, so that a typo is a compile error. */
export const TABLES = {
  repositories: 'package_repositories',
  packages: 'packages',
  revisions: 'package_revisions',
  tokens: 'api_tokens',
  audit: 'audit_log',
  meta: 'server_meta',
  pluginState: 'plugin_state',
  packagePollState: 'package_poll_state',
  repositoryPollState: 'repository_poll_state',
  hintSignatures: 'hint_signatures',
  events: 'events',
  pipelines: 'pipelines',
  pipelineRuns: 'pipeline_runs',
  runPackageRevisions: 'run_package_revisions',
  stageRuns: 'stage_runs',
  jobRuns: 'job_runs',
  jobConsole: 'job_console',
  eventConsumers: 'event_consumers',
} as const;

/** PostgreSQL's error code for a unique violation (the same on PGlite). */
export const UNIQUE_VIOLATION = '23505';
/** PostgreSQL's error code for a foreign key violation. */
export const FOREIGN_KEY_VIOLATION = '23503';

/** The constraint a database error names, if it is a violation of one. */
export function violatedConstraint(error: unknown, code: string): string | null {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  if (e?.code !== code) return null;
  return typeof e.constraint === 'string' ? e.constraint : '';
}

export interface DbWebhookRow {
  id: string;
  url: string;
  event_types: string[];
  /** Encrypted with the secret box, bound to the webhook and the key `secret`. */
  secret: string;
  enabled: boolean;
  config_version: number;
  delivery_status: 'ok' | 'failing';
  cursor: number;
  attempts: number;
  next_attempt_at: Date;
  failing_since: Date | null;
  last_error: string | null;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface DbWebhookDeliveryRow {
  id: number;
  webhook_id: string;
  event_id: number;
  event_type: string;
  attempt: number;
  status: 'delivered' | 'failed';
  response_status: number | null;
  error: string | null;
  duration_ms: number;
  attempted_at: Date;
}

/** Tables of outbound webhooks. */
export const WEBHOOK_TABLES = {
  webhooks: 'webhooks',
  deliveries: 'webhook_deliveries',
} as const;

export interface DbPipelineRow {
  name: string;
  definition: Record<string, unknown>;
  source: 'api' | 'file';
  source_file: string | null;
  config_version: number;
  last_counter: number;
  created_at: Date;
  updated_at: Date;
}

export type DbRunStatus = 'waiting' | 'active' | 'completed';
export type DbTriggerKind = 'revision' | 'upstream' | 'timer' | 'manual';

export interface DbPipelineRunRow {
  id: string;
  pipeline_name: string;
  counter: number;
  label: string;
  definition: Record<string, unknown>;
  build_cause: Record<string, unknown>;
  /** A manual trigger's overrides; the value of a secure variable only as `{ encrypted_value }`. */
  environment_overrides: Record<string, string | { encrypted_value: string }>;
  cause_key: string | null;
  idempotency_key: string | null;
  /** The token that sent the idempotency key, and the SHA-256 of its request's canonical JSON body. */
  idempotency_token_id: string | null;
  idempotency_body_sha256: string | null;
  trigger_kind: DbTriggerKind;
  triggered_by: string;
  status: DbRunStatus;
  created_at: Date;
  completed_at: Date | null;
}

export interface DbRunPackageRevisionRow {
  run_id: string;
  package_id: string;
  revision_id: number;
  material_name: string | null;
}

export type DbStageState = 'not_run' | 'scheduled' | 'running' | 'awaiting_approval' | 'passed' | 'failed' | 'cancelled';

export interface DbStageRunRow {
  id: string;
  run_id: string;
  stage_name: string;
  stage_index: number;
  counter: number;
  state: DbStageState;
  approval_type: 'success' | 'manual';
  approved_by: string | null;
  approved_at: Date | null;
  cancelled_by: string | null;
  scheduled_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  created_at: Date;
}

export type DbJobState = 'scheduled' | 'running' | 'passed' | 'failed' | 'cancelled';

export interface DbJobRunRow {
  id: string;
  stage_run_id: string;
  job_name: string;
  state: DbJobState;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  result: string | null;
  scheduled_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

export interface DbJobConsoleRow {
  job_run_id: string;
  seq: number;
  content: string;
  created_at: Date;
}

export interface DbEventConsumerRow {
  name: string;
  cursor: number;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  updated_at: Date;
}
