import type { BatchAnswer, PackageRevision, PluginContext, PluginDefinition, RevisionResult, WireError } from '@baton/plugin-api';
import { fitRevision, toWireError } from '@baton/plugin-api';
import type { RequestName, RequestPayloads, ResponsePayloads, RevisionAnswer, WireRevision } from './protocol';
import { revisionFromWire, revisionToWire } from './wire-revision';

type Answer = ResponsePayloads[RequestName];

/** Runs one request against the plugin inside its worker and shapes the answer for the wire. */
export async function runOperation(plugin: PluginDefinition, name: RequestName, payload: RequestPayloads[RequestName], ctx: PluginContext): Promise<Answer> {
  switch (name) {
    case 'repository-configuration':
      return { properties: plugin.repository.properties };
    case 'package-configuration':
      return { properties: plugin.package.properties };
    case 'validate-repository-configuration': {
      const p = payload as RequestPayloads[typeof name];
      return { errors: await plugin.validateRepository(p.repository_configuration) };
    }
    case 'validate-package-configuration': {
      const p = payload as RequestPayloads[typeof name];
      return { errors: await plugin.validatePackage(p.repository_configuration, p.package_configuration) };
    }
    case 'check-repository-connection': {
      const p = payload as RequestPayloads[typeof name];
      const result = await plugin.checkRepositoryConnection(p.repository_configuration, ctx);
      return { ok: result.ok, messages: result.messages };
    }
    case 'check-package-connection': {
      const p = payload as RequestPayloads[typeof name];
      const result = await plugin.checkPackageConnection(p.repository_configuration, p.package_configuration, ctx);
      return { ok: result.ok, messages: result.messages, revision: result.revision ? fittedToWire(result.revision) : null };
    }
    case 'latest-revision': {
      const p = payload as RequestPayloads[typeof name];
      return revisionAnswer(await plugin.latestRevision(p.repository_configuration, p.package_configuration, ctx));
    }
    case 'latest-revision-since': {
      const p = payload as RequestPayloads[typeof name];
      const previous = revisionFromWire(p.previous_revision);
      return revisionAnswer(await plugin.latestRevisionSince(p.repository_configuration, p.package_configuration, previous, ctx));
    }
    case 'latest-revisions-since':
      return batchAnswer(plugin, payload as RequestPayloads[typeof name], ctx);
  }
}

function revisionAnswer(result: RevisionResult): RevisionAnswer {
  return { revision: result.revision ? fittedToWire(result.revision) : null, warnings: result.warnings ?? [] };
}

/** Sizes are enforced here, where the plugin answered, so nothing oversized is posted to the host. */
function fittedToWire(revision: PackageRevision): WireRevision {
  return revisionToWire(fitRevision(revision));
}

async function batchAnswer(
  plugin: PluginDefinition,
  payload: RequestPayloads['latest-revisions-since'],
  ctx: PluginContext,
): Promise<ResponsePayloads['latest-revisions-since']> {
  if (!plugin.latestRevisionsSince) throw new Error(`plugin '${plugin.id}' does not answer batch questions`);
  const items = payload.packages.map((item) => ({
    key: item.key,
    package: item.package_configuration,
    previous: item.previous_revision ? revisionFromWire(item.previous_revision) : null,
  }));
  const answers = await plugin.latestRevisionsSince(payload.repository_configuration, items, ctx);
  return { results: answers.map(batchResult) };
}

/** A revision too large for one package fails that package only. */
function batchResult(answer: BatchAnswer): ResponsePayloads['latest-revisions-since']['results'][number] {
  if (answer.error !== undefined) return { key: answer.key, error: answerError(answer.error) };
  try {
    return { key: answer.key, result: revisionAnswer(answer.result) };
  } catch (error) {
    return { key: answer.key, error: toWireError(error) };
  }
}

/** A per-package error may already be in wire form, a bug included; keep it as the plugin said. */
function answerError(error: Error | WireError): WireError {
  const candidate = error as Partial<WireError>;
  if (candidate.kind === 'bug' && typeof candidate.code === 'string' && typeof candidate.message === 'string') {
    return { kind: 'bug', code: candidate.code, message: candidate.message, retry_after_seconds: null };
  }
  return toWireError(error);
}
