import type { ErrorObject } from 'ajv';

/**
 * What to say when a value matches none of a `oneOf`'s alternatives. Ajv reports every
 * alternative's errors, so a task of an unknown shape would read as "exec is required",
 * "http is required" and more; the user meant one alternative, or named one that does not exist.
 * So: when the value says which alternative it means (a `const` member such as an approval's
 * `type`, or a member only that alternative requires, such as a task's `exec`), only that
 * alternative's errors are kept; when it names none, one message lists the alternatives and the
 * members the nearest one takes. The `oneOf` schema's `title` (`task`, `approval`) names what
 * the alternatives are. Needs ajv's `verbose` option, which puts schemas and data on errors.
 */

/** A message at an instance path (ajv's JSON pointer), or ajv's own error. */
export type SchemaProblem = ErrorObject | { instancePath: string; message: string; keyword: 'alternatives' };

interface ObjectSchema {
  properties?: Record<string, { const?: unknown; properties?: Record<string, unknown>; required?: string[] }>;
  required?: string[];
}

type Decision = { branch: number } | { problem: SchemaProblem } | null;

/** The errors with each failed `oneOf` narrowed to the alternative the value meant, or to one message. */
export function narrowAlternatives(errors: readonly ErrorObject[]): SchemaProblem[] {
  let kept: SchemaProblem[] = [...errors];
  const failures = errors
    .filter((e) => e.keyword === 'oneOf' && (e.params as { passingSchemas: unknown }).passingSchemas === null)
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const failure of failures) {
    if (!kept.includes(failure)) continue;
    const decision = decide(failure);
    if (decision === null) continue;
    const within = `${failure.schemaPath}/`;
    const chosen = 'branch' in decision ? `${within}${decision.branch}/` : null;
    kept = kept.filter(
      (e) =>
        e === failure ||
        !('schemaPath' in e) ||
        !e.schemaPath.startsWith(within) ||
        !under(e.instancePath, failure.instancePath) ||
        (chosen !== null && e.schemaPath.startsWith(chosen)),
    );
    if ('problem' in decision) kept.push(decision.problem);
  }
  return kept;
}

function under(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}/`);
}

function decide(failure: ErrorObject): Decision {
  const branches = failure.schema as unknown[];
  const data = failure.data;
  if (!Array.isArray(branches) || !branches.every(isObjectSchema)) return null;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  const title = (failure.parentSchema as { title?: string } | undefined)?.title;
  return byConstant(failure, branches, data as Record<string, unknown>, title) ?? byOwnMembers(failure, branches, data as Record<string, unknown>, title);
}

function isObjectSchema(schema: unknown): schema is ObjectSchema {
  return typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'object' && 'properties' in schema;
}

/** Alternatives told apart by one member's constant value (`type: manual`). */
function byConstant(failure: ErrorObject, branches: ObjectSchema[], data: Record<string, unknown>, title: string | undefined): Decision {
  const member = Object.keys(branches[0].properties ?? {}).find((key) => branches.every((b) => b.properties?.[key]?.const !== undefined));
  if (member === undefined) return null;
  const values = branches.map((b) => b.properties![member].const);
  const index = values.indexOf(data[member]);
  if (index >= 0) return { branch: index };
  const known = values.map(String).join(', ');
  const what = title ? `${title} ${member}` : member;
  const given = data[member];
  const shown = typeof given === 'string' ? `'${given}'` : JSON.stringify(given);
  const message = given === undefined ? `${member} is required: one of ${known}` : `${shown} is not a known ${what}; the ${what}s are ${known}`;
  return { problem: { instancePath: `${failure.instancePath}/${member}`, message, keyword: 'alternatives' } };
}

/** Alternatives told apart by members only one of them requires (a task's `exec` or `http`). */
function byOwnMembers(failure: ErrorObject, branches: ObjectSchema[], data: Record<string, unknown>, title: string | undefined): Decision {
  const own = branches.map((b, i) => (b.required ?? []).filter((key) => branches.every((other, j) => j === i || !(other.required ?? []).includes(key))));
  if (own.some((keys) => keys.length === 0)) return null;
  const meant = own.flatMap((keys, i) => (keys.some((key) => Object.hasOwn(data, key)) ? [i] : []));
  if (meant.length === 1) return { branch: meant[0] };
  const names = own.map((keys) => keys.join(' + '));
  const what = title ?? 'value';
  const problem = (message: string): Decision => ({ problem: { instancePath: failure.instancePath, message, keyword: 'alternatives' } });
  if (meant.length > 1) return problem(`a ${what} is exactly one of ${names.join(', ')}; this one has ${meant.map((i) => names[i]).join(' and ')}`);
  const nearest = nearestBranch(branches, own, data);
  const has = Object.keys(data).length > 0 ? `it has ${Object.keys(data).join(', ')}` : 'it is empty';
  return problem(
    `is not a known ${what}: ${has}, and a ${what} is one of ${names.join(', ')}; the nearest, ${names[nearest]}, takes ${membersOf(branches[nearest], own[nearest])}`,
  );
}

/** The alternative sharing most member names with the value (one level down too), then the one whose own member's name is most alike. */
function nearestBranch(branches: ObjectSchema[], own: string[][], data: Record<string, unknown>): number {
  const given = new Set(Object.entries(data).flatMap(([key, value]) => [key, ...(value !== null && typeof value === 'object' ? Object.keys(value) : [])]));
  const score = (branch: ObjectSchema, i: number) => {
    const members = Object.entries(branch.properties ?? {}).flatMap(([key, schema]) => [key, ...Object.keys(schema.properties ?? {})]);
    const shared = members.filter((member) => given.has(member)).length;
    const closeness = Math.min(...own[i].flatMap((name) => [...given].map((key) => unlikeness(name, key))), Infinity);
    return { shared, closeness };
  };
  const scores = branches.map(score);
  let best = 0;
  scores.forEach((s, i) => {
    const b = scores[best];
    if (s.shared > b.shared || (s.shared === b.shared && s.closeness < b.closeness)) best = i;
  });
  return best;
}

/** What an alternative takes: `command (required), arguments, …` inside a task's one member; its own members otherwise. */
function membersOf(branch: ObjectSchema, own: string[]): string {
  const list = (schema: { properties?: Record<string, unknown>; required?: string[] }) =>
    Object.keys(schema.properties ?? {})
      .map((key) => ((schema.required ?? []).includes(key) ? `${key} (required)` : key))
      .join(', ');
  const members = Object.keys(branch.properties ?? {});
  const only = members.length === 1 && own.length === 1 ? branch.properties?.[own[0]] : undefined;
  return only?.properties ? list(only) : list(branch);
}

/** 0 when one name contains the other (`fetch`, `fetch_package`), else their edit distance relative to the longer one. */
function unlikeness(a: string, b: string): number {
  if (a.includes(b) || b.includes(a)) return 0;
  return distance(a, b) / Math.max(a.length, b.length);
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
