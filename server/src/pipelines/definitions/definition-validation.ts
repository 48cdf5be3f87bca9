import type { FieldErrors } from '../../domain-errors';
import type { PipelineDefinition } from './definition';
import type { DefinitionLookups } from './definition-lookups';
import { definitionErrors } from './definition-rules';
import { shapeErrors } from './definition-shape';

export type DefinitionCheck = { ok: true; definition: PipelineDefinition } | { ok: false; errors: FieldErrors };

/** The schema first, then the rules: the rules may rely on the shape. */
export function checkDefinition(input: unknown, lookups: DefinitionLookups): DefinitionCheck {
  const shape = shapeErrors(input);
  if (Object.keys(shape).length > 0) return { ok: false, errors: shape };
  const definition = input as PipelineDefinition;
  const errors = definitionErrors(definition, lookups);
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, definition };
}
