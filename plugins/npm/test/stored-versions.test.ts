import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePackument, type VersionRecord } from '../src/parse-packument';
import { storedVersions, versionRecords } from '../src/stored-versions';
import { FIXTURES } from './support/registry-server';

/** Through the store and back: written as JSON text, read from it. */
const roundTrip = (records: VersionRecord[]): VersionRecord[] | null => versionRecords(JSON.parse(JSON.stringify(storedVersions(records))));

describe('version records as the store keeps them', () => {
  it.each(['request.json', 'semver.json', '@isaacs__ttlcache.json'])('come back field for field from %s, in a fraction of their JSON', (file) => {
    const { versions } = parsePackument(readFileSync(path.join(FIXTURES, file)), 'https://registry.example.org/npm/');

    const back = roundTrip(versions);

    expect(back).toEqual(versions);
    expect(JSON.stringify(storedVersions(versions)).length).toBeLessThan(JSON.stringify(versions).length * 0.7);
  });

  it.each<[string, VersionRecord[]]>([
    [
      'a field that comes, goes and comes back',
      [{ version: '1.0.0', deprecated: 'use 2' }, { version: '1.0.1' }, { version: '1.0.2', deprecated: 'use 2' }, { version: '1.0.3', deprecated: 'use 2' }],
    ],
    [
      'the version more than once in a text, or in part of another number',
      [
        { version: '1.0.0', description: '1.0.0 is 11.0.0 minus 10, see 1.0.0' },
        { version: '2.0.0', description: '2.0.0 is 12.0.0 minus 10, see 2.0.0' },
        { version: '3.0.0', description: '2.0.0 is 12.0.0 minus 10, see 2.0.0' },
      ],
    ],
    [
      'a text holding the character that marks the version',
      [
        { version: '1.0.0', description: 'a \u0000 b 1.0.0' },
        { version: '1.1.0', description: 'a \u0000 b 1.1.0' },
        { version: '1.2.0', description: 'a b 1.2.0' },
      ],
    ],
    [
      'a text that is the version itself',
      [
        { version: '1.0.0', homepage: '1.0.0' },
        { version: '1.1.0', homepage: '1.1.0' },
      ],
    ],
  ])('keep %s', (_what, records) => {
    expect(roundTrip(records)).toEqual(records);
  });

  it.each([
    ['not a list', { versions: [] }],
    ['a version without its fields', [['1.0.0']]],
    ['a field of another kind', [['1.0.0', 0, 0, 0, 0, 0, 0, 0, 0, true]]],
    ['"as the previous one" with no previous one', [['1.0.0', 1, 0, 0, 0, 0, 0, 0, 0, 0]]],
  ])('read as nothing kept when the stored value is %s', (_what, stored) => {
    expect(versionRecords(stored)).toBeNull();
  });
});
