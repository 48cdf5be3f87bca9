import { PluginError, cutText, fitRevision, revisionProblems, type PackageRevision, type ValidationError, type WireError } from '@baton/plugin-api';
import { PluginCallError } from './plugin-call-error';
import type { RequestName, RequestPayloads, ResponsePayloads, RevisionAnswer, WireRevision } from './protocol';
import { revisionFromWire } from './wire-revision';

type Obj = Record<string, unknown>;

const MAX_MESSAGE_BYTES = 4 * 1024;
const MAX_WARNINGS = 20;
const MAX_WARNING_BYTES = 1024;
type BatchResult = ResponsePayloads['latest-revisions-since']['results'][number];
type Checker<N extends RequestName> = (pluginId: string, answer: Obj, request: RequestPayloads[N]) => ResponsePayloads[N];

/**
 * The host does not trust what comes back from a worker: every answer is checked against the
 * protocol, every revision against the API's rules; what does not fit is the plugin's bug.
 */
export function checkedAnswer<N extends RequestName>(pluginId: string, name: N, answer: unknown, request: RequestPayloads[N]): ResponsePayloads[N] {
  const checker = CHECKERS[name] as Checker<N>;
  return checker(pluginId, asObject(pluginId, answer, `an answer to ${name} that is not an object`), request);
}

const CHECKERS: { [N in RequestName]: Checker<N> } = {
  'repository-configuration': (id, a) => ({
    properties: asArray(id, a['properties'], 'properties') as ResponsePayloads['repository-configuration']['properties'],
  }),
  'package-configuration': (id, a) => ({ properties: asArray(id, a['properties'], 'properties') as ResponsePayloads['package-configuration']['properties'] }),
  'validate-repository-configuration': (id, a) => ({ errors: validationErrors(id, a['errors']) }),
  'validate-package-configuration': (id, a) => ({ errors: validationErrors(id, a['errors']) }),
  'check-repository-connection': (id, a) => ({ ok: okFlag(id, a['ok']), messages: strings(id, a['messages'], 'messages') }),
  'check-package-connection': (id, a) => ({
    ok: okFlag(id, a['ok']),
    messages: strings(id, a['messages'], 'messages'),
    revision: a['revision'] === null || a['revision'] === undefined ? null : checkedRevision(id, a['revision']),
  }),
  'latest-revision': (id, a) => revisionAnswer(id, a),
  'latest-revision-since': (id, a) => revisionAnswer(id, a),
  'latest-revisions-since': (id, a, request) => batchAnswer(id, a, request),
};

/** A revision as the plugin returned it, checked and normalized (timestamp in UTC, nulls filled in). */
function checkedRevision(pluginId: string, value: unknown): WireRevision {
  const wire = asObject(pluginId, value, 'a malformed revision: a revision must be an object') as unknown as WireRevision;
  const revision = revisionFromWire(wire);
  const problems = revisionProblems(revision);
  if (problems.length > 0) {
    throw PluginCallError.of(pluginId, 'bug', 'malformed_revision', `plugin '${pluginId}' returned a malformed revision: ${problems.join('; ')}`);
  }
  const fitted = fittedRevision(pluginId, revision);
  return {
    revision: fitted.revision,
    timestamp: fitted.timestamp.toISOString(),
    user: fitted.user ?? null,
    comment: fitted.comment ?? null,
    trackback_url: fitted.trackbackUrl ?? null,
    data: { ...(fitted.data ?? {}) },
  };
}

/**
 * The worker has fitted the revision already; the host does it again because plugin code shares
 * the worker's thread and could post an answer of its own.
 */
function fittedRevision(pluginId: string, revision: PackageRevision): PackageRevision {
  try {
    return fitRevision(revision);
  } catch (error) {
    if (error instanceof PluginError) throw PluginCallError.of(pluginId, 'permanent', error.code, error.message);
    throw error;
  }
}

