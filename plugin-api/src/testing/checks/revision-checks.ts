import type { PackageRevision } from '../../revision';
import { revisionResultProblems, storedCopy } from '../answer-problems';
import type { ConformanceRun } from '../conformance-run';
import type { ConformanceCheck } from './conformance-check';
import { always } from './conformance-check';

/** Every fixture package resolves to a well-formed revision. */
export const latestRevisionCheck: ConformanceCheck = {
  name: 'latest-revision',
  title: 'latestRevision answers a well-formed revision for every fixture package',
  applies: always,
  maxCalls: (options) => options.packages.length,
  async run(run) {
    const problems: string[] = [];
    for (const i of run.options.packages.keys()) {
      const latest = await run.latestOf(i);
      if ('problem' in latest) problems.push(latest.problem);
    }
    return problems;
  },
};

async function nothingNewerProblem(run: ConformanceRun, index: number): Promise<string | null> {
  const about = `packages[${index}]`;
  const latest = await run.latestOf(index);
  if ('problem' in latest) return `${about}: no latest revision to start from (${latest.problem})`;
  const args = [run.options.repository, run.options.packages[index], storedCopy(latest.revision)];
  const answer = await run.ask('latestRevisionSince', args, about);
  if ('problem' in answer) return answer.problem;
  const problems = revisionResultProblems(answer.value);
  if (problems.length > 0) return `latestRevisionSince for ${about}: ${problems.join(', ')}`;
  const again = (answer.value as { revision: PackageRevision | null }).revision;
  if (again === null) return null;
  const given = latest.revision.revision;
  return `latestRevisionSince for ${about} answered '${again.revision}' when given the latest revision '${given}'; with nothing newer it must answer revision: null`;
}

/** Asking for something newer than the latest revision answers nothing. */
export const nothingNewerCheck: ConformanceCheck = {
  name: 'nothing-newer-than-latest',
  title: 'latestRevisionSince(latest) answers revision: null',
  applies: always,
  maxCalls: (options) => options.packages.length,
  async run(run) {
    const problems: string[] = [];
    for (const i of run.options.packages.keys()) {
      const problem = await nothingNewerProblem(run, i);
      if (problem !== null) problems.push(problem);
    }
    return problems;
  },
};
