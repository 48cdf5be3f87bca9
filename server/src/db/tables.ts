import { Type, type Static, type TObject } from '@sinclair/typebox';
import { nullable, oneOf, uuid } from './column-types';

/**
 * Rows of every table, as the database returns them (snake_case, as in SQL). Only the
 * repository classes that own a table map these to domain objects. Each row is declared once, as
 * a TypeBox shape: the TypeScript type is taken from it, and a test holds it to the migrated
 * schema (the same columns, nullability and compatible SQL types).
 */

/** One configuration entry as stored: plain, or encrypted when the property is secure. */
export const DbConfigurationEntry = Type.Union([
  Type.Object({ key: Type.String(), value: Type.String() }),
  Type.Object({ key: Type.String(), encrypted_value: Type.String() }),
]);
export type DbConfigurationEntry = Static<typeof DbConfigurationEntry>;

/** What the plugin objected to in a stored configuration, by field path. */
const ConfigurationErrors = Type.Record(Type.String(), Type.Array(Type.String()));

export const DbPackageRepositoryRow = Type.Object({
  id: uuid(),
  name: Type.String(),
  plugin_id: Type.String(),
  configuration: Type.Array(DbConfigurationEntry),
  configuration_errors: ConfigurationErrors,
  config_version: Type.Integer(),
  created_at: Type.Date(),
  updated_at: Type.Date(),
  deleted_at: nullable(Type.Date()),
});
export type DbPackageRepositoryRow = Static<typeof DbPackageRepositoryRow>;

export const DbPackageRow = Type.Object({
  id: uuid(),
  repository_id: uuid(),
  name: Type.String(),
  configuration: Type.Array(DbConfigurationEntry),
  configuration_errors: ConfigurationErrors,
  fingerprint: Type.String(),
  auto_update: Type.Boolean(),
  poll_interval_seconds: Type.Integer(),
  config_version: Type.Integer(),
  created_at: Type.Date(),
  updated_at: Type.Date(),
  deleted_at: nullable(Type.Date()),
});
export type DbPackageRow = Static<typeof DbPackageRow>;

export const DbPackageRevisionRow = Type.Object({
  id: Type.Integer(),
  package_id: uuid(),
  revision: Type.String(),
  timestamp: Type.Date(),
  user: nullable(Type.String()),
  comment: nullable(Type.String()),
  trackback_url: nullable(Type.String()),
  data: Type.Record(Type.String(), Type.String()),
  detected_at: Type.Date(),
});
export type DbPackageRevisionRow = Static<typeof DbPackageRevisionRow>;

export const DbRole = oneOf('viewer', 'operator', 'admin');
export type DbRole = Static<typeof DbRole>;

export const DbApiTokenRow = Type.Object({
  id: uuid(),
  name: Type.String(),
  role: DbRole,
  token_hash: Type.String(),
  created_by: nullable(Type.String()),
  created_at: Type.Date(),
  last_used_at: nullable(Type.Date()),
});
export type DbApiTokenRow = Static<typeof DbApiTokenRow>;

export const DbSignInSessionRow = Type.Object({
  id: uuid(),
  secret_hash: Type.String(),
  token_id: uuid(),
  role: DbRole,
  created_at: Type.Date(),
  expires_at: Type.Date(),
});
export type DbSignInSessionRow = Static<typeof DbSignInSessionRow>;

export const DbAuditLogRow = Type.Object({
  id: Type.Integer(),
  occurred_at: Type.Date(),
  actor: Type.String(),
  action: Type.String(),
  resource_type: Type.String(),
  resource_id: nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export type DbAuditLogRow = Static<typeof DbAuditLogRow>;

export const DbServerMetaRow = Type.Object({
  key: Type.String(),
  value: Type.String(),
  updated_at: Type.Date(),
});
export type DbServerMetaRow = Static<typeof DbServerMetaRow>;

export const DbPluginStateRow = Type.Object({
  repository_id: uuid(),
  key: Type.String(),
  value: Type.String(),
  updated_at: Type.Date(),
});
export type DbPluginStateRow = Static<typeof DbPluginStateRow>;

export const DbPollStatus = oneOf('pending', 'ok', 'failing');
export type DbPollStatus = Static<typeof DbPollStatus>;

export const DbPackagePollStateRow = Type.Object({
  package_id: uuid(),
  status: DbPollStatus,
  schedule_anchor: nullable(Type.Date()),
  next_poll_at: Type.Date(),
  poll_requested_at: nullable(Type.Date()),
  last_polled_at: nullable(Type.Date()),
  last_outcome: nullable(oneOf('new_revision', 'no_change', 'failed')),
  last_error: nullable(Type.String()),
  error_kind: nullable(oneOf('transient', 'permanent', 'bug')),
  error_code: nullable(Type.String()),
  consecutive_failures: Type.Integer(),
  warnings: Type.Array(Type.String()),
  updated_at: Type.Date(),
});
export type DbPackagePollStateRow = Static<typeof DbPackagePollStateRow>;

export const DbRepositoryPollStateRow = Type.Object({
  repository_id: uuid(),
  lease_owner: nullable(Type.String()),
  lease_expires_at: nullable(Type.Date()),
  poll_requested_at: nullable(Type.Date()),
  last_polled_at: nullable(Type.Date()),
  hook_secret: nullable(Type.String()),
});
export type DbRepositoryPollStateRow = Static<typeof DbRepositoryPollStateRow>;

/** A refresh hint's signature, kept until the hint would be too old to accept. */
export const DbHintSignatureRow = Type.Object({
  repository_id: uuid(),
  signature: Type.String(),
  expires_at: Type.Date(),
});
export type DbHintSignatureRow = Static<typeof DbHintSignatureRow>;

export const DbEventRow = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  occurred_at: Type.Date(),
  data: Type.Record(Type.String(), Type.Unknown()),
});
export type DbEventRow = Static<typeof DbEventRow>;

