import { readFileSync } from 'node:fs';
import { parseRepomd } from '../src/parse-repomd';
import { MalformedXmlError } from '@baton/plugin-kit';
import { fixturePath } from './support/repositories';

const repomdOf = (repository: string): Buffer => readFileSync(fixturePath(repository, 'repodata', 'repomd.xml'));

describe('parseRepomd', () => {
  it('finds primary by type in the old record order of scrt-yum', () => {
    const repomd = parseRepomd(repomdOf('scrt-yum'));

    const primary = repomd.records.find((r) => r.type === 'primary');

    expect(repomd.revision).toBe('1654609942');
    expect(repomd.records.map((r) => r.type)).toEqual(['filelists', 'primary', 'primary_db', 'other_db', 'other', 'filelists_db']);
    expect(primary).toEqual({
      type: 'primary',
      href: 'repodata/4307b1afc0ad1ca9aa1f74f9548a7a8f473149141659f303e65b9b6af415dcca-primary.xml.gz',
      checksumType: 'sha256',
      checksum: '4307b1afc0ad1ca9aa1f74f9548a7a8f473149141659f303e65b9b6af415dcca',
      size: 2481,
    });
  });

  it('reads the zstd primary record of moosync', () => {
    const repomd = parseRepomd(repomdOf('moosync'));

    const primary = repomd.records.find((r) => r.type === 'primary');

    expect(primary?.href).toBe('repodata/35151a4672f3f439b813cdfb067a4921e5ae760dc2b8ade98f47a08c1bd3c584-primary.xml.zst');
    expect(primary?.size).toBe(820);
  });

  it('decodes entities, reads xml:base, and writes sha as sha1', () => {
    const xml = `<repomd xmlns="http://linux.duke.edu/metadata/repo"><revision>7</revision>
      <data type="primary"><checksum type="sha">ABCDEF</checksum><location xml:base="https://mirror.example.org/a&amp;b/" href="repodata/p&amp;q.xml.gz"/></data>
    </repomd>`;

    const [record] = parseRepomd(Buffer.from(xml)).records;

    expect(record).toEqual({
      type: 'primary',
      href: 'repodata/p&q.xml.gz',
      xmlBase: 'https://mirror.example.org/a&b/',
      checksumType: 'sha1',
      checksum: 'abcdef',
      size: null,
    });
  });

  it.each([
    ['a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE repomd [<!ENTITY a "aaaa">]><repomd>&a;</repomd>', /<!DOCTYPE>, which is refused/],
    ['unbalanced tags', '<repomd><data type="primary"></repomd>', /line 1/],
    ['another root element', '<metadata/>', /root element is not <repomd>/],
    ['an unknown entity', '<repomd><revision>&bogus;</revision></repomd>', /unknown entity &bogus;/],
    ['elements nested far deeper than repomd.xml goes', `<repomd>${'<a>'.repeat(200)}${'</a>'.repeat(200)}</repomd>`, /nested/],
  ])('refuses %s', (_case, xml, message) => {
    const attempt = () => parseRepomd(Buffer.from(xml));

    expect(attempt).toThrow(MalformedXmlError);
    expect(attempt).toThrow(message);
  });
});
