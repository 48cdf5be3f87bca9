import { addFieldError, type FieldErrors } from '../../domain-errors';
import { isPackageMaterial, type PipelineDefinition } from '../definitions/definition';
import type { DefinitionLookups } from '../definitions/definition-lookups';
import { definitionErrors } from '../definitions/definition-rules';
import type { StoredPipeline } from '../definitions/pipeline-store';
import { documentCheck, documentPath, fileCandidates } from './config-file-candidates';
import type { ConfigFileContent } from './config-file-reader';

/** What the folder asks of the pipelines table, and what to report about each file. */
export interface ConfigPlan {
  /** `paused`: created paused, should the pipeline be new. */
  upserts: { file: string; definition: PipelineDefinition; paused: boolean }[];
  removals: { name: string; file: string }[];
  /** Present files, and deleted files whose pipelines had to stay. */
  reports: { file: string; errors: FieldErrors | null; pipelines: string[] }[];
}

/** The pipelines in force if the accepted files are applied, and the file pipelines that go. */
interface Outcome {
  definitions: PipelineDefinition[];
  removals: StoredPipeline[];
  /** Pipelines whose file no longer declares them, kept for their dependents. */
  keptBack: Map<StoredPipeline, string[]>;
}

/**
 * Plans a reload: files that fail the schema or the rules keep their last good version, and the
 * others are checked against what will be in force — so a file may refer to a pipeline of
 * another file, and one file's failure cannot let another's reference dangle.
 */
export function planConfig(
  files: readonly ConfigFileContent[],
  stored: readonly StoredPipeline[],
  lookupsFor: (definitions: readonly PipelineDefinition[]) => DefinitionLookups,
): ConfigPlan {
  const present = new Set(files.map((f) => f.file));
  const { candidates, errors, paused } = fileCandidates(files, stored);
  const check = (accepted: ReadonlyMap<string, PipelineDefinition[]>, into: Map<string, FieldErrors>) =>
    refuseByRules(accepted, lookupsFor(settle(stored, present, accepted).definitions), into);
  const accepted = shrink(new Map(candidates), check, errors);
  grow(candidates, accepted, check, errors);
  const outcome = settle(stored, present, accepted);
  return {
    upserts: [...accepted].flatMap(([file, definitions]) =>
      definitions.map((definition) => ({ file, definition, paused: paused.has(definition.name.toLowerCase()) })),
    ),
    removals: outcome.removals.map((p) => ({ name: p.name, file: p.sourceFile! })),
    reports: reports(files, stored, accepted, errors, outcome.keptBack),
  };
}

type Check = (accepted: ReadonlyMap<string, PipelineDefinition[]>, errors: Map<string, FieldErrors>) => string[];

/** Refuses failing files until the rest hold together. */
function shrink(accepted: Map<string, PipelineDefinition[]>, check: Check, errors: Map<string, FieldErrors>): Map<string, PipelineDefinition[]> {
  for (let refused = check(accepted, errors); refused.length > 0; refused = check(accepted, errors)) {
    for (const file of refused) accepted.delete(file);
  }
  return accepted;
}

/**
 * A file refused while another failing file was still counted may hold together with the last
 * good version of that file: each refused file is tried again, one at a time, until none fits.
 */
function grow(
  candidates: ReadonlyMap<string, PipelineDefinition[]>,
  accepted: Map<string, PipelineDefinition[]>,
  check: Check,
  errors: Map<string, FieldErrors>,
): void {
  for (let grown = true; grown;) {
    grown = false;
    for (const [file, definitions] of candidates) {
      if (accepted.has(file)) continue;
      const trial = new Map(accepted).set(file, definitions);
      const trialErrors = new Map<string, FieldErrors>();
      if (check(trial, trialErrors).length === 0) {
        accepted.set(file, definitions);
        errors.delete(file);
        grown = true;
      } else if (trialErrors.has(file)) {
        errors.set(file, trialErrors.get(file)!);
      }
    }
  }
}