/** Table names, so that a typo is a compile error. */
export const TABLES = {
  repositories: 'package_repositories',
  packages: 'packages',
  revisions: 'package_revisions',
  tokens: 'api_tokens',
  signInSessions: 'sign_in_sessions',
  audit: 'audit_log',
  meta: 'server_meta',
  pluginState: 'plugin_state',
  packagePollState: 'package_poll_state',
  repositoryPollState: 'repository_poll_state',
  hintSignatures: 'hint_signatures',
  events: 'events',
  pipelines: 'pipelines',
  pipelineRuns: 'pipeline_runs',
  pipelineStates: 'pipeline_states',
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

export const DbWebhookRow = Type.Object({
  id: uuid(),
  url: Type.String(),
  event_types: Type.Array(Type.String()),
  /** Encrypted with the secret box, bound to the webhook and the key `secret`. */
  secret: Type.String(),
  enabled: Type.Boolean(),
  config_version: Type.Integer(),
  delivery_status: oneOf('ok', 'failing'),
  cursor: Type.Integer(),
  attempts: Type.Integer(),
  next_attempt_at: Type.Date(),
  failing_since: nullable(Type.Date()),
  last_error: nullable(Type.String()),
  lease_owner: nullable(Type.String()),
  lease_expires_at: nullable(Type.Date()),
  created_at: Type.Date(),
  updated_at: Type.Date(),
});
export type DbWebhookRow = Static<typeof DbWebhookRow>;

export const DbWebhookDeliveryRow = Type.Object({
  id: Type.Integer(),
  webhook_id: uuid(),
  event_id: Type.Integer(),
  event_type: Type.String(),
  attempt: Type.Integer(),
  status: oneOf('delivered', 'failed'),
  response_status: nullable(Type.Integer()),
  error: nullable(Type.String()),
  duration_ms: Type.Integer(),
  attempted_at: Type.Date(),
});
export type DbWebhookDeliveryRow = Static<typeof DbWebhookDeliveryRow>;

/** Tables of outbound webhooks. */
export const WEBHOOK_TABLES = {
  webhooks: 'webhooks',
  deliveries: 'webhook_deliveries',
} as const;

export const DbPipelineRow = Type.Object({
  id: uuid(),
  name: Type.String(),
  definition: Type.Record(Type.String(), Type.Unknown()),
  source: oneOf('api', 'file'),
  source_file: nullable(Type.String()),
  config_version: Type.Integer(),
  last_counter: Type.Integer(),
  created_at: Type.Date(),
  updated_at: Type.Date(),
  /** A deleted pipeline is kept with its runs; its name is free for a new one. */
  deleted_at: nullable(Type.Date()),
  deleted_by: nullable(Type.String()),
});
export type DbPipelineRow = Static<typeof DbPipelineRow>;

/** What a pipeline is doing apart from its definition: paused or not, and the cause it has yet to run for. */
export const DbPipelineStateRow = Type.Object({
  /** The pipeline (one generation of its name) the state belongs to. */
  pipeline_id: uuid(),
  paused_by: nullable(Type.String()),
  paused_reason: nullable(Type.String()),
  paused_at: nullable(Type.Date()),
  /** The newest cause not run for yet: what the trigger would have done (see pipelines/state). */
  pending_cause: nullable(Type.Record(Type.String(), Type.Unknown())),
  /** How many causes were withheld while paused since the last run for one. */
  pending_count: Type.Integer(),
  pending_since: nullable(Type.Date()),
  updated_at: Type.Date(),
});
export type DbPipelineStateRow = Static<typeof DbPipelineStateRow>;

export const DbRunStatus = oneOf('waiting', 'active', 'completed');
export type DbRunStatus = Static<typeof DbRunStatus>;
export const DbTriggerKind = oneOf('revision', 'upstream', 'timer', 'manual', 'created');
export type DbTriggerKind = Static<typeof DbTriggerKind>;

export const DbPipelineRunRow = Type.Object({
  id: uuid(),
  /** The pipeline the run belongs to: one generation of its name. */
  pipeline_id: uuid(),
  pipeline_name: Type.String(),
  counter: Type.Integer(),
  label: Type.String(),
  definition: Type.Record(Type.String(), Type.Unknown()),
  build_cause: Type.Record(Type.String(), Type.Unknown()),
  /** A manual trigger's overrides; the value of a secure variable only as `{ encrypted_value }`. */
  environment_overrides: Type.Record(Type.String(), Type.Union([Type.String(), Type.Object({ encrypted_value: Type.String() })])),
  cause_key: nullable(Type.String()),
  idempotency_key: nullable(Type.String()),
  /** The token that sent the idempotency key, and the SHA-256 of its request's canonical JSON body. */
  idempotency_token_id: nullable(Type.String()),
  idempotency_body_sha256: nullable(Type.String()),
  trigger_kind: DbTriggerKind,
  triggered_by: Type.String(),
  status: DbRunStatus,
  created_at: Type.Date(),
  completed_at: nullable(Type.Date()),
});
export type DbPipelineRunRow = Static<typeof DbPipelineRunRow>;

export const DbRunPackageRevisionRow = Type.Object({
  run_id: uuid(),
  package_id: uuid(),
  revision_id: Type.Integer(),
  material_name: nullable(Type.String()),
});
export type DbRunPackageRevisionRow = Static<typeof DbRunPackageRevisionRow>;

export const DbStageState = oneOf('not_run', 'scheduled', 'running', 'awaiting_approval', 'passed', 'failed', 'cancelled');
export type DbStageState = Static<typeof DbStageState>;

export const DbStageRunRow = Type.Object({
  id: uuid(),
  run_id: uuid(),
  stage_name: Type.String(),
  stage_index: Type.Integer(),
  counter: Type.Integer(),
  state: DbStageState,
  approval_type: oneOf('success', 'manual'),
  approved_by: nullable(Type.String()),
  approved_at: nullable(Type.Date()),
  cancelled_by: nullable(Type.String()),
  scheduled_at: nullable(Type.Date()),
  started_at: nullable(Type.Date()),
  completed_at: nullable(Type.Date()),
  created_at: Type.Date(),
});
export type DbStageRunRow = Static<typeof DbStageRunRow>;

export const DbJobState = oneOf('scheduled', 'running', 'passed', 'failed', 'cancelled');
export type DbJobState = Static<typeof DbJobState>;

export const DbJobRunRow = Type.Object({
  id: uuid(),
  stage_run_id: uuid(),
  job_name: Type.String(),
  state: DbJobState,
  lease_owner: nullable(Type.String()),
  lease_expires_at: nullable(Type.Date()),
  result: nullable(Type.String()),
  scheduled_at: Type.Date(),
  started_at: nullable(Type.Date()),
  completed_at: nullable(Type.Date()),
});
export type DbJobRunRow = Static<typeof DbJobRunRow>;

export const DbJobConsoleRow = Type.Object({
  job_run_id: uuid(),
  seq: Type.Integer(),
  content: Type.String(),
  created_at: Type.Date(),
});
export type DbJobConsoleRow = Static<typeof DbJobConsoleRow>;

export const DbEventConsumerRow = Type.Object({
  name: Type.String(),
  cursor: Type.Integer(),
  lease_owner: nullable(Type.String()),
  lease_expires_at: nullable(Type.Date()),
  updated_at: Type.Date(),
});
export type DbEventConsumerRow = Static<typeof DbEventConsumerRow>;

type TableName = (typeof TABLES)[keyof typeof TABLES] | (typeof WEBHOOK_TABLES)[keyof typeof WEBHOOK_TABLES];

/** Every table's row shape, by table name: a table without one does not compile. */
export const ROW_SHAPES: { readonly [Table in TableName]: TObject } = {
  [TABLES.repositories]: DbPackageRepositoryRow,
  [TABLES.packages]: DbPackageRow,
  [TABLES.revisions]: DbPackageRevisionRow,
  [TABLES.tokens]: DbApiTokenRow,
  [TABLES.signInSessions]: DbSignInSessionRow,
  [TABLES.audit]: DbAuditLogRow,
  [TABLES.meta]: DbServerMetaRow,
  [TABLES.pluginState]: DbPluginStateRow,
  [TABLES.packagePollState]: DbPackagePollStateRow,
  [TABLES.repositoryPollState]: DbRepositoryPollStateRow,
  [TABLES.hintSignatures]: DbHintSignatureRow,
  [TABLES.events]: DbEventRow,
  [TABLES.pipelines]: DbPipelineRow,
  [TABLES.pipelineRuns]: DbPipelineRunRow,
  [TABLES.pipelineStates]: DbPipelineStateRow,
  [TABLES.runPackageRevisions]: DbRunPackageRevisionRow,
  [TABLES.stageRuns]: DbStageRunRow,
  [TABLES.jobRuns]: DbJobRunRow,
  [TABLES.jobConsole]: DbJobConsoleRow,
  [TABLES.eventConsumers]: DbEventConsumerRow,
  [WEBHOOK_TABLES.webhooks]: DbWebhookRow,
  [WEBHOOK_TABLES.deliveries]: DbWebhookDeliveryRow,
};
