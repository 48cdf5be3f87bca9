import { addFieldError, Forbidden, InvalidInput, type FieldErrors } from '../../domain-errors';
import { roleAtLeast, type Actor, type Role } from '../../security/roles';
import type { SecretBox } from '../../security/secret-box';
import type { JobDefinition, PipelineDefinition } from '../definitions/definition';
import { isProtectedVariable, PROTECTED_VARIABLES } from '../definitions/protected-variables';
import type { EnvironmentOverride } from './run-model';
import { encryptVariable } from '../definitions/secure-environment';

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
// Overriding a secure variable replaces a secret only those who may edit the pipeline can set.
const SECURE_OVERRIDE_ROLE: Role = 'admin';
const MASK = '****';

/**
 * The names a manual trigger may override in one job: the pipeline's `overridable` and the job's.
 * Protected names are left out here too, so that stored data saying otherwise changes nothing.
 */
export function overridableIn(definition: PipelineDefinition, job: JobDefinition): Set<string> {
  return new Set([...(definition.overridable ?? []), ...(job.overridable ?? [])].filter((name) => !isProtectedVariable(name)));
}

/**
 * Checks a manual trigger's overrides against the pipeline and the caller, and answers them as
 * the run stores them: an override of a secure variable encrypted for this pipeline and variable,
 * like the variable itself. 422 names each name that may not be overridden; 403 names the secure
 * variables the caller may not replace.
 */
export function storedOverrides(
  definition: PipelineDefinition,
  overrides: Record<string, string>,
  actor: Actor,
  box: SecretBox,
): Record<string, EnvironmentOverride> {
  const listed = new Set(definition.stages.flatMap((stage) => stage.jobs.flatMap((job) => [...overridableIn(definition, job)])));
  const errors: FieldErrors = {};
  for (const name of Object.keys(overrides)) {
    const problem = overrideProblem(definition.name, name, listed);
    if (problem) addFieldError(errors, `environment.${name}`, problem);
  }
  if (Object.keys(errors).length > 0) throw new InvalidInput(errors);
  const secure = Object.keys(overrides).filter((name) => Object.hasOwn(definition.secure_environment ?? {}, name));
  if (secure.length > 0 && !roleAtLeast(actor.role, SECURE_OVERRIDE_ROLE)) {
    throw new Forbidden(
      `'${actor.name}' may not override the secure variable ${secure.join(', ')} of pipeline '${definition.name}': only a caller who may edit the pipeline (${SECURE_OVERRIDE_ROLE}) may`,
    );
  }
  return Object.fromEntries(
    Object.entries(overrides).map(([name, value]) => [
      name,
      secure.includes(name) ? { encrypted_value: encryptVariable(box, value, definition.name, name) } : value,
    ]),
  );
}

/** Overrides as the audit log records them: the values, a secure one masked. */
export function auditedOverrides(overrides: Record<string, EnvironmentOverride>): Record<string, string> {
  return Object.fromEntries(Object.entries(overrides).map(([name, value]) => [name, typeof value === 'string' ? value : MASK]));
}

function overrideProblem(pipeline: string, name: string, listed: ReadonlySet<string>): string | null {
  if (!VARIABLE.test(name)) return 'variable names are letters, digits and _, not starting with a digit';
  if (isProtectedVariable(name)) return `${name} can never be overridden (${PROTECTED_VARIABLES} are protected)`;
  if (!listed.has(name)) return `${name} is not overridable in pipeline '${pipeline}': list it under overridable of the pipeline or of a job`;
  return null;
}
