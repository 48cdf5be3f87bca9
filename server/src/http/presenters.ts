import path from 'node:path';
import type { Static } from '@sinclair/typebox';
import type { ResolvedProperty } from '@baton/plugin-api';
import type { MaterialPackage } from '../materials/model';
import type { PackagePollView } from '../materials/polling/poll-state-schema';
import type { RecordedRevision } from '../materials/polling/revision-store';
import type { RepositoryView } from '../materials/repository-service';
import type { PluginInfo, PluginRefusal } from '../plugins/plugin-info';
import { groupOf } from '../pipelines/definitions/definition';
import type { StoredPipeline } from '../pipelines/definitions/pipeline-store';
import type { PipelineStatus } from '../pipelines/state/pipeline-status-queries';
import type { Pipeline, PipelineStatus as PipelineStatusSchema } from './pipeline-schemas';
import type { RecordedRevision as RecordedRevisionSchema } from './polling-schemas';
import type { ConfigurationProperty, Package, Plugin, Repository } from './schemas';

/** Domain objects in their API form: snake_case, RFC 3339 times. */

export function presentRepository(view: RepositoryView): Static<typeof Repository> {
  const { repository } = view;
  return {
    id: repository.id,
    name: repository.name,
    plugin_id: repository.pluginId,
    configuration: repository.configuration,
    packages: view.packages,
    configuration_errors: repository.configurationErrors,
    created_at: repository.createdAt.toISOString(),
    updated_at: repository.updatedAt.toISOString(),
    deleted_at: iso(repository.deletedAt),
  };
}

export function presentPackage(pkg: MaterialPackage, state: { poll: PackagePollView; latestRevision: RecordedRevision | null }): Static<typeof Package> {
  return {
    id: pkg.id,
    name: pkg.name,
    repository_id: pkg.repositoryId,
    configuration: pkg.configuration,
    auto_update: pkg.autoUpdate,
    poll_interval_seconds: pkg.pollIntervalSeconds,
    configuration_errors: pkg.configurationErrors,
    latest_revision: state.latestRevision ? presentRevision(state.latestRevision) : null,
    poll: state.poll,
    created_at: pkg.createdAt.toISOString(),
    updated_at: pkg.updatedAt.toISOString(),
    deleted_at: iso(pkg.deletedAt),
  };
}

export function presentRevision(revision: RecordedRevision): Static<typeof RecordedRevisionSchema> {
  const { id: _id, ...shown } = revision;
  return shown;
}

/** A pipeline with its status; its group is always named, the default applied. */
export function presentPipeline(pipeline: StoredPipeline, status: PipelineStatus): Static<typeof Pipeline> {
  return {
    ...pipeline.definition,
    group: groupOf(pipeline.definition),
    source: pipeline.source,
    source_file: pipeline.sourceFile,
    created_at: pipeline.createdAt.toISOString(),
    updated_at: pipeline.updatedAt.toISOString(),
    status: presentStatus(status),
  };
}

function presentStatus(status: PipelineStatus): Static<typeof PipelineStatusSchema> {
  const { paused, latestRun } = status;
  return {
    paused: paused ? { by: paused.by, reason: paused.reason, since: paused.since.toISOString() } : null,
    withheld_causes: status.withheldCauses,
    locked: status.locked,
    latest_run: latestRun,
    runs_awaiting_approval: status.runsAwaitingApproval,
  };
}

export function presentPlugin(plugin: PluginInfo): Static<typeof Plugin> {
  return {
    id: plugin.id,
    display_name: plugin.displayName,
    version: plugin.version,
    api_version: plugin.apiVersion,
    source: plugin.source,
    status: plugin.status,
    last_error: plugin.lastError,
    last_error_at: plugin.lastErrorAt?.toISOString() ?? null,
    capabilities: { batch: plugin.capabilities.batch },
    repository_configuration: plugin.repositoryProperties.map(presentProperty),
    package_configuration: plugin.packageProperties.map(presentProperty),
    environment: plugin.environment,
    memory: plugin.memory && {
      heap_used_bytes: plugin.memory.heapUsedBytes,
      external_bytes: plugin.memory.externalBytes,
      array_buffers_bytes: plugin.memory.arrayBuffersBytes,
      peak_total_bytes: plugin.memory.peakTotalBytes,
      sampled_at: plugin.memory.sampledAt.toISOString(),
    },
  };
}

export function presentRefusal(refusal: PluginRefusal): PluginRefusal {
  // The folder's name, not its full path: viewers need not learn the server's file system.
  return { location: path.basename(refusal.location), message: refusal.message };
}

function presentProperty(property: ResolvedProperty): Static<typeof ConfigurationProperty> {
  return {
    key: property.key,
    display_name: property.displayName,
    display_order: property.displayOrder,
    default_value: property.defaultValue,
    required: property.required,
    secure: property.secure,
    part_of_identity: property.partOfIdentity,
    description: property.description,
    type: property.type,
    enum: property.enum,
  };
}

export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
