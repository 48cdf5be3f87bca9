import {
  PermanentError,
  PluginError,
  type BatchAnswer,
  type BatchItem,
  type CheckResult,
  type Configuration,
  type PackageCheckResult,
  type PackageRevision,
  type PluginContext,
  type RevisionResult,
} from '@baton/plugin-api';
import { chooseVersion } from './artifact-choice';
import { ArtifactReader } from './artifact-reader';
import { isNewer, revisionOf, toRevision } from './artifact-revision';
import { repositoryAccess, rootStatus } from './client';
import { selectionOf, type ArtifactSelection } from './config';
import type { StoredAnswer, StoredDocument } from './metadata-store';
import type { ArtifactMetadata } from './parse-metadata';
import { RangeSyntaxError } from './version-range';

/** Artifacts read at the same time in a batch. */
const PARALLEL_ARTIFACTS = 8;

/** A batch answer whose error is always one of the plugin's own. */
type Answer = { key: string; result: RevisionResult; error?: undefined } | { key: string; error: PluginError; result?: undefined };

interface Question {
  key: string;
  selection: ArtifactSelection | PermanentError;
  previous: PackageRevision | null;
}

function selectionFor(pkg: Configuration): ArtifactSelection | PermanentError {
  try {
    return selectionOf(pkg);
  } catch (error) {
    if (error instanceof RangeSyntaxError) return new PermanentError('invalid_configuration', `Version range (VERSION_RANGE) ${error.message}`);
    throw error;
  }
}

/** What a selection keeps an answer under: everything that changes the choice. */
function answerKey(selection: ArtifactSelection): string {
  const { groupId: _g, artifactId: _a, range, ...rest } = selection;
  return JSON.stringify({ ...rest, range: range?.text ?? null });
}

/** A stored answer still holds when a snapshot it chose has no newer build. */
async function stillHolds(reader: ArtifactReader, folder: string, answer: StoredAnswer | undefined): Promise<boolean> {
  if (answer === undefined) return false;
  const choice = answer.choice;
  if (choice?.snapshotHash === undefined) return true;
  const snapshot = await reader.snapshotMetadata(folder, choice.version);
  return snapshot?.hash === choice.snapshotHash;
}

async function answerOne(
  reader: ArtifactReader,
  document: StoredDocument<ArtifactMetadata>,
  selection: ArtifactSelection,
  previous: PackageRevision | null,
): Promise<RevisionResult> {
  const answers = (document.answers ??= {});
  const key = answerKey(selection);
  const folder = document.url.slice(0, -'maven-metadata.xml'.length);
  let answer = answers[key];
  if (answer === undefined || !(await stillHolds(reader, folder, answer))) answer = await chooseVersion(reader, document, selection);
  delete answers[key];
  answers[key] = answer;
  const { choice, warnings } = answer;
  const result = (revision: PackageRevision | null): RevisionResult => (warnings.length > 0 ? { revision, warnings: [...warnings] } : { revision });
  if (choice === null || (previous !== null && !isNewer(choice, previous))) return result(null);
  answer.revision ??= await toRevision(reader, choice, selection);
  return result(revisionOf(answer.revision));
}

function coordinates(selection: ArtifactSelection): string {
  return `${selection.groupId}:${selection.artifactId}`;
}

/** The answers for the packages of one artifact, from one read of its metadata. */
async function answerArtifact(reader: ArtifactReader, questions: Question[]): Promise<Answer[]> {
  const first = questions[0].selection as ArtifactSelection;
  const folder = reader.folder(first.groupId, first.artifactId);
  let document: StoredDocument<ArtifactMetadata> | null;
  try {
    document = await reader.artifactMetadata(folder);
  } catch (error) {
    if (error instanceof PluginError) return questions.map(({ key }) => ({ key, error }));
    throw error;
  }
  if (document === null) {
    const warnings = [`Nothing deployed as ${coordinates(first)} yet: there is no ${folder}maven-metadata.xml (404)`];
    return questions.map(({ key }) => ({ key, result: { revision: null, warnings } }));
  }
  const before = JSON.stringify(document.answers ?? {});
  const answers: Answer[] = [];
  for (const { key, selection, previous } of questions) {
    try {
      answers.push({ key, result: await answerOne(reader, document, selection as ArtifactSelection, previous) });
    } catch (error) {
      if (!(error instanceof PluginError)) throw error;
      answers.push({ key, error });
    }
  }
  // An unchanged poll writes nothing: the store is the host's database.
  if (JSON.stringify(document.answers ?? {}) !== before) await reader.saveAnswers(document);
  return answers;
}

