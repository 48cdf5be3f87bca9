import { eventTypeMatches } from './event-type-filter';

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
