import { PermanentError } from '@baton/plugin-api';
import semver from 'semver';

/** What Baton keeps of one version of a packument. */
export interface VersionRecord {
  version: string;
  /** Publish time as the packument's `time` gives it, ISO text; absent when it gives none. */
  time?: string;
  tarball?: string;
  integrity?: string;
  shasum?: string;
  /** The publisher (`_npmUser`), else the author, as `name <email>`. */
  user?: string;
  description?: string;
  /** The repository URL as the manifest (or else the packument) writes it, not yet made browsable. */
  repository?: string;
  homepage?: string;
  /** The deprecation message; absent for a version that is not deprecated. */
  deprecated?: string;
}

/** What Baton keeps of a packument: small enough to store, enough to answer every package question. */
export interface Packument {
  name: string;
  distTags: Record<string, string>;
  versions: VersionRecord[];
  /** The packument's modification time (`time.modified`, or `modified`), ISO text, when it gives one. */
  modified?: string;
  /** Version keys that are not semver versions (or whose manifest is not an object), skipped. */
  skipped: string[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** `name <email>` of a person field: an object or npm's `name <email> (url)` string. */
function personOf(value: unknown): string | undefined {
  if (typeof value === 'string') return text(value.replace(/\s*\([^)]*\)\s*$/, ''));
  if (!isObject(value)) return undefined;
  const name = text(value['name']);
  const email = text(value['email']);
  if (name && email) return `${name} <${email}>`;
  return name ?? email;
}

function repositoryOf(source: Json): string | undefined {
  const repository = source['repository'];
  return isObject(repository) ? text(repository['url']) : text(repository);
}

function recordOf(version: string, manifest: Json, document: Json, times: Json): VersionRecord {
  const dist = isObject(manifest['dist']) ? manifest['dist'] : {};
  const fields: Omit<VersionRecord, 'version'> = {
    time: text(times[version]),
    tarball: text(dist['tarball']),
    integrity: text(dist['integrity']),
    shasum: text(dist['shasum']),
    user: personOf(manifest['_npmUser']) ?? personOf(manifest['author']) ?? personOf(document['author']),
    description: text(manifest['description']) ?? text(document['description']),
    repository: repositoryOf(manifest) ?? repositoryOf(document),
    homepage: text(manifest['homepage']) ?? text(document['homepage']),
    deprecated: text(manifest['deprecated']),
  };
  const record: VersionRecord = { version };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) (record as unknown as Json)[key] = value;
  return record;
}

function distTagsOf(value: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!isObject(value)) return tags;
  for (const [tag, version] of Object.entries(value)) if (typeof version === 'string') tags[tag] = version;
  return tags;
}

function documentOf(bytes: Buffer, url: string): Json {
  let document: unknown;
  const text = bytes.toString('utf8');
  try {
    document = JSON.parse(text);
  } catch (error) {
    // A web page served as something else than text/html (a proxy's error page, a login form).
    if (/^\s*</.test(text.slice(0, 1024))) {
      throw new PermanentError(
        'not_a_registry',
        `${url} answered markup (HTML or XML), not a packument: check that the registry URL is the registry's API URL`,
      );
    }
    throw new PermanentError('bad_packument', `${url} is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(document)) throw new PermanentError('bad_packument', `${url} is not a packument: the document is not a JSON object`);
  if (!isObject(document['versions'])) throw new PermanentError('bad_packument', `${url} is not a packument: it has no "versions" object`);
  return document;
}

/**
 * Reads a packument's bytes, keeping only what revisions need. A version whose key is not a
 * semver version, or whose manifest is not an object, is skipped and named in `skipped`; a
 * document that is not JSON, or has no `versions` object, fails permanently (`bad_packument`).
 *
 * @example
 * ```ts
 * const packument = parsePackument(Buffer.from('{"name":"left-pad","dist-tags":{"latest":"1.3.0"},"versions":{"1.3.0":{}}}'), url);
 * packument.versions[0].version; // '1.3.0'
 * ```
 */
export function parsePackument(bytes: Buffer, url: string): Packument {
  const document = documentOf(bytes, url);
  const versions = document['versions'] as Json;
  const times = isObject(document['time']) ? document['time'] : {};
  const records: VersionRecord[] = [];
  const skipped: string[] = [];
  for (const [version, manifest] of Object.entries(versions)) {
    if (semver.valid(version) === null || !isObject(manifest)) skipped.push(version);
    else records.push(recordOf(version, manifest, document, times));
  }
  const modified = text(times['modified']) ?? text(document['modified']);
  return { name: text(document['name']) ?? '', distTags: distTagsOf(document['dist-tags']), versions: records, ...(modified && { modified }), skipped };
}