async function inParallel<T>(groups: T[][], work: (group: T[]) => Promise<Answer[]>): Promise<Answer[]> {
  const results: Answer[][] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < groups.length) {
      const index = next++;
      results[index] = await work(groups[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_ARTIFACTS, groups.length) }, worker));
  return results.flat();
}

/** Every package of a repository: each artifact's metadata read once, however many packages watch it. */
export async function latestRevisionsSince(repository: Configuration, items: BatchItem[], ctx: PluginContext): Promise<BatchAnswer[]> {
  return answers(repository, items, ctx);
}

async function answers(repository: Configuration, items: BatchItem[], ctx: PluginContext): Promise<Answer[]> {
  const reader = new ArtifactReader(repositoryAccess(repository), ctx);
  const questions = items.map((item): Question => ({ key: item.key, selection: selectionFor(item.package), previous: item.previous }));
  const invalid = questions.filter((q) => q.selection instanceof PermanentError).map((q): Answer => ({ key: q.key, error: q.selection as PermanentError }));
  const byArtifact = new Map<string, Question[]>();
  for (const question of questions) {
    if (question.selection instanceof PermanentError) continue;
    const id = coordinates(question.selection);
    byArtifact.set(id, [...(byArtifact.get(id) ?? []), question]);
  }
  const answered = [...invalid, ...(await inParallel([...byArtifact.values()], (group) => answerArtifact(reader, group)))];
  const order = new Map(items.map((item, index) => [item.key, index]));
  return answered.sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
}

async function single(repository: Configuration, pkg: Configuration, previous: PackageRevision | null, ctx: PluginContext): Promise<RevisionResult> {
  const [answer] = await answers(repository, [{ key: 'package', package: pkg, previous }], ctx);
  if (answer.error !== undefined) throw answer.error;
  return answer.result;
}

export function latestRevision(repository: Configuration, pkg: Configuration, ctx: PluginContext): Promise<RevisionResult> {
  return single(repository, pkg, null, ctx);
}

export function latestRevisionSince(repository: Configuration, pkg: Configuration, previous: PackageRevision, ctx: PluginContext): Promise<RevisionResult> {
  return single(repository, pkg, previous, ctx);
}

/** Connection check of a repository: its base URL answers; a 404 there is normal for many managers. */
export async function checkRepository(repository: Configuration, ctx: PluginContext): Promise<CheckResult> {
  const access = repositoryAccess(repository);
  try {
    const status = await rootStatus(access, ctx);
    if (status >= 200 && status < 400) return { ok: true, messages: [`Successfully accessed the repository at ${access.baseUrl} (${status})`] };
    if (status === 404) {
      return {
        ok: true,
        messages: [
          `The repository at ${access.baseUrl} answers 404 on its root, as many repository managers do (they list no folders there); artifacts are read by their paths`,
        ],
      };
    }
    const hint = status === 401 || status === 403 ? '; check USERNAME and PASSWORD, or AUTH_TOKEN' : '';
    return { ok: false, messages: [`The repository at ${access.baseUrl} answered ${status}${hint}`] };
  } catch (error) {
    if (error instanceof PluginError) return { ok: false, messages: [error.message] };
    throw error;
  }
}

/** Connection check of a package: a version of the artifact is found, as its latest revision. */
export async function checkPackage(repository: Configuration, pkg: Configuration, ctx: PluginContext): Promise<PackageCheckResult> {
  try {
    const { revision, warnings = [] } = await latestRevision(repository, pkg, ctx);
    const name = `${(pkg['GROUP_ID'] ?? '').trim()}:${(pkg['ARTIFACT_ID'] ?? '').trim()}`;
    if (revision === null) return { ok: false, messages: [`No version of ${name} matches the package's settings.`, ...warnings], revision: null };
    return { ok: true, messages: [`Found artifact '${name}:${revision.revision}'.`, ...warnings], revision };
  } catch (error) {
    if (error instanceof PluginError) return { ok: false, messages: [error.message], revision: null };
    throw error;
  }
}
