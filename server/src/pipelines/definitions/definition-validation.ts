import type { FieldErrors } from '../../domain-errors';
import type { PipelineDefinition } from './definition';
import type { DefinitionLookups } from './definition-lookups';
import { definitionErrors } from './definition-rules';
import { checkShape } from './definition-shape';

export type DefinitionCheck = { ok: true; definition: PipelineDefinition } | { ok: false; errors: FieldErrors };

/** The schema first, then the rules: the rules may rely on the shape. */
export function checkDefinition(input: unknown, lookups: DefinitionLookups): DefinitionCheck {
  const shape = checkShape(input);
  if (!shape.ok) return shape;
  const { definition } = shape;
  const errors = definitionErrors(definition, lookups);
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, definition };
}
