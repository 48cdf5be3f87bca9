import type { Configuration, ResolvedProperty, ValidationError } from '../../configuration';
import { validationAnswerProblems } from '../answer-problems';
import type { ConformanceRun } from '../conformance-run';
import type { ConformanceCheck } from './conformance-check';
import { always } from './conformance-check';

const enforced = (properties: ResolvedProperty[]): ResolvedProperty[] => properties.filter((p) => p.required && p.defaultValue === null);

function without(configuration: Configuration, key: string): Configuration {
  return Object.fromEntries(Object.entries(configuration).filter(([k]) => k !== key));
}

/** Asks a validation and returns its errors, or the problem with the answer. */
async function validate(
  run: ConformanceRun,
  operation: string,
  args: Configuration[],
  about: string,
): Promise<{ problem: string } | { errors: ValidationError[] }> {
  const answer = await run.ask(operation, args, about);
  if ('problem' in answer) return { problem: answer.problem };
  const problems = validationAnswerProblems(answer.value);
  if (problems.length > 0) return { problem: `${operation} for ${about}: ${problems.join(', ')}` };
  return { errors: answer.value as ValidationError[] };
}

async function requiredProblems(run: ConformanceRun): Promise<string[]> {
  const { repository, packages } = run.options;
  const pkg = packages[0] ?? {};
  const asks = [
    ...enforced(run.properties('repository')).map((p) => ({ key: p.key, operation: 'validateRepository', args: [without(repository, p.key)] })),
    ...enforced(run.properties('package')).map((p) => ({ key: p.key, operation: 'validatePackage', args: [repository, without(pkg, p.key)] })),
  ];
  const problems: string[] = [];
  for (const { key, operation, args } of asks) {
    const answer = await validate(run, operation, args, `a configuration without ${key}`);
    if ('problem' in answer) problems.push(answer.problem);
    else if (!answer.errors.some((e) => e.key === key)) {
      problems.push(`${key} is required and has no default, but ${operation} answered no error for key ${key} when it was left out`);
    }
  }
  return problems;
}

async function validConfigurationProblems(run: ConformanceRun): Promise<string[]> {
  const { repository, packages, missingPackage } = run.options;
  const asks: { operation: string; args: Configuration[]; about: string }[] = [
    { operation: 'validateRepository', args: [repository], about: 'repository' },
    ...packages.map((pkg, i) => ({ operation: 'validatePackage', args: [repository, pkg], about: `packages[${i}]` })),
  ];
  if (missingPackage) asks.push({ operation: 'validatePackage', args: [repository, missingPackage], about: 'missingPackage' });
  const problems: string[] = [];
  for (const { operation, args, about } of asks) {
    const answer = await validate(run, operation, args, about);
    if ('problem' in answer) problems.push(answer.problem);
    else if (answer.errors.length > 0) {
      problems.push(`${operation} rejected ${about}: ${answer.errors.map((e) => `${e.key}: ${e.message}`).join('; ')}`);
    }
  }
  return problems;
}

/** Leaving out a required property without a default is an error naming its key. */
export const requiredPropertiesCheck: ConformanceCheck = {
  name: 'required-properties',
  title: 'every required property without a default is enforced by validation',
  applies: always,
  // Every declared property bounds the required ones, and reading it cannot fail.
  maxCalls: (options) => countEnforced(options.plugin),
  run: requiredProblems,
};

/** The fixture configurations are valid. */
export const validConfigurationCheck: ConformanceCheck = {
  name: 'valid-configuration',
  title: 'the fixture configurations validate without errors',
  applies: always,
  maxCalls: (options) => 1 + options.packages.length + (options.missingPackage ? 1 : 0),
  run: validConfigurationProblems,
};

function countEnforced(plugin: unknown): number {
  const count = (scope: string): number => {
    const declared = (plugin as Record<string, { properties?: unknown } | undefined> | null)?.[scope]?.properties;
    return Array.isArray(declared) ? declared.length : 0;
  };
  return count('repository') + count('package');
}
