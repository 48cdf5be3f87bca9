import { runInNewContext } from 'node:vm';
import { revisionProblems } from '../src';

const when = new Date('2023-06-02T09:30:00Z');

describe('revisionProblems', () => {
  it.each([
    ['a minimal revision', { revision: '1.3.0', timestamp: when }],
    [
      'every field',
      {
        revision: '1.3.0',
        timestamp: when,
        user: 'Ada',
        comment: 'fix',
        trackbackUrl: 'https://repo.example.org/1.3.0',
        data: { LOCATION: 'https://repo.example.org/a.tgz', CHECKSUM: 'sha256:ab' },
      },
    ],
    ['null optional fields', { revision: '1.3.0', timestamp: when, user: null, data: null }],
    ['a Date from another realm', { revision: '1.3.0', timestamp: runInNewContext('new Date(0)') }],
  ])('accepts %s', (_case, revision) => {
    expect(revisionProblems(revision)).toEqual([]);
  });

  it.each([
    ['not an object', 'v1', 'a revision must be an object'],
    ['an empty label', { revision: ' ', timestamp: when }, 'revision must be a non-empty string'],
    ['a timestamp string', { revision: '1', timestamp: '2023-06-02' }, 'timestamp must be a valid Date'],
    ['an invalid Date', { revision: '1', timestamp: new Date('nope') }, 'timestamp must be a valid Date'],
    ['a numeric user', { revision: '1', timestamp: when, user: 7 }, 'user must be a string'],
    ['data as a list', { revision: '1', timestamp: when, data: ['x'] }, 'data must be a flat map of strings'],
    ['a lower-case data key', { revision: '1', timestamp: when, data: { location: 'x' } }, "data key 'location' must match"],
    ['a nested data value', { revision: '1', timestamp: when, data: { LOCATION: { url: 'x' } } }, "data value of 'LOCATION' must be a string"],
  ])('reports %s', (_case, revision, problem) => {
    expect(revisionProblems(revision).join('\n')).toContain(problem);
  });
});
