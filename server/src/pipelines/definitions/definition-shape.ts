import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { addFieldError, type FieldErrors } from '../../domain-errors';
import { schemaFieldErrors } from '../../schema-field-errors';
import type { PipelineDefinition } from './definition';
import { PIPELINE_SCHEMA } from './definition-schema';

let compiled: ValidateFunction<PipelineDefinition> | null = null;

export type ShapeCheck = { ok: true; definition: PipelineDefinition } | { ok: false; errors: FieldErrors };

/** The definition, typed, when its shape is right and it can be stored; its errors otherwise. */
export function checkShape(value: unknown): ShapeCheck {
  compiled ??= new Ajv2020({ strict: false, allErrors: true, verbose: true }).compile<PipelineDefinition>(PIPELINE_SCHEMA);
  if (!compiled(value)) return { ok: false, errors: schemaFieldErrors(compiled.errors ?? []) };
  const errors = unstorableStrings(value);
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, definition: value };
}

/**
 * Checks a definition against the pipeline JSON Schema, for input that did not come through
 * the API (YAML files), with the same field paths the API answers (`stages[0].jobs`); and for
 * strings the database cannot store.
 */
export function shapeErrors(value: unknown): FieldErrors {
  const check = checkShape(value);
  return check.ok ? {} : check.errors;
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
