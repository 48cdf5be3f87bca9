import { validate as validCron } from 'node-cron';
import { addFieldError, type FieldErrors } from '../../domain-errors';
import { DEFAULT_LABEL_TEMPLATE, environmentName, materialName, type PipelineDefinition } from './definition';
import type { DefinitionLookups } from './definition-lookups';
import { referenceErrors } from './definition-references';
import { fetchPackageErrors } from './fetch-package-references';
import { labelTokens } from './label-template';
import { isProtectedVariable, PROTECTED_VARIABLES } from './protected-variables';

/**
 * The rules a JSON Schema cannot express: references to repositories, packages and other
 * pipelines, cycles, unique names, label tokens, timers and secure values. The definition must
 * already match the schema. Answers field paths (`materials[0].package`) to messages.
 */
export function definitionErrors(definition: PipelineDefinition, lookups: DefinitionLookups): FieldErrors {
  const errors: FieldErrors = {};
  materialNameErrors(definition, errors);
  referenceErrors(definition, lookups, errors);
  stageAndJobNameErrors(definition, errors);
  labelErrors(definition, errors);
  fetchPackageErrors(definition, lookups, errors);
  timerErrors(definition, errors);
  secureErrors(definition, lookups, errors);
  overridableErrors(definition, errors);
  return errors;
}

function materialNameErrors(definition: PipelineDefinition, errors: FieldErrors): void {
  const byName = new Map<string, number>();
  const byPrefix = new Map<string, number>();
  definition.materials.forEach((material, index) => {
    const name = materialName(material);
    const given = material.name ? '' : ' (the default name)';
    const sameName = byName.get(name);
    const prefix = environmentName(name);
    const samePrefix = byPrefix.get(prefix);
    if (sameName !== undefined) {
      addFieldError(errors, `materials[${index}].name`, `material name '${name}'${given} is already used by materials[${sameName}]`);
    } else if (samePrefix !== undefined) {
      const other = materialName(definition.materials[samePrefix]);
      addFieldError(
        errors,
        `materials[${index}].name`,
        `'${name}'${given} and '${other}' (materials[${samePrefix}]) both become ${prefix} in job environment variables`,
      );
    }
    if (sameName === undefined) byName.set(name, index);
    if (samePrefix === undefined) byPrefix.set(prefix, index);
  });
}

/** Stage and job names are unique regardless of case: they appear in URLs and folder names. */
function stageAndJobNameErrors(definition: PipelineDefinition, errors: FieldErrors): void {
  const stages = new Map<string, number>();
  definition.stages.forEach((stage, s) => {
    const first = stages.get(stage.name.toLowerCase());
    if (first !== undefined) addFieldError(errors, `stages[${s}].name`, `stage name '${stage.name}' is already used by stages[${first}]`);
    else stages.set(stage.name.toLowerCase(), s);
    const jobs = new Map<string, number>();
    stage.jobs.forEach((job, j) => {
      const firstJob = jobs.get(job.name.toLowerCase());
      if (firstJob !== undefined)
        addFieldError(errors, `stages[${s}].jobs[${j}].name`, `job name '${job.name}' is already used by stages[${s}].jobs[${firstJob}]`);
      else jobs.set(job.name.toLowerCase(), j);
    });
  });
}

function labelErrors(definition: PipelineDefinition, errors: FieldErrors): void {
  const template = definition.label_template ?? DEFAULT_LABEL_TEMPLATE;
  const names = new Set(definition.materials.map(materialName));
  const tokens = labelTokens(template);
  if (template.split('${').length - 1 > tokens.length) addFieldError(errors, 'label_template', 'a ${ is not closed by }');
  for (const token of tokens) {
    if (token.name === 'COUNT' && token.length === null) continue;
    if (token.name === '') {
      addFieldError(errors, 'label_template', `${token.raw} is not a token: use \${COUNT}, \${<material>} or \${<material>[:N]}`);
    } else if (!names.has(token.name)) {
      addFieldError(errors, 'label_template', `${token.raw} names no material of this pipeline (materials: ${[...names].join(', ')})`);
    } else if (token.length === 0) {
      addFieldError(errors, 'label_template', `${token.raw} keeps no characters: N must be at least 1`);
    }
  }
}

function timerErrors(definition: PipelineDefinition, errors: FieldErrors): void {
  const timer = definition.timer;
  if (!timer) return;
  if (!validCron(timer.spec))
    addFieldError(
      errors,
      'timer.spec',
      `'${timer.spec}' is not a valid cron expression (seconds minutes hours day-of-month month day-of-week, e.g. 0 0 22 * * 1-5)`,
    );
  if (timer.timezone !== undefined && !knownTimezone(timer.timezone))
    addFieldError(errors, 'timer.timezone', `'${timer.timezone}' is not a known time zone (e.g. UTC, Europe/Paris)`);
}

function knownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function secureErrors(definition: PipelineDefinition, lookups: DefinitionLookups, errors: FieldErrors): void {
  for (const [variable, { encrypted_value }] of Object.entries(definition.secure_environment ?? {})) {
    if (lookups.decrypts(encrypted_value, definition.name, variable)) continue;
    addFieldError(
      errors,
      `secure_environment.${variable}`,
      `this value does not decrypt for pipeline '${definition.name}' and variable '${variable}': encrypt it with POST /api/encrypt for this pipeline and variable`,
    );
  }
}

/** Refused when saved, so a definition never promises an override the trigger would refuse. */
function overridableErrors(definition: PipelineDefinition, errors: FieldErrors): void {
  const check = (names: string[] | undefined, at: string) =>
    (names ?? []).forEach((name, index) => {
      if (isProtectedVariable(name))
        addFieldError(errors, `${at}[${index}]`, `${name} can never be overridden by a trigger (${PROTECTED_VARIABLES} are protected)`);
    });
  check(definition.overridable, 'overridable');
  definition.stages.forEach((stage, s) => stage.jobs.forEach((job, j) => check(job.overridable, `stages[${s}].jobs[${j}].overridable`)));
}
