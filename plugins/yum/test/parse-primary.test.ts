import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { PrimaryScanner, type PackageRecord } from '../src/parse-primary';
import { MalformedXmlError } from '@baton/plugin-kit';
import { fixturePath, fixturePrimaryXml } from './support/repositories';

const BASE = 'https://repo.example.org/el9/';

type Node = Record<string, unknown> | string | undefined;

function text(node: unknown): string {
  if (typeof node === 'string') return node.trim();
  const inner = (node as Record<string, unknown> | undefined)?.['#text'];
  return typeof inner === 'string' ? inner.trim() : '';
}

function attr(node: unknown, name: string): string | undefined {
  const value = (node as Record<string, unknown> | undefined)?.[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** The same fields, read by a general XML parser from the whole document, with the same normalisation rules. */
function referenceRecords(xml: Buffer): PackageRecord[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    processEntities: true,
    htmlEntities: true,
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (_name, jpath) => jpath === 'metadata.package',
  });
  const packages = ((parser.parse(xml.toString('utf8')) as { metadata: { package?: Node[] } }).metadata.package ?? []) as Record<string, Node>[];
  return packages
    .filter((p) => attr(p['location'], 'href') !== undefined)
    .map((p) => {
      const base = attr(p['location'], 'xml:base');
      const type = (attr(p['checksum'], 'type') ?? '').toLowerCase();
      const format = p['format'];
      return {
        name: text(p['name']),
        arch: text(p['arch']),
        epoch: attr(p['version'], 'epoch') || '0',
        version: attr(p['version'], 'ver') ?? '',
        release: attr(p['version'], 'rel') ?? '',
        checksumType: type === 'sha' ? 'sha1' : type,
        checksum: text(p['checksum']).toLowerCase(),
        summary: text(p['summary']),
        packager: text(p['packager']),
        url: text(p['url']),
        buildTime: Number(attr(p['time'], 'build') ?? 0),
        fileTime: Number(attr(p['time'], 'file') ?? 0),
        size: Number(attr(p['size'], 'package') ?? 0),
        location: new URL(attr(p['location'], 'href') as string, base ? new URL(base, BASE) : BASE).href,
        sourceRpm: typeof format === 'object' ? text(format['rpm:sourcerpm']) : '',
      };
    });
}

interface ScanResult {
  records: PackageRecord[];
  skipped: string[];
  packages: number;
  declared: number | null;
}

function scan(chunks: Iterable<Uint8Array>, wanted: (name: string) => boolean = () => true): ScanResult {
  const records: PackageRecord[] = [];
  const skipped: string[] = [];
  const scanner = new PrimaryScanner({
    baseUrl: BASE,
    wanted,
    onPackage: (p) => records.push(p),
    onSkipped: (_n, reason) => skipped.push(reason),
    maxEntryBytes: 16 << 20,
  });
  for (const chunk of chunks) scanner.push(chunk);
  return { records, skipped, ...scanner.finish() };
}

function* pieces(data: Buffer, size: (i: number) => number): Generator<Buffer> {
  for (let at = 0, i = 0; at < data.length; i += 1) {
    const next = at + size(i);
    yield data.subarray(at, next);
    at = next;
  }
}

const FIXTURE_PRIMARIES: [string, () => Buffer][] = [
  ['scrt-yum (gzip)', () => fixturePrimaryXml('scrt-yum')],
  ['moosync (zstd)', () => fixturePrimaryXml('moosync')],
  ['edge-cases (plain, hand-written)', () => readFileSync(fixturePath('edge-cases', 'repodata', 'primary.xml'))],
];

describe('PrimaryScanner agrees with a general XML parser', () => {
  it.each(FIXTURE_PRIMARIES)('on every package of %s', (_name, load) => {
    const xml = load();

    const result = scan([xml]);

    expect(result.records).toEqual(referenceRecords(xml));
    expect(result.records.length).toBeGreaterThan(0);
    expect(result.packages).toBe(result.declared);
  });

  it.each(FIXTURE_PRIMARIES)('whatever the chunk boundaries in %s', (_name, load) => {
    const xml = load();
    const whole = scan([xml]);

    const byByte = scan(pieces(xml, () => 1));
    const uneven = scan(pieces(xml, (i) => 1 + ((i * 7919) % 4093)));

    expect(byByte).toEqual(whole);
    expect(uneven).toEqual(whole);
  });
});

