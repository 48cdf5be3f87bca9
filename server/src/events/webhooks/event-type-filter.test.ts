import { EVENT_TYPES } from '../event-catalogue';
import { eventTypeFilter, eventTypeMatches } from './event-type-filter';

describe('eventTypeMatches', () => {
  it.each([
    [[], 'package.revision.detected', true],
    [['package.revision.detected'], 'package.revision.detected', true],
    [['package.revision.detected'], 'package.revision.detected.late', false],
    [['package.*'], 'package.poll.failed', true],
    [['package.*'], 'package', false],
    [['package.*'], 'packages.poll.failed', false],
    [['package.poll.*'], 'package.polling.started', false],
    [['repository.deleted', 'package.poll.*'], 'package.poll.recovered', true],
    [['repository.deleted', 'package.poll.*'], 'package.revision.detected', false],
  ])('%j matches %s: %s', (patterns, type, expected) => {
    expect(eventTypeMatches(patterns, type)).toBe(expected);
  });
});

describe('eventTypeFilter', () => {
  it.each([undefined, ''])('takes %j as no filter', (value) => {
    expect(eventTypeFilter(value)).toEqual({ types: null, problems: [] });
  });

  it('takes known types and prefixes, trimmed', () => {
    expect(eventTypeFilter(' stage.run.completed , package.* ')).toEqual({ types: ['stage.run.completed', 'package.*'], problems: [] });
  });

  it('names each entry that matches no type, also beside known ones, with the known types', () => {
    const { problems } = eventTypeFilter('stage.run.completed,stage.run.failed,pipelines.*');

    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^'stage.run.failed' matches no event type: use one of /);
    expect(problems[1]).toMatch(/^'pipelines.\*' matches no event type/);
    for (const problem of problems) for (const type of EVENT_TYPES) expect(problem).toContain(type);
  });

  it.each([',', ' , ,'])('refuses %j, which names no type at all', (value) => {
    const { problems } = eventTypeFilter(value);

    expect(problems).toEqual([expect.stringMatching(/^names no event type: use one of /)]);
    for (const type of EVENT_TYPES) expect(problems[0]).toContain(type);
  });
});