/** An error as the worker sent it; anything not quite a wire error is reported as a bug. */
export function checkedWireError(value: unknown): WireError {
  const e = (typeof value === 'object' && value !== null ? value : {}) as Obj;
  const kind = e['kind'] === 'transient' || e['kind'] === 'permanent' ? e['kind'] : 'bug';
  const retry = e['retry_after_seconds'];
  return {
    kind,
    code: typeof e['code'] === 'string' && e['code'] !== '' ? e['code'] : 'plugin_bug',
    // Kept as the package's last error and sent out in events, so bounded.
    message: typeof e['message'] === 'string' ? cutText(e['message'], MAX_MESSAGE_BYTES) : 'the plugin failed without a message',
    retry_after_seconds: kind === 'transient' && typeof retry === 'number' && retry >= 0 ? retry : null,
  };
}

function revisionAnswer(pluginId: string, answer: Obj): RevisionAnswer {
  const revision = answer['revision'] === null || answer['revision'] === undefined ? null : checkedRevision(pluginId, answer['revision']);
  const warnings = answer['warnings'] === undefined ? [] : strings(pluginId, answer['warnings'], 'warnings');
  return { revision, warnings: boundedWarnings(warnings) };
}

/** Warnings are stored with the package's poll state: a few, each of a few lines. */
function boundedWarnings(warnings: string[]): string[] {
  const kept = warnings.slice(0, MAX_WARNINGS).map((warning) => cutText(warning, MAX_WARNING_BYTES));
  const left = warnings.length - kept.length;
  return left > 0 ? [...kept, `… and ${left} more warnings`] : kept;
}

/** Exactly one result per key asked about, in the order asked; the first answer for a key wins. */
function batchAnswer(pluginId: string, answer: Obj, request: RequestPayloads['latest-revisions-since']): ResponsePayloads['latest-revisions-since'] {
  const keys = [...new Set(request.packages.map((item) => item.key))];
  const asked = new Set(keys);
  const found = new Map<string, BatchResult>();
  for (const raw of asArray(pluginId, answer['results'], 'results')) {
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Obj;
    const key = entry['key'];
    if (typeof key === 'string' && asked.has(key) && !found.has(key)) found.set(key, batchResult(pluginId, key, entry));
  }
  return { results: keys.map((key) => found.get(key) ?? missingResult(pluginId, key)) };
}

function batchResult(pluginId: string, key: string, entry: Obj): BatchResult {
  if (entry['error'] !== undefined && entry['error'] !== null) return { key, error: checkedWireError(entry['error']) };
  try {
    return { key, result: revisionAnswer(pluginId, asObject(pluginId, entry['result'], `no result for '${key}'`)) };
  } catch (error) {
    if (error instanceof PluginCallError) return { key, error: error.wire };
    throw error;
  }
}

function missingResult(pluginId: string, key: string): BatchResult {
  const message = `plugin '${pluginId}' gave no answer for package '${key}' in a batch`;
  return { key, error: { kind: 'bug', code: 'missing_answer', message, retry_after_seconds: null } };
}

function validationErrors(pluginId: string, value: unknown): ValidationError[] {
  return asArray(pluginId, value, 'errors').map((raw) => {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Obj;
    if (typeof e['key'] !== 'string' || typeof e['message'] !== 'string') throw malformed(pluginId, 'a validation error without a key and a message');
    return { key: e['key'], message: e['message'] };
  });
}

function okFlag(pluginId: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw malformed(pluginId, 'a check result whose ok is not true or false');
  return value;
}

function strings(pluginId: string, value: unknown, field: string): string[] {
  const list = asArray(pluginId, value, field);
  if (!list.every((item) => typeof item === 'string')) throw malformed(pluginId, `${field} that are not all strings`);
  return list;
}

function asArray(pluginId: string, value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw malformed(pluginId, `an answer whose ${field} is not a list`);
  return value;
}

function asObject(pluginId: string, value: unknown, what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(pluginId, what);
  return value as Obj;
}

function malformed(pluginId: string, what: string): PluginCallError {
  return PluginCallError.of(pluginId, 'bug', 'malformed_answer', `plugin '${pluginId}' returned ${what}`);
}
