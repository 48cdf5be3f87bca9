import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import type { FieldErrors } from '../domain-errors';
import { PIPELINE_SCHEMA } from './definition-schema';

let compiled: ValidateFunction | null = null;

/**
 * Checks a definition against the pipeline JSON Schema, for input that did not come through
 * the API (YAML files), with the same field paths the API answers (`stages[0].jobs`); and for
 * strings the database cannot store.
 */
export function shapeErrors(value: unknown): FieldErrors {
  compiled ??= new Ajv2020({ strict: false, allErrors: true }).compile(PIPELINE_SCHEMA);
  if (compiled(value)) return unstorableStrings(value);
  const errors: FieldErrors = {};
  for (const error of compiled.errors ?? []) {
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') continue;
    const { path, message } = describe(error);
    (errors[path || 'body'] ??= []).push(message);
  }
  return errors;
}

function describe(error: ErrorObject): { path: string; message: string } {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
  const join = (field: string) => (path ? `${path}.${field}` : field);
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

/** Strings (and keys) holding NUL characters, which the database's JSON cannot store, by path. */
function unstorableStrings(value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  const visit = (item: unknown, at: string) => {
    if (typeof item === 'string') {
      if (item.includes('\u0000')) (errors[at || 'body'] ??= []).push('must not contain NUL characters');
    } else if (Array.isArray(item)) {
      item.forEach((element, index) => visit(element, `${at}[${index}]`));
    } else if (item !== null && typeof item === 'object') {
      for (const [key, element] of Object.entries(item)) visit(key.includes('\u0000') ? '\u0000' : element, at ? `${at}.${key}` : key);
    }
  };
  visit(value, '');
  return errors;
}
