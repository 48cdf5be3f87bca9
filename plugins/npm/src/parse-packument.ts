import { PermanentError } from '@baton/plugin-api';
import semver from 'semver';
import { JsonBytes } from './json-bytes';

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
  const record: VersionRecord = { version };
  // Each field set only when present: thousands of records are made per read, without a spare object each.
  const keep = (field: Exclude<keyof VersionRecord, 'version'>, value: string | undefined): void => {
    if (value !== undefined) record[field] = value;
  };
  keep('time', text(times[version]));
  keep('tarball', text(dist['tarball']));
  keep('integrity', text(dist['integrity']));
  keep('shasum', text(dist['shasum']));
  keep('user', personOf(manifest['_npmUser']) ?? personOf(manifest['author']) ?? personOf(document['author']));
  keep('description', text(manifest['description']) ?? text(document['description']));
  keep('repository', repositoryOf(manifest) ?? repositoryOf(document));
  keep('homepage', text(manifest['homepage']) ?? text(document['homepage']));
  keep('deprecated', text(manifest['deprecated']));
  return record;
}

function distTagsOf(value: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!isObject(value)) return tags;
  for (const [tag, version] of Object.entries(value)) if (typeof version === 'string') tags[tag] = version;
  return tags;
}

/** The members of a version's manifest that its record is made of; the others are passed over. */
const MANIFEST_KEYS = ['dist', '_npmUser', 'author', 'description', 'repository', 'homepage', 'deprecated'] as const;

/** The members of `dist` a record keeps (not its signatures and attestations). */
const DIST_KEYS = ['tarball', 'integrity', 'shasum'] as const;

/** The members of the document read besides `versions`: what records fall back on, the tags, the times. */
const DOCUMENT_KEYS = ['name', 'dist-tags', 'time', 'modified', 'author', 'description', 'repository', 'homepage', 'versions'] as const;

/** A document that is not a JSON object: why, as the whole text parsed says it. */
function notAnObject(bytes: Buffer, url: string): PermanentError {
  const text = bytes.toString('utf8');
  try {
    JSON.parse(text);
  } catch (error) {
    return notJson(text, url, error);
  }
  return new PermanentError('bad_packument', `${url} is not a packument: the document is not a JSON object`);
}

function notJson(text: string, url: string, error: unknown): PermanentError {
  // A web page served as something else than text/html (a proxy's error page, a login form).
  if (/^\s*</.test(text.slice(0, 1024))) {
    return new PermanentError('not_a_registry', `${url} answered markup (HTML or XML), not a packument: check that the registry URL is the registry's API URL`);
  }
  return badJson(url, error);
}

const badJson = (url: string, error: unknown): PermanentError => new PermanentError('bad_packument', `${url} is not JSON: ${(error as Error).message}`);

/** The members of the object at `at` named in `names`, parsed (by `parse`, if given); the rest only walked over. */
function picked(json: JsonBytes, at: number, names: readonly string[], parse = (start: number, end: number, _key: string) => json.parse(start, end)): Json {
  const members: Json = {};
  json.members(at, (keyStart, keyEnd, start, end) => {
    const key = json.keyIn(keyStart, keyEnd, names);
    if (key !== undefined) members[key] = parse(start, end, key);
  });
  return members;
}

/** A manifest's members a record is made of; of its `dist`, only what the record keeps. */
function pickedManifest(json: JsonBytes, at: number): Json {
  return picked(json, at, MANIFEST_KEYS, (start, end, key) =>
    key === 'dist' && json.byteAt(start) === 0x7b ? picked(json, start, DIST_KEYS) : json.parse(start, end),
  );
}

/** Each version's picked manifest by version key, in the order `JSON.parse` would give them; null for a manifest that is not an object. */
function manifestsOf(json: JsonBytes, at: number): Record<string, Json | null> {
  // No prototype: a version key is any text, `__proto__` included.
  const manifests = Object.create(null) as Record<string, Json | null>;
  json.members(at, (keyStart, keyEnd, start) => {
    manifests[json.key(keyStart, keyEnd)] = json.byteAt(start) === 0x7b ? pickedManifest(json, start) : null;
  });
  return manifests;
}

/** The document's members that are read, and its versions' picked manifests. */
function documentOf(bytes: Buffer, url: string): { document: Json; manifests: Record<string, Json | null> } {
  const json = new JsonBytes(bytes);
  const start = json.start();
  if (json.byteAt(start) !== 0x7b) throw notAnObject(bytes, url);
  const document: Json = {};
  let manifests: Record<string, Json | null> | undefined;
  try {
    const end = json.members(start, (keyStart, keyEnd, valueStart, valueEnd) => {
      const key = json.keyIn(keyStart, keyEnd, DOCUMENT_KEYS);
      if (key === 'versions') manifests = json.byteAt(valueStart) === 0x7b ? manifestsOf(json, valueStart) : undefined;
      else if (key !== undefined) document[key] = json.parse(valueStart, valueEnd);
    });
    json.expectEnd(end);
  } catch (error) {
    if (error instanceof SyntaxError) throw badJson(url, error);
    throw error;
  }
  if (manifests === undefined) throw new PermanentError('bad_packument', `${url} is not a packument: it has no "versions" object`);
  return { document, manifests };
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
  const { document, manifests } = documentOf(bytes, url);
  const times = isObject(document['time']) ? document['time'] : {};
  const records: VersionRecord[] = [];
  const skipped: string[] = [];
  for (const [version, manifest] of Object.entries(manifests)) {
    if (manifest === null || semver.valid(version) === null) skipped.push(version);
    else records.push(recordOf(version, manifest, document, times));
  }
  const modified = text(times['modified']) ?? text(document['modified']);
  return { name: text(document['name']) ?? '', distTags: distTagsOf(document['dist-tags']), versions: records, ...(modified && { modified }), skipped };
}
