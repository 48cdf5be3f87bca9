import { addFieldError, type FieldErrors } from '../../domain-errors';
import type { PipelineDefinition } from '../definitions/definition';
import { shapeErrors } from '../definitions/definition-shape';
import type { StoredPipeline } from '../definitions/pipeline-store';
import type { ConfigFileContent } from './config-file-reader';

/** The pipelines each file declares, once their shape and names are checked. */
export interface FileCandidates {
  /** Files whose every document is a well-formed pipeline they may own, with those pipelines. */
  candidates: Map<string, PipelineDefinition[]>;
  /** Files refused at this stage, with why. */
  errors: Map<string, FieldErrors>;
  /** Names (lower case) of the pipelines whose document says `paused: true`: created paused, the first time. */
  paused: Set<string>;
}

/** Field paths within a file: plain for one pipeline, `documents[n].` for each of a stream. */
export function documentPath(count: number, index: number, path: string): string {
  return count > 1 ? `documents[${index}].${path}` : path;
}

/**
 * A check's errors; a check that throws on one document's content is an error of that document,
 * so that nothing in one file can stop the other files from applying.
 */
export function documentCheck(check: () => FieldErrors): FieldErrors {
  try {
    return check();
  } catch (error) {
    return { body: [`this document could not be checked: ${(error as Error).message}`] };
  }
}

/**
 * Checks each file's documents against the schema and settles who owns each name: a name taken
 * over the API cannot be defined in a file, and of two files defining one name the file that
 * already holds it keeps it (else the first by file name).
 */
export function fileCandidates(files: readonly ConfigFileContent[], stored: readonly StoredPipeline[]): FileCandidates {
  const errors = new Map<string, FieldErrors>();
  const shaped = new Map<string, PipelineDefinition[]>();
  const paused = new Set<string>();
  for (const file of files) {
    if (file.errors) errors.set(file.file, file.errors);
    else checkShapes(file, shaped, errors, paused);
  }
  const present = new Set(files.map((f) => f.file));
  const storedByName = new Map(stored.map((p) => [p.name.toLowerCase(), p]));
  const claims = claimsByName(shaped);
  const candidates = new Map<string, PipelineDefinition[]>();
  for (const [file, definitions] of shaped) {
    const fileErrors: FieldErrors = {};
    definitions.forEach((definition, index) => {
      const key = definition.name.toLowerCase();
      const row = storedByName.get(key);
      const path = documentPath(definitions.length, index, 'name');
      if (row?.source === 'api') {
        addFieldError(fileErrors, path, `pipeline '${row.name}' exists and is managed over the API: delete it there, or give this one another name`);
        return;
      }
      const owner = ownerOf(row, present, shaped, claims.get(key)!);
      if (owner !== file) addFieldError(fileErrors, path, `pipeline '${definition.name}' is defined in file '${owner}'`);
    });
    if (Object.keys(fileErrors).length > 0) errors.set(file, fileErrors);
    else candidates.set(file, definitions);
  }
  return { candidates, errors, paused };
}

function checkShapes(file: ConfigFileContent, shaped: Map<string, PipelineDefinition[]>, errors: Map<string, FieldErrors>, paused: Set<string>): void {
  const fileErrors: FieldErrors = {};
  const names = new Map<string, number>();
  const documents = file.documents.map(withoutPaused);
  documents.forEach(({ document, paused: pausedValue }, index) => {
    const at = (path: string) => documentPath(file.documents.length, index, path);
    if (pausedValue !== undefined && typeof pausedValue !== 'boolean')
      addFieldError(fileErrors, at('paused'), 'must be true or false: true creates the pipeline paused when the file first brings it');
    for (const [path, messages] of Object.entries(documentCheck(() => shapeErrors(document))))
      for (const message of messages) addFieldError(fileErrors, at(path), message);
    const name = (document as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    const first = names.get(name.toLowerCase());
    if (first !== undefined) addFieldError(fileErrors, at('name'), `pipeline '${name}' is already defined by documents[${first}] of this file`);
    else names.set(name.toLowerCase(), index);
    if (pausedValue === true) paused.add(name.toLowerCase());
  });
  if (Object.keys(fileErrors).length > 0) errors.set(file.file, fileErrors);
  else
    shaped.set(
      file.file,
      documents.map((d) => d.document as PipelineDefinition),
    );
}

/**
 * A document's `paused` is state, not definition: it is taken out before the definition is
 * checked and stored, and applies only when the file first brings the pipeline.
 */
function withoutPaused(document: unknown): { document: unknown; paused: unknown } {
  if (document === null || typeof document !== 'object' || Array.isArray(document) || !Object.hasOwn(document, 'paused')) {
    return { document, paused: undefined };
  }
  const { paused, ...definition } = document as Record<string, unknown>;
  return { document: definition, paused };
}

/**
 * The file holding a pipeline keeps it while it is there and either still declares it or cannot
 * be read (it keeps its last good version then); otherwise the first file declaring it gets it.
 */
function ownerOf(row: StoredPipeline | undefined, present: ReadonlySet<string>, shaped: ReadonlyMap<string, unknown>, claimants: readonly string[]): string {
  const holder = row?.sourceFile;
  if (holder && present.has(holder) && (!shaped.has(holder) || claimants.includes(holder))) return holder;
  return claimants[0];
}

/** Lower-case name → the files declaring it, in file order. */
function claimsByName(shaped: ReadonlyMap<string, PipelineDefinition[]>): Map<string, string[]> {
  const claims = new Map<string, string[]>();
  for (const [file, definitions] of shaped) {
    for (const definition of definitions) {
      const key = definition.name.toLowerCase();
      claims.set(key, [...(claims.get(key) ?? []), file]);
    }
  }
  return claims;
}
