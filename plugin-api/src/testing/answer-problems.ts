import { revisionProblems, type PackageRevision } from '../revision';

/**
 * Problems with a validation answer: it must be a list of `{ key, message }` strings.
 *
 * @example
 * ```ts
 * validationAnswerProblems([{ key: 'URL' }]); // ['answer[0].message must be a string']
 * ```
 */
export function validationAnswerProblems(answer: unknown): string[] {
  if (!Array.isArray(answer)) return ['must answer a list of { key, message }'];
  const problems: string[] = [];
  answer.forEach((entry: unknown, index) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    if (typeof e['key'] !== 'string') problems.push(`answer[${index}].key must be a string`);
    if (typeof e['message'] !== 'string') problems.push(`answer[${index}].message must be a string`);
  });
  return problems;
}

/**
 * Problems with a connection check's answer: `{ ok: boolean, messages: string[] }`, and for a
 * package check a `revision` that is absent, `null` or well-formed.
 *
 * @example
 * ```ts
 * checkResultProblems({ ok: 'yes', messages: [] }); // ['ok must be true or false']
 * ```
 */
export function checkResultProblems(answer: unknown): string[] {
  if (typeof answer !== 'object' || answer === null) return ['must answer { ok, messages }'];
  const a = answer as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof a['ok'] !== 'boolean') problems.push('ok must be true or false');
  if (!isStringList(a['messages'])) problems.push('messages must be a list of strings');
  if (a['revision'] !== undefined && a['revision'] !== null) {
    problems.push(...revisionProblems(a['revision']).map((p) => `revision: ${p}`));
  }
  return problems;
}

/**
 * Problems with a revision question's answer: `{ revision, warnings? }` where `revision` is
 * `null` or well-formed and `warnings` a list of strings.
 *
 * @example
 * ```ts
 * revisionResultProblems({ revision: { revision: '1.0.0', timestamp: 'today' } });
 * // ['revision: timestamp must be a valid Date']
 * ```
 */
export function revisionResultProblems(answer: unknown): string[] {
  if (typeof answer !== 'object' || answer === null || !('revision' in answer)) return ['must answer { revision, warnings? }'];
  const a = answer as Record<string, unknown>;
  const problems: string[] = [];
  if (a['revision'] !== null) problems.push(...revisionProblems(a['revision']).map((p) => `revision: ${p}`));
  if (a['warnings'] !== undefined && !isStringList(a['warnings'])) problems.push('warnings must be a list of strings');
  return problems;
}

/**
 * A revision as the host hands it back after storing it: a copy, never the plugin's own object,
 * so that a plugin comparing by identity is caught.
 *
 * @example
 * ```ts
 * const previous = storedCopy(latest);
 * previous === latest; // false
 * ```
 */
export function storedCopy(revision: PackageRevision): PackageRevision {
  const copy: PackageRevision = { revision: revision.revision, timestamp: new Date(Date.prototype.getTime.call(revision.timestamp)) };
  if (typeof revision.user === 'string') copy.user = revision.user;
  if (typeof revision.comment === 'string') copy.comment = revision.comment;
  if (typeof revision.trackbackUrl === 'string') copy.trackbackUrl = revision.trackbackUrl;
  if (revision.data) copy.data = { ...revision.data };
  return copy;
}

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
