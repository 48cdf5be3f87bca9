import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { parsePackument, type Packument } from '../src/parse-packument';
import { FIXTURES } from './support/registry-server';

const URL = 'https://registry.example.org/npm/tool';
const parsed = (text: string): Packument => parsePackument(Buffer.from(text), URL);
const failure = (text: string): unknown => {
  try {
    parsed(text);
  } catch (error) {
    return error;
  }
  throw new Error(`${text} was read`);
};

interface FixtureManifest {
  dist?: { tarball?: string; integrity?: string; shasum?: string };
  deprecated?: string;
}

describe('the real packuments, read against JSON.parse of the same file', () => {
  it.each(readdirSync(FIXTURES).filter((file) => file.endsWith('.json')))('%s', (file) => {
    const bytes = readFileSync(path.join(FIXTURES, file));
    const document = JSON.parse(bytes.toString('utf8')) as { versions: Record<string, FixtureManifest>; time: Record<string, string> };

    const packument = parsePackument(bytes, URL);

    const valid = Object.keys(document.versions).filter((version) => semver.valid(version) !== null);
    expect(packument.versions.map((record) => record.version)).toEqual(valid);
    for (const record of packument.versions) {
      const { dist, deprecated } = document.versions[record.version];
      expect([record.tarball, record.integrity, record.shasum, record.deprecated, record.time]).toEqual([
        dist?.tarball,
        dist?.integrity,
        dist?.shasum,
        deprecated?.trim() || undefined,
        document.time[record.version],
      ]);
    }
  });
});

const manifest = (fields: string): string => `{"name":"tool","version":"1.0.0",${fields}"dist":{"tarball":"https://registry.example.org/tool-1.0.0.tgz"}}`;

describe('reading the parts of a packument an answer needs', () => {
  it.each([
    ['escaped quotes and backslashes', manifest('"description":"a \\"quoted\\" C:\\\\path",'), 'a "quoted" C:\\path'],
    ['text beyond ASCII', manifest('"description":"café ☕ 𝄞",'), 'café ☕ 𝄞'],
    ['a unicode escape', manifest('"description":"caf\\u00e9",'), 'café'],
    ['brackets and quotes inside skipped strings', manifest('"scripts":{"x":"echo }]{[ \\"\\\\"},"description":"kept",'), 'kept'],
    ['a key given twice: the last one counts', manifest('"description":"first","description":"second",'), 'second'],
    ['whitespace between every token', manifest(' "description" :\n\t"spaced" , "files" : [ 1 , { } , [ ] ] ,'), 'spaced'],
  ])('%s', (_what, versionManifest, description) => {
    const packument = parsed(`{"name":"tool","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":${versionManifest}}}`);

    expect(packument.versions).toEqual([{ version: '1.0.0', tarball: 'https://registry.example.org/tool-1.0.0.tgz', description }]);
  });

  it('reads a version key written with escapes, skips odd keys in the order JSON.parse gives them, and takes the last "versions"', () => {
    const text =
      '{"versions":{"0.1.0":{}},"name":"tool","versions":{"__proto__":{},"1.0.\\u0030":{"description":"escaped"},"2":{},"2.0.0":"no manifest","3.0.0":null}}';

    const packument = parsed(text);

    expect(packument.versions).toEqual([{ version: '1.0.0', description: 'escaped' }]);
    expect(packument.skipped).toEqual(Object.keys(JSON.parse(text).versions).filter((key) => key !== '1.0.0'));
  });

  it('falls back on the document for what a manifest does not say, wherever the document says it', () => {
    const packument = parsed('{"versions":{"1.0.0":{}},"description":"from the document","author":"Ann <ann@example.org> (https://example.org)"}');

    expect(packument.versions).toEqual([{ version: '1.0.0', description: 'from the document', user: 'Ann <ann@example.org>' }]);
  });

  it('reads a value it does not use leniently: only its strings closed and its brackets balanced', () => {
    const packument = parsed(`{"versions":{"1.0.0":${manifest('"scripts":{"x":tru},')}}}`);

    expect(packument.versions.map((record) => record.version)).toEqual(['1.0.0']);
  });
});

describe('a packument that is not JSON', () => {
  it.each([
    ['a truncated document', '{"name":"tool","versions":{"1.0.0":{"description":"cut'],
    ['a bracket that does not match', `{"versions":{"1.0.0":${manifest('"files":[1,2},')}}}`],
    ['brackets closed in the wrong order', `{"versions":{"1.0.0":${manifest('"files":[{"a":1]},')}}}`],
    ['a value it uses that is not JSON', `{"versions":{"1.0.0":${manifest('"description":tru,')}}}`],
    ['a missing comma', '{"name":"tool" "versions":{}}'],
    ['a missing colon', '{"name" "tool","versions":{}}'],
    ['a member without a value', '{"name":,"versions":{}}'],
    ['text after the document', '{"versions":{}} and more'],
    ['a key that is not a string', '{name:"tool","versions":{}}'],
  ])('%s fails permanently (bad_packument), saying where', (_what, text) => {
    expect(failure(text)).toMatchObject({
      kind: 'permanent',
      code: 'bad_packument',
      message: expect.stringMatching(/is not JSON: .*(byte \d+|end of JSON input)/),
    });
  });
});
