import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments, type Document } from 'yaml';
import type { FieldErrors } from '../../domain-errors';

/** One file as read: its pipelines' documents (not validated yet), or why it could not be read. */
export interface ConfigFileContent {
  file: string;
  /** Of the bytes, to tell when a file changed. */
  hash: string;
  documents: unknown[];
  /** Reading or YAML errors; the documents are empty then. */
  errors: FieldErrors | null;
}

const MAX_FILE_BYTES = 1024 * 1024;
const PIPELINE_FILE = /^[^.].*\.ya?ml$/i;
const MAX_ALIAS_COUNT = 100;

/**
 * Reads the `*.yaml` and `*.yml` files at the top of the folder (hidden files, such as editors'
 * temporary ones, are skipped), sorted by name. Null when the folder does not exist.
 */
export async function readConfigFolder(dir: string): Promise<ConfigFileContent[] | null> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const names = entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && PIPELINE_FILE.test(e.name))
    .map((e) => e.name)
    .sort();
  const files = await Promise.all(names.map((name) => readConfigFile(dir, name)));
  return files.filter((f): f is ConfigFileContent => f !== null);
}

/**
 * Null when the entry is not a file. A file that vanishes between listing and reading is being
 * replaced (an editor's save, a checkout): it counts as unreadable for this scan, so that its
 * pipelines keep their last good version rather than being removed and created again.
 */
async function readConfigFile(dir: string, file: string): Promise<ConfigFileContent | null> {
  let bytes: Buffer;
  try {
    const stat = await fs.stat(path.join(dir, file));
    if (!stat.isFile()) return null;
    if (stat.size > MAX_FILE_BYTES) return failed(file, '', `the file is larger than ${MAX_FILE_BYTES} bytes`);
    bytes = await fs.readFile(path.join(dir, file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return failed(
        file,
        '',
        'the file is gone (it vanished while it was read, or it links to nothing); its pipelines keep their last good version until it is back or removed',
      );
    return failed(file, '', `the file cannot be read: ${(error as Error).message}`);
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  return parsePipelineYaml(file, hash, bytes.toString('utf8'));
}

/** A file holds one pipeline, or several as a YAML stream (documents separated by `---`). */
export function parsePipelineYaml(file: string, hash: string, text: string): ConfigFileContent {
  const documents = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const errors = documents.flatMap((d) => d.errors.map((e) => e.message));
  if (errors.length > 0) return { file, hash, documents: [], errors: { yaml: errors } };
  const values: unknown[] = [];
  for (const document of documents) {
    const read = documentValue(document);
    if ('refused' in read) return { file, hash, documents: [], errors: { yaml: [read.refused] } };
    if (read.value !== null && read.value !== undefined) values.push(read.value);
  }
  if (values.length === 0) return failed(file, hash, 'the file holds no pipeline');
  return { file, hash, documents: values, errors: null };
}

/**
 * A document's value, or why it has none. Aliases may repeat a node, and nested ones multiply:
 * a few hundred bytes could expand to gigabytes ("billion laughs"). The library refuses, by
 * throwing, once expansion passes MAX_ALIAS_COUNT; like any failure to build the value from this
 * text, that is this file's error alone, and the other files still apply.
 */
function documentValue(document: Document.Parsed): { value: unknown } | { refused: string } {
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (error) {
    return { refused: `${(error as Error).message} (aliases may expand at most ${MAX_ALIAS_COUNT} times, nested ones counted)` };
  }
}

function failed(file: string, hash: string, message: string): ConfigFileContent {
  return { file, hash, documents: [], errors: { file: [message] } };
}