function refuseByRules(accepted: ReadonlyMap<string, PipelineDefinition[]>, lookups: DefinitionLookups, errors: Map<string, FieldErrors>): string[] {
  const refused: string[] = [];
  for (const [file, definitions] of accepted) {
    const fileErrors: FieldErrors = {};
    definitions.forEach((definition, index) => {
      for (const [path, messages] of Object.entries(documentCheck(() => definitionErrors(definition, lookups)))) {
        for (const message of messages) addFieldError(fileErrors, documentPath(definitions.length, index, path), message);
      }
    });
    if (Object.keys(fileErrors).length === 0) continue;
    errors.set(file, fileErrors);
    refused.push(file);
  }
  return refused;
}

/**
 * API pipelines stay; a file pipeline stays as it is while its file is present but not accepted
 * (its last good version); accepted files bring their pipelines. A file pipeline that none of
 * these keeps goes, unless a pipeline that stays depends on it.
 */
function settle(stored: readonly StoredPipeline[], present: ReadonlySet<string>, accepted: ReadonlyMap<string, PipelineDefinition[]>): Outcome {
  const incoming = [...accepted.values()].flat();
  const replaced = new Set(incoming.map((d) => d.name.toLowerCase()));
  const staying: PipelineDefinition[] = [...incoming];
  let leaving: StoredPipeline[] = [];
  for (const row of stored) {
    if (replaced.has(row.name.toLowerCase())) continue;
    const lastGood = row.source === 'api' || (present.has(row.sourceFile!) && !accepted.has(row.sourceFile!));
    if (lastGood) staying.push(row.definition);
    else leaving.push(row);
  }
  const keptBack = new Map<StoredPipeline, string[]>();
  for (let changed = true; changed;) {
    changed = false;
    for (const row of leaving) {
      const dependents = staying.filter((d) => dependsOn(d, row.name)).map((d) => d.name);
      if (dependents.length === 0) continue;
      keptBack.set(row, dependents);
      staying.push(row.definition);
      changed = true;
    }
    leaving = leaving.filter((row) => !keptBack.has(row));
  }
  return { definitions: staying, removals: leaving, keptBack };
}

function dependsOn(definition: PipelineDefinition, upstream: string): boolean {
  return (
    definition.name.toLowerCase() !== upstream.toLowerCase() &&
    definition.materials.some((m) => !isPackageMaterial(m) && m.pipeline.toLowerCase() === upstream.toLowerCase())
  );
}

function reports(
  files: readonly ConfigFileContent[],
  stored: readonly StoredPipeline[],
  accepted: ReadonlyMap<string, PipelineDefinition[]>,
  errors: Map<string, FieldErrors>,
  keptBack: ReadonlyMap<StoredPipeline, string[]>,
): ConfigPlan['reports'] {
  const present = new Set(files.map((f) => f.file));
  for (const [row, dependents] of keptBack) {
    const file = row.sourceFile!;
    const why = present.has(file) ? `pipeline '${row.name}' is no longer in this file` : 'the file was deleted';
    const fileErrors = errors.get(file) ?? {};
    addFieldError(
      fileErrors,
      'pipelines',
      `${why}, but pipeline(s) ${dependents.map((d) => `'${d}'`).join(', ')} depend on '${row.name}': it stays until they no longer do`,
    );
    errors.set(file, fileErrors);
  }
  const incoming = new Set([...accepted.values()].flat().map((d) => d.name.toLowerCase()));
  const names = new Set([...present, ...[...keptBack.keys()].map((row) => row.sourceFile!)]);
  return [...names].sort().map((file) => {
    const lastGood = (row: StoredPipeline) => !accepted.has(file) && !incoming.has(row.name.toLowerCase());
    const fromRows = stored.filter((row) => row.source === 'file' && row.sourceFile === file && (lastGood(row) || keptBack.has(row)));
    const pipelines = [...(accepted.get(file) ?? []).map((d) => d.name), ...fromRows.map((row) => row.name)];
    return { file, errors: errors.get(file) ?? null, pipelines: pipelines.sort() };
  });
}
