import { toWireError } from '../../errors';
import type { PackageRevision } from '../../revision';
import { checkResultProblems, revisionResultProblems } from '../answer-problems';
import type { ConformanceRun } from '../conformance-run';
import { describeThrown, outcomeProblem, type CallOutcome } from '../plugin-caller';
import type { ConformanceCheck } from './conformance-check';

const MISSING = 'missingPackage';

async function missingRevisionProblem(run: ConformanceRun): Promise<string | null> {
  const answer = await run.ask('latestRevision', [run.options.repository, run.options.missingPackage], MISSING);
  if ('problem' in answer) return `${answer.problem}; a package that does not exist (yet) answers revision: null`;
  const shape = revisionResultProblems(answer.value);
  if (shape.length > 0) return `latestRevision for ${MISSING}: ${shape.join(', ')}`;
  const revision = (answer.value as { revision: PackageRevision | null }).revision;
  return revision === null ? null : `latestRevision for ${MISSING} answered '${revision.revision}'; expected revision: null`;
}

async function missingConnectionProblem(run: ConformanceRun): Promise<string | null> {
  const answer = await run.ask('checkPackageConnection', [run.options.repository, run.options.missingPackage], MISSING);
  if ('problem' in answer) return answer.problem;
  const shape = checkResultProblems(answer.value);
  if (shape.length > 0) return `checkPackageConnection for ${MISSING}: ${shape.join(', ')}`;
  return (answer.value as { ok: boolean }).ok ? 'checkPackageConnection answered ok: true for a package that does not exist' : null;
}

async function missingPackageProblems(run: ConformanceRun): Promise<string[]> {
  const problems = [await missingRevisionProblem(run), await missingConnectionProblem(run)];
  return problems.filter((p): p is string => p !== null);
}

const UNREACHABLE = 'unreachableRepository';

/** A failure is fine when classified; a bug, a hang or a normal answer is not. */
function unreachableProblem(run: ConformanceRun, operation: string, outcome: CallOutcome): string | null {
  if (outcome.status === 'threw') {
    return toWireError(outcome.error).kind === 'bug' ? `${operation} for ${UNREACHABLE} threw ${describeThrown(outcome.error)}` : null;
  }
  if (outcome.status !== 'returned') return outcomeProblem(operation, UNREACHABLE, outcome, run.caller.timeoutMs);
  if (operation !== 'checkRepositoryConnection') {
    return `${operation} answered as if ${UNREACHABLE} were reachable; throw a TransientError or PermanentError instead`;
  }
  const shape = checkResultProblems(outcome.value);
  if (shape.length > 0) return `checkRepositoryConnection for ${UNREACHABLE}: ${shape.join(', ')}`;
  return (outcome.value as { ok: boolean }).ok ? 'checkRepositoryConnection answered ok: true for an unreachable repository' : null;
}

async function unreachableProblems(run: ConformanceRun): Promise<string[]> {
  const { unreachableRepository, packages } = run.options;
  const asks: [string, unknown[]][] = [
    ['checkRepositoryConnection', [unreachableRepository]],
    ['latestRevision', [unreachableRepository, packages[0]]],
  ];
  const problems: string[] = [];
  for (const [operation, args] of asks) {
    const problem = unreachableProblem(run, operation, await run.caller.call(operation, args, UNREACHABLE));
    if (problem !== null) problems.push(problem);
  }
  return problems;
}

/** A package the repository does not have answers `revision: null` and `ok: false`, not an error. */
export const missingPackageCheck: ConformanceCheck = {
  name: 'missing-package',
  title: 'a missing package answers revision: null and ok: false, not an error',
  applies: (options) => options.missingPackage !== undefined,
  maxCalls: () => 2,
  run: missingPackageProblems,
};

/** An unreachable repository fails in a classified way, or its connection check answers `ok: false`. */
export const unreachableRepositoryCheck: ConformanceCheck = {
  name: 'unreachable-repository',
  title: 'an unreachable repository fails with a classified error or ok: false, never a bug',
  applies: (options) => options.unreachableRepository !== undefined,
  maxCalls: () => 2,
  run: unreachableProblems,
};
