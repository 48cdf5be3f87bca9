import type { BatchItem } from '../../define-plugin';
import type { PackageRevision } from '../../revision';
import { revisionResultProblems, storedCopy } from '../answer-problems';
import type { ConformanceRun } from '../conformance-run';
import { isBatchPlugin } from '../conformance-run';
import { describeThrown } from '../plugin-caller';
import type { ConformanceCheck } from './conformance-check';

/** One batch item, what it is about, and the label the single calls lead to expect (`undefined`: unknown). */
interface Question {
  item: BatchItem;
  about: string;
  expected: string | null | undefined;
}

type Round = 'first' | 'again';

async function questions(run: ConformanceRun, round: Round): Promise<Question[]> {
  const asked: Question[] = [];
  for (const [i, pkg] of run.options.packages.entries()) {
    const latest = await run.latestOf(i);
    const known = 'revision' in latest ? latest.revision : undefined;
    if (round === 'again' && !known) continue;
    const previous = round === 'again' && known ? storedCopy(known) : null;
    const expected = round === 'again' ? null : known?.revision;
    asked.push({ item: { key: `key-${asked.length}`, package: pkg, previous }, about: `packages[${i}]`, expected });
  }
  const missing = run.options.missingPackage;
  if (missing) asked.push({ item: { key: `key-${asked.length}`, package: missing, previous: null }, about: 'missingPackage', expected: null });
  return asked;
}

/** Each asked key answered exactly once, and no key that was not asked. */
function indexAnswers(value: unknown, asked: Question[]): { answers: Map<string, Record<string, unknown>>; problems: string[] } {
  const answers = new Map<string, Record<string, unknown>>();
  if (!Array.isArray(value)) return { answers, problems: ['latestRevisionsSince must answer a list of { key, result } or { key, error }'] };
  const keys = new Set(asked.map((q) => q.item.key));
  const problems: string[] = [];
  for (const entry of value as unknown[]) {
    const answer = (entry ?? {}) as Record<string, unknown>;
    const key = answer['key'];
    if (typeof key !== 'string' || !keys.has(key)) problems.push(`latestRevisionsSince answered a key that was not asked: ${String(key)}`);
    else if (answers.has(key)) problems.push(`latestRevisionsSince answered key '${key}' more than once`);
    else answers.set(key, answer);
  }
  for (const q of asked) {
    if (!answers.has(q.item.key)) problems.push(`latestRevisionsSince gave no answer for key '${q.item.key}' (${q.about})`);
  }
  return { answers, problems };
}

function answerProblem(run: ConformanceRun, round: Round, q: Question, answer: Record<string, unknown>): string | null {
  if (answer['error'] !== undefined) {
    run.caller.recordAnswerError('latestRevisionsSince', q.about, answer['error']);
    return `latestRevisionsSince answered an error for ${q.about}: ${describeThrown(answer['error'])}`;
  }
  const problems = revisionResultProblems(answer['result']);
  if (problems.length > 0) return `latestRevisionsSince for ${q.about}: ${problems.join(', ')}`;
  const label = (answer['result'] as { revision: PackageRevision | null }).revision?.revision ?? null;
  if (q.expected === undefined || label === q.expected) return null;
  if (round === 'again') {
    return `with previous = latest, latestRevisionsSince answered '${label}' again for ${q.about}; it must answer revision: null`;
  }
  return `latestRevisionsSince answered ${quoted(label)} for ${q.about}, but latestRevision answered ${quoted(q.expected)}`;
}

const quoted = (label: string | null): string => (label === null ? 'null' : `'${label}'`);

async function roundProblems(run: ConformanceRun, round: Round): Promise<string[]> {
  const asked = await questions(run, round);
  const about = round === 'first' ? 'every package, previous = null' : 'every package, previous = latest';
  const reply = await run.ask('latestRevisionsSince', [run.options.repository, asked.map((q) => q.item)], about);
  if ('problem' in reply) return [reply.problem];
  const { answers, problems } = indexAnswers(reply.value, asked);
  for (const q of asked) {
    const answer = answers.get(q.item.key);
    const problem = answer ? answerProblem(run, round, q, answer) : null;
    if (problem !== null) problems.push(problem);
  }
  return problems;
}

/** A batch answers every key once, agrees with the single calls, and finds nothing newer than the latest. */
export const batchCheck: ConformanceCheck = {
  name: 'batch',
  title: 'the batch answers every key once, agrees with latestRevision, and finds nothing newer than the latest',
  applies: (options) => isBatchPlugin(options.plugin),
  maxCalls: () => 2,
  async run(run) {
    const first = await roundProblems(run, 'first');
    return [...first, ...(await roundProblems(run, 'again'))];
  },
};
