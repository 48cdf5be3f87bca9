import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { PluginError, cutText, fitRevision, revisionProblems, type PackageRevision, type WireError } from '@baton/plugin-api';
import { PluginCallError } from './plugin-call-error';
import type { RequestName, RequestPayloads, ResponsePayloads, RevisionAnswer, WireRevision, WorkerAnswers } from './protocol';
import { AnswerSchemas, RevisionAnswerSchema } from './protocol-schemas';
import { revisionFromWire } from './wire-revision';

type Obj = Record<string, unknown>;

const MAX_MESSAGE_BYTES = 4 * 1024;
const MAX_WARNINGS = 20;
const MAX_WARNING_BYTES = 1024;
type BatchResult = ResponsePayloads['latest-revisions-since']['results'][number];

// Compiled once, when the host first loads: every answer is checked against its schema. Formats
// (a revision's date-time) are left to the revision rules, whose messages speak to a plugin's author.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const VALIDATORS = Object.fromEntries(Object.entries(AnswerSchemas).map(([name, schema]) => [name, ajv.compile(schema)])) as {
  [N in RequestName]: ValidateFunction<WorkerAnswers[N]>;
};
const validRevisionAnswer = ajv.compile<WorkerAnswers['latest-revision']>(RevisionAnswerSchema);

/**
 * The host does not trust what comes back from a worker: every answer is checked against the
 * protocol's schema, every revision against the API's rules; what does not fit is the plugin's bug.
 */
export function checkedAnswer<N extends RequestName>(pluginId: string, name: N, answer: unknown, request: RequestPayloads[N]): ResponsePayloads[N] {
  if (name === 'latest-revisions-since') return batchAnswer(pluginId, answer, request as RequestPayloads['latest-revisions-since']) as ResponsePayloads[N];
  const single: SingleAnswer = name;
  const validate = VALIDATORS[single] as ValidateFunction<WorkerAnswers[SingleAnswer]>;
  return normalized(pluginId, single, conforming(pluginId, name, validate, answer)) as ResponsePayloads[N];
}

/**
 * The answer typed as its schema says, or the plugin's bug. A revision that breaks the schema is
 * judged by the API's revision rules first, whose messages say what a plugin author did wrong.
 */
function conforming<T>(pluginId: string, name: string, validate: ValidateFunction<T>, answer: unknown): T {
  if (validate(answer)) return answer;
  const errors = validate.errors ?? [];
  const inRevision = errors.find((e) => e.instancePath.startsWith('/revision/'));
  if (inRevision) checkedRevision(pluginId, (answer as Obj)['revision']);
  throw malformed(pluginId, `an answer to ${name} ${schemaProblem(errors)}`);
}

type Normalizer<N extends RequestName> = (pluginId: string, answer: WorkerAnswers[N]) => ResponsePayloads[N];
type SingleAnswer = Exclude<RequestName, 'latest-revisions-since'>;

/** A conforming answer as the host keeps it: fields the protocol does not know dropped, revisions checked, limits applied. */
const NORMALIZERS: { [N in SingleAnswer]: Normalizer<N> } = {
  'repository-configuration': (_id, a) => ({ properties: a.properties }),
  'package-configuration': (_id, a) => ({ properties: a.properties }),
  'validate-repository-configuration': (_id, a) => ({ errors: a.errors.map((e) => ({ key: e.key, message: e.message })) }),
  'validate-package-configuration': (_id, a) => ({ errors: a.errors.map((e) => ({ key: e.key, message: e.message })) }),
  'check-repository-connection': (_id, a) => ({ ok: a.ok, messages: a.messages }),
  'check-package-connection': (id, a) => ({
    ok: a.ok,
    messages: a.messages,
    revision: a.revision === null || a.revision === undefined ? null : checkedRevision(id, a.revision),
  }),
  'latest-revision': (id, a) => revisionAnswer(id, a),
  'latest-revision-since': (id, a) => revisionAnswer(id, a),
};

function normalized<N extends SingleAnswer>(pluginId: string, name: N, answer: WorkerAnswers[N]): ResponsePayloads[N] {
  return (NORMALIZERS[name] as Normalizer<N>)(pluginId, answer);
}