describe('PrimaryScanner', () => {
  it('reads only the wanted names in full', () => {
    const wantedNames: string[] = [];

    const result = scan([fixturePrimaryXml('moosync')], (name) => {
      wantedNames.push(name);
      return false;
    });

    expect(result.records).toEqual([]);
    expect(wantedNames).toEqual(['moosync', 'moosync', 'moosync']);
  });

  it('decodes entities, CDATA and xml:base, and reads elements in any order', () => {
    const xml = readFileSync(fixturePath('edge-cases', 'repodata', 'primary.xml'));

    const [first, second] = scan([xml], (name) => name === 'python3-foo-bar').records;

    expect(first).toMatchObject({
      epoch: '2',
      checksumType: 'sha1',
      summary: 'Foo & bar: <fast> "parsing" \'tools\' été 中',
      packager: 'José Builder <jose@example.org>',
      url: 'https://example.org/foo?a=1&b=2',
      location: 'https://mirror.example.org/pub/el9/Packages/p/python3-foo-bar-1.4.0~rc1-3.el9.noarch.rpm',
    });
    expect(second).toMatchObject({
      arch: 'x86_64',
      summary: 'Raw <summary> & more',
      packager: '',
      location: `${BASE}sub/dir/python3-foo-bar-1.4.0-1.el9.x86_64.rpm`,
    });
  });

  it('skips an entry it cannot use, saying why', () => {
    const xml = readFileSync(fixturePath('edge-cases', 'repodata', 'primary.xml'));

    const result = scan([xml], (name) => name === 'broken');

    expect(result.records).toEqual([]);
    expect(result.skipped).toEqual(["an entry of package 'broken' was skipped: no location"]);
  });

  it('accepts an empty repository', () => {
    const result = scan([Buffer.from('<?xml version="1.0"?>\n<metadata packages="0"/>\n')]);

    expect(result).toEqual({ records: [], skipped: [], packages: 0, declared: 0 });
  });
});

const PACKAGE = '<package type="rpm"><name>a</name><arch>x86_64</arch><version epoch="0" ver="1" rel="1"/><location href="a.rpm"/></package>';
const doc = (body: string): string => `<?xml version="1.0"?>\n<metadata packages="1">\n${body}\n</metadata>\n`;

describe('PrimaryScanner refuses malformed documents', () => {
  it.each([
    ['an empty document', '', /no <metadata> root element/],
    ['a document that is not XML', 'PK\u0003\u0004 binary', /this is not XML/],
    ['a DOCTYPE', '<?xml version="1.0"?>\n<!DOCTYPE metadata [<!ENTITY x "y">]>\n<metadata/>', /<!DOCTYPE>, which is refused/],
    ['another root element', '<?xml version="1.0"?>\n<repomd xmlns="x"></repomd>', /root element is '<repomd'/],
    ['a document cut short', doc(PACKAGE).slice(0, 80), /ends after \d+ bytes, before <\/metadata>/],
    ['a package left open', doc(PACKAGE.replace('</package>', '') + PACKAGE), /<package> entry is not closed/],
    ['text between packages', doc(`${PACKAGE} stray ${PACKAGE}`), /text between <package> entries/],
    ['an element where a package belongs', doc(`<pkg/>${PACKAGE}`), /unexpected '<pkg\/' where a <package> entry was expected/],
    ['an unknown entity in a wanted package', doc(PACKAGE.replace('<name>a</name>', '<name>a</name><summary>&nbsp;</summary>')), /unknown entity &nbsp;/],
    ['a bare ampersand in a wanted package', doc(PACKAGE.replace('<name>a</name>', '<name>a</name><summary>a & b</summary>')), /a bare '&'/],
    ['an unclosed element in a wanted package', doc(PACKAGE.replace('<name>a</name>', '<name>a</name><summary>open')), /<summary> is not closed/],
  ])('%s', (_case, xml, message) => {
    const attempt = (): ScanResult => scan([Buffer.from(xml)]);

    expect(attempt).toThrow(MalformedXmlError);
    expect(attempt).toThrow(message);
  });
});
