import type { ErrorObject } from 'ajv';
import { addFieldError, type FieldErrors } from './domain-errors';
import { narrowAlternatives, type SchemaProblem } from './schema-alternatives';

/**
 * Ajv's errors as the field paths the API answers: `/configuration/0/key` → `configuration[0].key`,
 * with the missing or unknown field named, each message once. A value that matches none of a
 * `oneOf`'s alternatives is reported by the alternative it meant, or by one message naming the
 * alternatives (see `schema-alternatives.ts`; the validator must run with `verbose`).
 */
export function schemaFieldErrors(errors: readonly ErrorObject[]): FieldErrors {
  const result: FieldErrors = {};
  for (const error of narrowAlternatives(errors)) {
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') continue;
    const { path, message } = describe(error);
    const at = path || 'body';
    if (!Object.hasOwn(result, at) || !result[at].includes(message)) addFieldError(result, at, message);
  }
  return result;
}

function describe(error: SchemaProblem): { path: string; message: string } {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
  const join = (field: string) => (path ? `${path}.${field}` : field);
  if (!('schemaPath' in error)) return { path, message: error.message };
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return { path: join(missing), message: `${missing} is required` };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return { path: join(extra), message: `${extra} is not a known field` };
  }
  if (error.keyword === 'enum') {
    return { path, message: `must be one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}` };
  }
  return { path, message: error.message ?? 'is not valid' };
}
