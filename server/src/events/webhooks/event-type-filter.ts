import { EVENT_TYPES, isEventType } from '../event-catalogue';

/**
 * Whether a webhook subscribed to `patterns` wants an event of `type`. A pattern is an exact
 * type (`package.revision.detected`) or a prefix wildcard (`package.*`, which matches
 * `package.poll.failed` but not `package` itself); no patterns means every event.
 */
export function eventTypeMatches(patterns: readonly string[], type: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) => (pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type));
}

/**
 * Why a filter pattern can never match, or null when it names a catalogue type or a prefix of
 * some: a typo would otherwise make a webhook or a stream silently receive nothing.
 */
export function eventTypePatternProblem(pattern: string): string | null {
  if (pattern.endsWith('.*') ? EVENT_TYPES.some((type) => eventTypeMatches([pattern], type)) : isEventType(pattern)) return null;
  return `'${pattern}' matches no event type: use one of ${EVENT_TYPES.join(', ')}, or a prefix of them such as package.*`;
}

/**
 * A `?types=` filter: comma-separated patterns, or null for none given (every event). Each
 * pattern that can never match is a problem, also beside ones that can: the client meant every
 * pattern it sent. A value of separators only names no type, and is a problem too.
 */
export function eventTypeFilter(value: string | undefined): { types: string[] | null; problems: string[] } {
  if (value === undefined || value === '') return { types: null, problems: [] };
  const types = value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (types.length === 0) return { types, problems: [`names no event type: use one of ${EVENT_TYPES.join(', ')}, or a prefix of them such as package.*`] };
  return { types, problems: types.map(eventTypePatternProblem).filter((problem) => problem !== null) };
}
