import { checkResultProblems } from '../answer-problems';
import type { ConformanceRun } from '../conformance-run';
import type { ConformanceCheck } from './conformance-check';
import { always } from './conformance-check';

/** Asks a connection check that should succeed and says what is wrong with its answer. */
async function expectOk(run: ConformanceRun, operation: string, args: unknown[], about: string): Promise<string[]> {
  const answer = await run.ask(operation, args, about);
  if ('problem' in answer) return [answer.problem];
  const problems = checkResultProblems(answer.value);
  if (problems.length > 0) return [`${operation} for ${about}: ${problems.join(', ')}`];
  const { ok, messages } = answer.value as { ok: boolean; messages: string[] };
  return ok ? [] : [`${operation} for ${about} answered ok: false (${messages.join(' / ')}), but the fixture is reachable`];
}

/** The fixture repository's connection check answers `{ ok: true, messages }`. */
export const repositoryConnectionCheck: ConformanceCheck = {
  name: 'repository-connection',
  title: 'the repository connection check answers { ok: true, messages } for the fixture',
  applies: always,
  maxCalls: () => 1,
  run: (run) => expectOk(run, 'checkRepositoryConnection', [run.options.repository], 'repository'),
};

/** Every fixture package's connection check answers `{ ok: true, messages }`. */
export const packageConnectionCheck: ConformanceCheck = {
  name: 'package-connection',
  title: 'the package connection check answers { ok: true, messages } for every fixture package',
  applies: always,
  maxCalls: (options) => options.packages.length,
  async run(run) {
    const problems: string[] = [];
    for (const [i, pkg] of run.options.packages.entries()) {
      problems.push(...(await expectOk(run, 'checkPackageConnection', [run.options.repository, pkg], `packages[${i}]`)));
    }
    return problems;
  },
};