/** The first schema error, as the end of a sentence that names the field. */
function schemaProblem(errors: ErrorObject[]): string {
  const error = errors[0];
  if (!error) return 'that does not fit the protocol';
  if (error.instancePath === '' && error.keyword === 'type') return 'that is not an object';
  const field = fieldName(error.instancePath);
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return `without ${field === '' ? missing : `${field}.${missing}`}`;
  }
  if (error.keyword === 'type')
    return `whose ${field} is not ${TYPE_NAMES[String((error.params as { type: string }).type)] ?? (error.params as { type: string }).type}`;
  return `whose ${field} ${error.message ?? 'does not fit the protocol'}`;
}

const TYPE_NAMES: Record<string, string> = {
  boolean: 'true or false',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  object: 'an object',
  'null,string': 'a string or null',
};

/** `/results/0/key` → `results[0].key`. */
function fieldName(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name === '' ? part : `${name}.${part}`), '');
}

/** A revision as the plugin returned it, checked and normalized (timestamp in UTC, nulls filled in). */
function checkedRevision(pluginId: string, value: unknown): WireRevision {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(pluginId, 'a malformed revision: a revision must be an object');
  const revision = revisionFromWire(value as WireRevision);
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

function revisionAnswer(pluginId: string, answer: WorkerAnswers['latest-revision']): RevisionAnswer {
  const revision = answer.revision === null ? null : checkedRevision(pluginId, answer.revision);
  return { revision, warnings: boundedWarnings(answer.warnings ?? []) };
}

/** Warnings are stored with the package's poll state: a few, each of a few lines. */
function boundedWarnings(warnings: string[]): string[] {
  const kept = warnings.slice(0, MAX_WARNINGS).map((warning) => cutText(warning, MAX_WARNING_BYTES));
  const left = warnings.length - kept.length;
  return left > 0 ? [...kept, `… and ${left} more warnings`] : kept;
}

/**
 * Exactly one result per key asked about, in the order asked; the first answer for a key wins.
 * An entry that breaks the protocol fails its own package, not the batch.
 */
function batchAnswer(pluginId: string, answer: unknown, request: RequestPayloads['latest-revisions-since']): ResponsePayloads['latest-revisions-since'] {
  const validate = VALIDATORS['latest-revisions-since'];
  if (!validate(answer)) {
    const errors = validate.errors ?? [];
    const whole = errors.find((e) => e.instancePath === '' || e.instancePath === '/results');
    if (whole) throw malformed(pluginId, `an answer to latest-revisions-since ${schemaProblem([whole])}`);
  }
  const keys = [...new Set(request.packages.map((item) => item.key))];
  const asked = new Set(keys);
  const found = new Map<string, BatchResult>();
  for (const raw of (answer as { results: unknown[] }).results) {
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Obj;
    const key = entry['key'];
    if (typeof key === 'string' && asked.has(key) && !found.has(key)) found.set(key, batchResult(pluginId, key, entry));
  }
  return { results: keys.map((key) => found.get(key) ?? missingResult(pluginId, key)) };
}

function batchResult(pluginId: string, key: string, entry: Obj): BatchResult {
  if (entry['error'] !== undefined && entry['error'] !== null) return { key, error: checkedWireError(entry['error']) };
  try {
    if (entry['result'] === undefined || entry['result'] === null) throw malformed(pluginId, `no result for '${key}' in an answer to latest-revisions-since`);
    return { key, result: revisionAnswer(pluginId, conforming(pluginId, `latest-revisions-since for '${key}'`, validRevisionAnswer, entry['result'])) };
  } catch (error) {
    if (error instanceof PluginCallError) return { key, error: error.wire };
    throw error;
  }
}

function missingResult(pluginId: string, key: string): BatchResult {
  const message = `plugin '${pluginId}' gave no answer for package '${key}' in a batch`;
  return { key, error: { kind: 'bug', code: 'missing_answer', message, retry_after_seconds: null } };
}

function malformed(pluginId: string, what: string): PluginCallError {
  return PluginCallError.of(pluginId, 'bug', 'malformed_answer', `plugin '${pluginId}' returned ${what}`);
}
