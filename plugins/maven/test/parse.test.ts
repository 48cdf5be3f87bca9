import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MalformedXmlError } from '@baton/plugin-kit';
import { parseChecksum } from '../src/parse-checksum';
import { mavenTimestamp, parseArtifactMetadata, parseSnapshotMetadata } from '../src/parse-metadata';
import { parsePom } from '../src/parse-pom';
import { FIXTURES } from './support/repositories';

const LIMIT = 1024 * 1024;
const fixture = (...parts: string[]): Buffer => readFileSync(path.join(FIXTURES, 'imagingbook', 'com', 'imagingbook', ...parts));

describe('artifact metadata', () => {
  it.each([
    ['imagingbook-common', ['1.5', '1.6', '1.7', '1.8', '1.9', '2.0-SNAPSHOT', '3.0', '3.1'], '20220307100318'],
    ['imagingbook-calibrate', ['2.0-SNAPSHOT', '3.0', '3.1-SNAPSHOT', '3.1'], '20220307100325'],
    ['imagingbook-parent-pom', ['2.0-SNAPSHOT', '3.0', '3.1', '4.0-SNAPSHOT'], '20220317091859'],
    ['imagingbook_plugins_tools', ['4.0-SNAPSHOT'], '20220319111738'],
  ])('%s lists its versions in deploy order', (artifactId, versions, lastUpdated) => {
    const metadata = parseArtifactMetadata(fixture(artifactId, 'maven-metadata.xml'), LIMIT);

    expect(metadata).toEqual({ versions, lastUpdated });
  });

  it('drops blank and repeated versions, decodes entities, and reads a file without <versioning>', () => {
    const odd =
      '<metadata><versioning><versions><version> 1.0 </version><version/><version>1.0</version><version>2.0&#45;rc1</version></versions></versioning></metadata>';

    expect(parseArtifactMetadata(Buffer.from(odd), LIMIT)).toEqual({ versions: ['1.0', '2.0-rc1'], lastUpdated: null });
    expect(parseArtifactMetadata(Buffer.from('<metadata><groupId>g</groupId></metadata>'), LIMIT)).toEqual({ versions: [], lastUpdated: null });
  });

  it.each([
    ['another root element', '<project><versioning/></project>', 'the root element is <project>, not <metadata>'],
    ['no root element', '<?xml version="1.0"?>', 'Start tag expected'],
    ['a DOCTYPE', '<!DOCTYPE metadata [<!ENTITY x "y">]><metadata/>', 'it has a <!DOCTYPE>, which is refused (no DTD is ever read)'],
    ['unclosed elements', '<metadata><versioning>', /line/],
    ['an unknown entity', '<metadata><versioning><lastUpdated>&x;</lastUpdated></versioning></metadata>', 'unknown entity &x;'],
  ])('refuses %s', (_case, xml, message) => {
    const parse = () => parseArtifactMetadata(Buffer.from(xml), LIMIT);

    expect(parse).toThrow(MalformedXmlError);
    expect(parse).toThrow(message);
  });

  it('refuses a file over the size limit before reading it', () => {
    expect(() => parseArtifactMetadata(fixture('imagingbook-common', 'maven-metadata.xml'), 100)).toThrow('it is larger than 100 bytes');
  });
});

describe('snapshot metadata', () => {
  it('lists every file of the build, with its classifier', () => {
    const metadata = parseSnapshotMetadata(fixture('imagingbook-common', '2.0-SNAPSHOT', 'maven-metadata.xml'), LIMIT);

    expect(metadata).toEqual({
      timestamp: '20210811.104928',
      buildNumber: 7,
      lastUpdated: '20210811104928',
      files: [
        { classifier: '', extension: 'jar', value: '2.0-20210811.104928-7', updated: '20210811104928' },
        { classifier: '', extension: 'pom', value: '2.0-20210811.104928-7', updated: '20210811104928' },
        { classifier: 'sources', extension: 'jar', value: '2.0-20210811.104928-7', updated: '20210811104928' },
      ],
    });
  });

  it('reads a build with a POM only', () => {
    const metadata = parseSnapshotMetadata(fixture('imagingbook-calibrate', '2.0-SNAPSHOT', 'maven-metadata.xml'), LIMIT);

    expect(metadata.files.map((file) => file.extension)).toEqual(['pom']);
  });

  it('reads an older file with a timestamp and build number only', () => {
    const xml = '<metadata><versioning><snapshot><timestamp>20200101.120000</timestamp><buildNumber>3</buildNumber></snapshot></versioning></metadata>';

    expect(parseSnapshotMetadata(Buffer.from(xml), LIMIT)).toEqual({ timestamp: '20200101.120000', buildNumber: 3, lastUpdated: null, files: [] });
  });
});

describe('Maven timestamps', () => {
  it.each([
    ['20220307100318', '2022-03-07T10:03:18.000Z'],
    ['20210822.092232', '2021-08-22T09:22:32.000Z'],
    ['20220230100318', null],
    ['2022-03-07', null],
    [null, null],
  ])('%s is %s (UTC)', (text, expected) => {
    expect(mavenTimestamp(text)?.toISOString() ?? null).toBe(expected);
  });
});

describe('POMs', () => {
  const pom = (body: string) => Buffer.from(`<?xml version="1.0"?><project xmlns="urn:example:pom:4.0.0">${body}</project>`);

  it.each([
    [
      'a developer with name and email, url, description',
      '<url>https://example.org/tools</url><description>Tools\n   for all</description><developers><developer><name>Ann</name><email>ann@example.org</email></developer><developer><name>Bo</name></developer></developers>',
      { developer: 'Ann <ann@example.org>', url: 'https://example.org/tools', description: 'Tools for all' },
    ],
    [
      'the scm url when there is no url, the name when there is no description, a developer by id',
      '<name>tools</name><scm><url>https://git.example.org/tools</url></scm><developers><developer><id>ann</id></developer></developers>',
      { developer: 'ann', url: 'https://git.example.org/tools', description: 'tools' },
    ],
    ['nothing', '<modelVersion>4.0.0</modelVersion>', { developer: null, url: null, description: null }],
    ['an inherited, unresolved url', '<url>${project.parent.url}</url>', { developer: null, url: null, description: null }],
  ])('%s', (_case, body, expected) => {
    expect(parsePom(pom(body), LIMIT)).toEqual(expected);
  });

  it('must be a <project>', () => {
    expect(() => parsePom(Buffer.from('<metadata/>'), LIMIT)).toThrow('the root element is <metadata>, not <project>');
  });
});

describe('checksum sidecars', () => {
  const sha1 = readFileSync(path.join(FIXTURES, 'imagingbook', 'com', 'imagingbook', 'imagingbook-common', 'maven-metadata.xml.sha1'), 'utf8');

  it.each([
    [sha1, 'sha1', '849ee83cd4b7f7ea39409cef1c9b3dd6257bf3e8'],
    ['849EE83CD4B7F7EA39409CEF1C9B3DD6257BF3E8  tools-1.0.jar\n', 'sha1', '849ee83cd4b7f7ea39409cef1c9b3dd6257bf3e8'],
    [`${'ab'.repeat(32)}\n`, 'sha256', 'ab'.repeat(32)],
    ['<html>Not found</html>', 'sha1', null],
    ['849ee83cd4b7f7ea39409cef1c9b3dd6257bf3e8', 'sha256', null],
    ['', 'sha1', null],
  ] as const)('%j as %s is %s', (text, algorithm, expected) => {
    expect(parseChecksum(text, algorithm)).toBe(expected);
  });
});
