import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { addFieldError, type FieldErrors } from '../../domain-errors';
import { schemaFieldErrors } from '../../schema-field-errors';
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
  return schemaFieldErrors(compiled.errors ?? []);
}

/** Strings (and keys) holding NUL characters, which the database's JSON cannot store, by path. */
function unstorableStrings(value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  const visit = (item: unknown, at: string) => {
    if (typeof item === 'string') {
      if (item.includes('\u0000')) addFieldError(errors, at || 'body', 'must not contain NUL characters');
    } else if (Array.isArray(item)) {
      item.forEach((element, index) => visit(element, `${at}[${index}]`));
    } else if (item !== null && typeof item === 'object') {
      for (const [key, element] of Object.entries(item)) visit(key.includes('\u0000') ? '\u0000' : element, at ? `${at}.${key}` : key);
    }
  };
  visit(value, '');
  return errors;
}
