import { TABLES, WEBHOOK_TABLES } from '../db/tables';

/**
 * Every table an export holds, in an order where each table comes after the tables it references,
 * so that an import can insert them one after another. A table the schema does not have (yet) is
 * skipped. `server_meta` comes first: it holds the secret-key check value, so that an import
 * learns whether its key fits before it writes anything else.
 */
export const TRANSFER_TABLES: readonly string[] = [
  TABLES.meta,
  TABLES.repositories,
  TABLES.repositoryPollState,
  TABLES.hintSignatures,
  TABLES.pluginState,
  TABLES.packages,
  TABLES.packagePollState,
  TABLES.revisions,
  TABLES.tokens,
  TABLES.signInSessions,
  TABLES.audit,
  TABLES.events,
  WEBHOOK_TABLES.webhooks,
  WEBHOOK_TABLES.deliveries,
  TABLES.pipelines,
  TABLES.pipelineStates,
  TABLES.pipelineRuns,
  TABLES.runPackageRevisions,
  TABLES.stageRuns,
  TABLES.jobRuns,
  TABLES.jobConsole,
  TABLES.eventConsumers,
];
