import { TABLES, WEBHOOK_TABLES } from './tables';

/**
 * Who may touch which table. Every table has exactly one owner: the data-access class that maps
 * its rows and holds every query on it. Everything else asks the owner, so that a table's
 * columns, locks and invariants are read in one place. A test holds the code to this map.
 *
 * Naming: a class that owns tables and reads and writes them is an `XStore` (in `x-store.ts`);
 * a read model, which only reads and joins tables that other stores own, is an `XQueries` (in
 * `x-queries.ts`). Stores may ask other stores; they hold transactions their callers pass in.
 *
 * Paths are relative to server/src.
 */
export const TABLE_OWNERS: Readonly<Record<string, { file: string; owner: string }>> = {
  [TABLES.meta]: { file: 'security/server-meta-store.ts', owner: 'ServerMetaStore' },
  [TABLES.tokens]: { file: 'security/token-store.ts', owner: 'TokenStore' },
  [TABLES.signInSessions]: { file: 'security/sign-in-session-store.ts', owner: 'SignInSessionStore' },
  [TABLES.audit]: { file: 'security/audit-store.ts', owner: 'AuditStore' },
  [TABLES.repositories]: { file: 'materials/repository-store.ts', owner: 'RepositoryStore' },
  [TABLES.packages]: { file: 'materials/package-store.ts', owner: 'PackageStore' },
  [TABLES.pluginState]: { file: 'materials/repository-plugin-state-store.ts', owner: 'RepositoryPluginStateStore' },
  [TABLES.revisions]: { file: 'materials/polling/revision-store.ts', owner: 'RevisionStore' },
  [TABLES.packagePollState]: { file: 'materials/polling/poll-state-store.ts', owner: 'PollStateStore' },
  [TABLES.repositoryPollState]: { file: 'materials/polling/poll-state-store.ts', owner: 'PollStateStore' },
  [TABLES.hintSignatures]: { file: 'materials/polling/hint-signature-store.ts', owner: 'HintSignatureStore' },
  [TABLES.events]: { file: 'events/event-store.ts', owner: 'EventStore' },
  [TABLES.eventConsumers]: { file: 'events/event-consumer-store.ts', owner: 'EventConsumerStore' },
  [WEBHOOK_TABLES.webhooks]: { file: 'events/webhooks/webhook-store.ts', owner: 'WebhookStore' },
  [WEBHOOK_TABLES.deliveries]: { file: 'events/webhooks/webhook-delivery-store.ts', owner: 'WebhookDeliveryStore' },
  [TABLES.pipelines]: { file: 'pipelines/definitions/pipeline-store.ts', owner: 'PipelineStore' },
  [TABLES.pipelineRuns]: { file: 'pipelines/runs/run-store.ts', owner: 'RunStore' },
  [TABLES.pipelineStates]: { file: 'pipelines/state/pipeline-state-store.ts', owner: 'PipelineStateStore' },
  [TABLES.runPackageRevisions]: { file: 'pipelines/runs/run-store.ts', owner: 'RunStore' },
  [TABLES.stageRuns]: { file: 'pipelines/runs/stage-run-store.ts', owner: 'StageRunStore' },
  [TABLES.jobRuns]: { file: 'pipelines/jobs/job-run-store.ts', owner: 'JobRunStore' },
  [TABLES.jobConsole]: { file: 'pipelines/jobs/job-console-store.ts', owner: 'JobConsoleStore' },
};

/** A file other than the owner that may name a table, and why. */
export interface TableAccessException {
  file: string;
  tables: readonly string[];
  why: string;
}

/**
 * Every other file that names a table. Read models only read; the rest name a table in one
 * statement that must stay one (a lock, an atomic guard), or treat tables as data, not rows.
 */
export const TABLE_ACCESS_EXCEPTIONS: readonly TableAccessException[] = [
  {
    file: 'transfer/transfer-tables.ts',
    tables: Object.keys(TABLE_OWNERS),
    why: 'export and import copy whole tables, column by column, whatever their rows mean',
  },
  {
    file: 'db/maintenance.ts',
    tables: [TABLES.packagePollState, TABLES.repositoryPollState, WEBHOOK_TABLES.webhooks],
    why: 'vacuums the busiest tables of the embedded database; it reads no rows',
  },
  {
    file: 'pipelines/triggers/run-material-queries.ts',
    tables: [TABLES.pipelineRuns, TABLES.stageRuns, TABLES.packages, TABLES.repositories],
    why: 'read model for deciding a run’s materials: joins runs with their passed stages, packages with their repositories',
  },
  {
    file: 'pipelines/state/pipeline-status-queries.ts',
    tables: [TABLES.pipelineRuns, TABLES.stageRuns],
    why: 'read model of the pipelines’ status: each one’s latest run, and its unfinished runs and runs waiting for approval counted, for a page in a few queries',
  },
  {
    file: 'pipelines/runs/promotion-queries.ts',
    tables: [TABLES.pipelineRuns, TABLES.stageRuns, TABLES.runPackageRevisions, TABLES.revisions, TABLES.packages, TABLES.repositories],
    why: 'read model of the promotion record: joins a package with its repository, passed stages with the revisions their runs carried',
  },
  {
    file: 'materials/polling/poll-work-queries.ts',
    tables: [TABLES.packages, TABLES.packagePollState, TABLES.revisions],
    why: 'read model of a claimed repository’s work: its packages with their poll states and last revisions, in one query per poll',
  },
  {
    file: 'materials/polling/poll-state-store.ts',
    tables: [TABLES.packages, TABLES.repositories],
    why: 'claiming repositories and recording outcomes read the packages in the statement that locks or writes poll states',
  },
  {
    file: 'materials/polling/revision-store.ts',
    tables: [TABLES.packages],
    why: 'recording revisions checks, in the same statement, that the package’s configuration is still the one polled',
  },
  {
    file: 'pipelines/jobs/job-run-store.ts',
    tables: [TABLES.stageRuns, TABLES.pipelineRuns],
    why: 'claiming jobs orders them by run and locks their stages in the statement that locks the jobs',
  },
  {
    file: 'events/webhooks/webhook-store.ts',
    tables: [TABLES.events],
    why: 'a new webhook’s cursor starts at the newest event, and claiming looks for events past the cursor, each in the statement that writes',
  },
];
